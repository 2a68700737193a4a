package io.streamgate.platform.http;

import io.streamgate.platform.config.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the HTTP edge shared by ingest and api.
 *
 * @param corsAllowedOrigins exact origins allowed to call with credentials; never "*"
 * @param compressionMinBytes responses smaller than this are sent as they are
 * @param compressionLevel gzip/brotli level
 * @param maxBodyBytes larger request bodies are refused with 413
 * @param tlsKeystore a PKCS#12 keystore to serve HTTPS from, or null for plain HTTP
 * @param idleTimeout a connection with no bytes moving either way for this long is closed: a
 *     request whose headers or body stop arriving then ends (408 when the handler was reading
 *     the body); must exceed the coach stream's heartbeat interval
 * @param trustedProxies proxies whose forwarding header names the client ({@link ClientAddress})
 * @param admission how many requests are handled at once and how the rest wait ({@link PriorityAdmission})
 */
public record HttpConfig(
        String host,
        int port,
        List<String> corsAllowedOrigins,
        int compressionMinBytes,
        int compressionLevel,
        long maxBodyBytes,
        Path tlsKeystore,
        String tlsKeystorePassword,
        Duration idleTimeout,
        TrustedProxies trustedProxies,
        AdmissionConfig admission) {

    /** Jetty's own default, which the edge used before it was a setting. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** Served directly to clients, no proxy trusted, Jetty's idle timeout, default admission. */
    public HttpConfig(String host, int port, List<String> corsAllowedOrigins, int compressionMinBytes, int compressionLevel,
                      long maxBodyBytes, Path tlsKeystore, String tlsKeystorePassword) {
        this(host, port, corsAllowedOrigins, compressionMinBytes, compressionLevel, maxBodyBytes, tlsKeystore, tlsKeystorePassword,
                DEFAULT_IDLE_TIMEOUT, TrustedProxies.none(), AdmissionConfig.defaults());
    }

    public static HttpConfig from(Env env) {
        List<String> origins = env.list("CORS_ALLOWED_ORIGINS");
        for (String origin : origins) {
            if (origin.equals("*") || origin.equals("null") || !origin.matches("https?://[^/\\s]+")) {
                env.problem("CORS_ALLOWED_ORIGINS entries must be exact origins such as https://app.example.com, got '" + origin + "'");
            }
        }
        String keystore = env.optional("TLS_KEYSTORE_PATH").orElse(null);
        String keystorePassword = env.optional("TLS_KEYSTORE_PASSWORD").orElse(null);
        if (keystore != null && keystorePassword == null) {
            env.problem("TLS_KEYSTORE_PASSWORD is required when TLS_KEYSTORE_PATH is set");
        }
        return new HttpConfig(
                env.string("HTTP_HOST", "0.0.0.0"),
                env.integer("HTTP_PORT", 8080, 0, 65535),
                origins,
                env.integer("HTTP_COMPRESSION_MIN_BYTES", 1024, 0, Integer.MAX_VALUE),
                env.integer("HTTP_COMPRESSION_LEVEL", 6, 1, 9),
                env.integer("HTTP_MAX_BODY_BYTES", 1024 * 1024, 1024, Integer.MAX_VALUE),
                keystore == null ? null : Path.of(keystore),
                keystorePassword,
                env.duration("HTTP_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT, false),
                TrustedProxies.from(env),
                AdmissionConfig.from(env));
    }

    public HttpConfig withTls(Path keystore, String password) {
        return new HttpConfig(host, port, corsAllowedOrigins, compressionMinBytes, compressionLevel, maxBodyBytes, keystore, password,
                idleTimeout, trustedProxies, admission);
    }
}
