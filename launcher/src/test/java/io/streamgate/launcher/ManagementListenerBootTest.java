package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.platform.config.ConfigException;
import io.streamgate.platform.http.SelfSignedKeystore;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A role started with {@code MANAGEMENT_PORT} and TLS: readiness and metrics on the plain
 * management listener (loopback), only liveness and the API on the public HTTPS one.
 */
@StreamgateTest
class ManagementListenerBootTest {

    @Test
    void readinessAndMetricsMoveToTheManagementListener(TestEnv env) throws Exception {
        Map<String, String> values = RolesBootTest.productionEnv(env, "ingest-management");
        Path keystore = env.dataDir().resolve("management-tls/keystore.p12");
        String password = "test-" + System.nanoTime();
        SelfSignedKeystore.ensure(keystore, password, "localhost");
        values.put("TLS_KEYSTORE_PATH", keystore.toString());
        values.put("TLS_KEYSTORE_PASSWORD", password);
        values.put("MANAGEMENT_PORT", "0");

        try (Streamgate running = Streamgate.start(LaunchOptions.parse("ingest", "--port", "0"), values)) {
            HttpClient tls = HttpClient.newBuilder().sslContext(DevTlsTest.trusting(keystore, password)).build();
            HttpClient plain = HttpClient.newHttpClient();
            String management = running.operationsUrl();
            assertThat(running.managementPort()).isPositive().isNotEqualTo(running.port());
            assertThat(management).isEqualTo("http://127.0.0.1:" + running.managementPort());
            assertThat(running.banner()).contains(management + "/health/ready").contains(management + "/metrics");

            assertThat(get(tls, running.baseUrl() + "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(tls, running.baseUrl() + "/health/ready").statusCode()).isEqualTo(404);
            assertThat(get(tls, running.baseUrl() + "/metrics").statusCode()).isEqualTo(404);

            // Start-up waits for readiness and publishes it: ready at once, no polling.
            HttpResponse<String> ready = get(plain, management + "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            JsonNode body = Json.mapper().readTree(ready.body());
            assertThat(body.get("checks").get("kafka").asText()).isEqualTo("up");
            assertThat(body.get("checks").get("postgres").asText()).isEqualTo("up");
            assertThat(body.get("checked_at").asText()).endsWith("Z");
            assertThat(get(plain, management + "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(plain, management + "/metrics").body()).contains("role=\"ingest\"")
                    .containsPattern("health_check\\{check=\"postgres\"[^}]*} 1\\.0");
        }
    }

    @Test
    void aManagementPortEqualToTheHttpPortIsRefusedAtStart(@TempDir Path dataDir) {
        Map<String, String> values = Map.of("STREAMGATE_DATA_DIR", dataDir.toString(), "HTTP_PORT", "8080",
                "MANAGEMENT_PORT", "8080");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Streamgate.start(LaunchOptions.parse("ingest"), values).close());
        assertThat(e.problems()).contains("MANAGEMENT_PORT must differ from HTTP_PORT, both are 8080");
    }

    static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
