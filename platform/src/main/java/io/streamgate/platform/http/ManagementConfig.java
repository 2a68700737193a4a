package io.streamgate.platform.http;

import io.streamgate.platform.config.Env;

/**
 * The optional management listener: {@code /health/live}, {@code /health/ready} and
 * {@code /metrics} on a port of their own, served by their own small thread pool so probes
 * and scrapes still answer while the public listener is flooded. When it is configured the
 * public listener keeps only {@code /health/live}.
 *
 * <p>Plain HTTP even when the public listener speaks TLS: it binds to loopback by default
 * ({@code MANAGEMENT_HOST}), where only the host's own agents (a sidecar, a node exporter, an
 * orchestrator probing over loopback) reach it. Its endpoints are unauthenticated and
 * describe the process, so anything wider is an explicit choice.
 *
 * @param host the address to bind, 127.0.0.1 unless set
 * @param port the port to bind; 0 picks a free one
 */
public record ManagementConfig(String host, int port) {
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** The listener described by {@code MANAGEMENT_PORT} and {@code MANAGEMENT_HOST}, or null when no port is set. */
    public static ManagementConfig from(Env env, HttpConfig http) {
        boolean portSet = env.optional("MANAGEMENT_PORT").isPresent();
        if (!portSet) {
            if (env.optional("MANAGEMENT_HOST").isPresent()) {
                env.problem("MANAGEMENT_HOST is set but MANAGEMENT_PORT is not; set MANAGEMENT_PORT to serve /health/ready"
                        + " and /metrics on a separate listener");
            }
            return null;
        }
        int port = env.integer("MANAGEMENT_PORT", -1, 0, 65535);
        if (port == -1) return null;
        if (port != 0 && port == http.port()) {
            env.problem("MANAGEMENT_PORT must differ from HTTP_PORT, both are " + port);
        }
        return new ManagementConfig(env.string("MANAGEMENT_HOST", DEFAULT_HOST), port);
    }
}
