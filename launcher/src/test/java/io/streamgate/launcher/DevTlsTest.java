package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.http.SecurityHeaders;
import io.streamgate.testkit.TestDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dev --tls}: a self-signed certificate is generated into the data dir and every header arrives over HTTPS. */
class DevTlsTest {

    @Test
    void devWithTlsServesHttpsFromAGeneratedCertificate(@TempDir Path dataDir) throws Exception {
        try (TestDatabase database = TestDatabase.create("devtls")) {
            Map<String, String> env = Map.of("DATABASE_URL", database.url().jdbcUrl() + "?user=" + database.url().user()
                    + (database.url().password() == null ? "" : "&password=" + database.url().password()));
            LaunchOptions options = LaunchOptions.parse("dev", "--tls", "--port", "0", "--kafka-port", "0", "--data-dir", dataDir.toString());

            try (Streamgate running = Streamgate.start(options, env)) {
                Path keystore = dataDir.resolve("tls/keystore.p12");
                assertThat(keystore).exists();
                assertThat(running.baseUrl()).startsWith("https://localhost:");
                assertThat(running.banner()).contains(running.baseUrl());

                Properties secrets = new Properties();
                try (InputStream in = Files.newInputStream(dataDir.resolve("secrets.properties"))) {
                    secrets.load(in);
                }
                HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore, secrets.getProperty("TLS_KEYSTORE_PASSWORD"))).build();
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(running.baseUrl() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(ready.sslSession()).isPresent();
                SecurityHeaders.API_HEADERS.forEach((name, value) -> assertThat(ready.headers().firstValue(name)).as(name).hasValue(value));
                assertThat(ready.headers().firstValue("Server")).isEmpty();
            }
        }
    }

    static SSLContext trusting(Path keystore, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
