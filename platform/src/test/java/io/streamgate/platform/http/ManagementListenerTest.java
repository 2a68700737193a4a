package io.streamgate.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.Component;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.health.Health;
import io.streamgate.platform.metrics.Metrics;
import io.streamgate.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code MANAGEMENT_PORT}: readiness and metrics move to a plain-HTTP listener of their own,
 * the public one (plain or TLS) keeps only liveness and the API.
 */
class ManagementListenerTest {
    static final HttpClient plain = HttpClient.newHttpClient();

    /** An API route, to show it stays on the public listener only. */
    static final Component ROUTES = new Component() {
        @Override
        public void http(JavalinConfig config) {
            config.routes.get("/v1/things", ctx -> ctx.json(List.of("thing")));
        }
    };

    @Test
    void readinessAndMetricsAnswerOnTheManagementPortOnlyAndLivenessOnBoth() throws Exception {
        try (Servers servers = new Servers(null, null)) {
            String publicUrl = "http://127.0.0.1:" + servers.edge.port();
            String managementUrl = "http://127.0.0.1:" + servers.management.port();
            assertOperationsSplit(plain, publicUrl, managementUrl);
        }
    }

    @Test
    void managementStaysPlainHttpWhileThePublicListenerSpeaksTls(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("keystore.p12");
        String password = "test-" + System.nanoTime();
        SelfSignedKeystore.ensure(keystore, password, "localhost");
        try (Servers servers = new Servers(keystore, password)) {
            HttpClient tls = HttpClient.newBuilder().sslContext(HttpsEdgeTest.trusting(keystore, password)).build();
            String publicUrl = "https://localhost:" + servers.edge.port();
            String managementUrl = "http://127.0.0.1:" + servers.management.port();

            HttpResponse<String> live = get(tls, publicUrl + "/health/live");
            assertThat(live.sslSession()).isPresent();
            assertThat(get(tls, publicUrl + "/health/ready").statusCode()).isEqualTo(404);
            assertThat(get(tls, publicUrl + "/metrics").statusCode()).isEqualTo(404);
            HttpResponse<String> ready = awaitReady(managementUrl);
            assertThat(ready.sslSession()).isEmpty();
            assertThat(get(plain, managementUrl + "/metrics").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theManagementPortIsValidatedWithEveryOtherProblem() {
        HttpConfig http = HttpConfig.from(new Env(Map.of("HTTP_PORT", "8080")));

        Env unset = new Env(Map.of());
        assertThat(ManagementConfig.from(unset, http)).as("off unless MANAGEMENT_PORT is set").isNull();
        assertThat(unset.problems()).isEmpty();

        Env loopback = new Env(Map.of("MANAGEMENT_PORT", "9464"));
        assertThat(ManagementConfig.from(loopback, http)).isEqualTo(new ManagementConfig("127.0.0.1", 9464));
        assertThat(loopback.problems()).isEmpty();

        Env wide = new Env(Map.of("MANAGEMENT_PORT", "9464", "MANAGEMENT_HOST", "0.0.0.0"));
        assertThat(ManagementConfig.from(wide, http)).isEqualTo(new ManagementConfig("0.0.0.0", 9464));

        Env samePort = new Env(Map.of("MANAGEMENT_PORT", "8080"));
        ManagementConfig.from(samePort, http);
        assertThat(samePort.problems()).containsExactly("MANAGEMENT_PORT must differ from HTTP_PORT, both are 8080");

        Env outOfRange = new Env(Map.of("MANAGEMENT_PORT", "70000"));
        ManagementConfig.from(outOfRange, http);
        assertThat(outOfRange.problems()).containsExactly("MANAGEMENT_PORT must be between 0 and 65535, got 70000");

        Env notANumber = new Env(Map.of("MANAGEMENT_PORT", "metrics"));
        ManagementConfig.from(notANumber, http);
        assertThat(notANumber.problems()).containsExactly("MANAGEMENT_PORT must be a whole number, got 'metrics'");

        Env hostAlone = new Env(Map.of("MANAGEMENT_HOST", "0.0.0.0"));
        assertThat(ManagementConfig.from(hostAlone, http)).isNull();
        assertThat(hostAlone.problems()).singleElement().asString().startsWith("MANAGEMENT_HOST is set but MANAGEMENT_PORT is not");
    }

    static void assertOperationsSplit(HttpClient client, String publicUrl, String managementUrl) throws Exception {
        for (String path : List.of("/health/ready", "/metrics")) {
            HttpResponse<String> hidden = get(client, publicUrl + path);
            assertThat(hidden.statusCode()).as(path + " on the public listener").isEqualTo(404);
            assertThat(hidden.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
            assertThat(Json.mapper().readTree(hidden.body()).get("type").asText()).contains("not_found");
        }
        assertThat(get(client, publicUrl + "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(client, publicUrl + "/v1/things").statusCode()).isEqualTo(200);

        JsonNode ready = Json.mapper().readTree(awaitReady(managementUrl).body());
        assertThat(ready.get("checks").get("kafka").asText()).isEqualTo("up");
        assertThat(ready.get("checked_at").asText()).isNotBlank();
        HttpResponse<String> metrics = get(client, managementUrl + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("health_check").contains("jvm_memory_used_bytes");
        HttpResponse<String> live = get(client, managementUrl + "/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        SecurityHeaders.API_HEADERS.forEach((name, value) -> assertThat(live.headers().firstValue(name)).as(name).hasValue(value));
        HttpResponse<String> api = get(client, managementUrl + "/v1/things");
        assertThat(api.statusCode()).as("the API is not served on the management listener").isEqualTo(404);
        assertThat(api.headers().firstValue("Content-Type")).hasValue(Problem.CONTENT_TYPE);
    }

    static HttpResponse<String> awaitReady(String managementUrl) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get(plain, managementUrl + "/health/ready"),
                r -> r.statusCode() == 200);
    }

    static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A public edge and a management listener on loopback, sharing one registry and one health. */
    static final class Servers implements AutoCloseable {
        final PrometheusMeterRegistry metrics = Metrics.registry("test", "t1");
        final Health health = new Health().bindMetrics(metrics);
        final Javalin edge;
        final Javalin management;

        Servers(Path keystore, String password) {
            health.register("kafka", () -> true);
            health.start();
            HttpConfig http = new HttpConfig("127.0.0.1", 0, List.of(), 1024, 6, 1 << 20, keystore, password);
            ManagementConfig config = new ManagementConfig("127.0.0.1", 0);
            edge = HttpEdge.create(http, config, metrics, health, List.of(ROUTES)).start();
            management = HttpEdge.management(http, config, metrics, health).start();
        }

        @Override
        public void close() {
            management.stop();
            edge.stop();
            health.close();
            metrics.close();
        }
    }
}
