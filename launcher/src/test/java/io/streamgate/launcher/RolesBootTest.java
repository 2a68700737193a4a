package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production roles boot in-process against an external broker (the test JVM's shared
 * one) and Postgres, with every secret given in the environment as production would.
 */
@StreamgateTest
class RolesBootTest {
    static final HttpClient http = HttpClient.newHttpClient();

    /**
     * What an operator sets outside dev: the secrets {@link ComposeSecrets} generates for
     * docker compose. A feature that adds a required secret adds it to ComposeSecrets and
     * docker-compose.yml (this test's failure message names it).
     */
    static Map<String, String> productionEnv(TestEnv env, String role) {
        Map<String, String> values = new HashMap<>(env.environment(Map.of()));
        values.put("KAFKA_BOOTSTRAP_SERVERS", env.bootstrapServers());
        values.put("STREAMGATE_DATA_DIR", env.dataDir().resolve(role).toString());
        values.putAll(ComposeSecrets.generate());
        return values;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"all", "ingest", "processors", "api"})
    void aRoleBootsAgainstAnExternalBrokerAndIsReady(String role, TestEnv env) throws Exception {
        try (Streamgate running = Streamgate.start(LaunchOptions.parse(role, "--port", "0"), productionEnv(env, role))) {
            assertThat(running.bootstrapServers()).isEqualTo(env.bootstrapServers());
            assertThat(running.banner()).contains("Streamgate " + role + " is ready").doesNotContain("(embedded)")
                    .doesNotContain("PASSWORD");

            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(get(running, "/health/ready").statusCode()).isEqualTo(200));
            JsonNode ready = Json.mapper().readTree(get(running, "/health/ready").body());
            assertThat(ready.get("checks").get("kafka").asText()).isEqualTo("up");
            assertThat(ready.get("checks").get("postgres").asText()).isEqualTo("up");

            String metrics = get(running, "/metrics").body();
            assertThat(metrics).contains("role=\"" + role + "\"");
            assertThat(metrics).contains("jvm_memory_used_bytes");
            assertThat(metrics).as("Kafka client metrics").containsPattern("kafka_[a-z_]+\\{[^}]*client_id=\"health-");
            assertThat(metrics).as("Postgres pool metrics").contains("hikaricp_connections");
        }
    }

    static HttpResponse<String> get(Streamgate s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
