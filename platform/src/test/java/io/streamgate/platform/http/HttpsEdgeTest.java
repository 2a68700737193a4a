package io.streamgate.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dev --tls}: a generated self-signed certificate, served by the edge over real TLS. */
class HttpsEdgeTest {

    @Test
    void theEdgeServesHttpsFromTheKeystoreWithEveryHeader(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("tls/keystore.p12");
        String password = "test-" + System.nanoTime();
        SelfSignedKeystore.ensure(keystore, password, "localhost");
        byte[] generated = Files.readAllBytes(keystore);
        SelfSignedKeystore.ensure(keystore, password, "localhost");
        assertThat(Files.readAllBytes(keystore)).as("an existing keystore is kept").isEqualTo(generated);

        try (EdgeFixture edge = new EdgeFixture(keystore, password)) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore, password))
                    .connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(edge.url("/health/live"))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(edge.url("/")).startsWith("https://");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.sslSession()).isPresent();
            assertThat(response.sslSession().orElseThrow().getProtocol()).startsWith("TLSv1.");
            assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValue(SecurityHeaders.HSTS);
            SecurityHeaders.API_HEADERS.forEach((name, value) ->
                    assertThat(response.headers().firstValue(name)).as(name).hasValue(value));
            assertThat(response.headers().firstValue("Server")).isEmpty();

            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(edge.url("/nope"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.headers().firstValue("Strict-Transport-Security")).hasValue(SecurityHeaders.HSTS);

            // Plain HTTP is not served on the TLS port, and a client that does not trust the certificate is refused.
            HttpClient untrusting = HttpClient.newHttpClient();
            assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create(edge.url("/health/live"))).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLException.class);
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
