package io.streamgate.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.Component;
import io.streamgate.platform.http.HttpConfig;
import io.streamgate.platform.http.HttpEdge;
import io.streamgate.platform.metrics.Metrics;
import io.streamgate.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /health/live, /health/ready and /metrics on a real server. */
class OperationsEndpointsTest {
    static final HttpClient client = HttpClient.newHttpClient();
    static final AtomicBoolean kafkaUp = new AtomicBoolean(true);
    static final AtomicBoolean streamsRunning = new AtomicBoolean(true);
    static PrometheusMeterRegistry metrics;
    static Health health;
    static Javalin app;

    @BeforeAll
    static void start() {
        metrics = Metrics.registry("test", "t1");
        health = new Health();
        health.register("kafka", kafkaUp::get);
        health.register("streams:streamgate-test", streamsRunning::get);
        Component routes = new Component() {
            @Override
            public void http(io.javalin.config.JavalinConfig config) {
                config.routes.get("/v1/things/{id}", ctx -> ctx.json(List.of(ctx.pathParam("id"))));
            }
        };
        app = HttpEdge.create(new HttpConfig("127.0.0.1", 0, List.of(), 1024, 6, 1 << 20, null, null), metrics, health, List.of(routes)).start();
    }

    @AfterAll
    static void stop() {
        app.stop();
        metrics.close();
    }

    @Test
    void livenessIsUpWhileTheProcessServes() throws Exception {
        kafkaUp.set(false);
        try {
            HttpResponse<String> live = get("/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(Json.mapper().readTree(live.body()).get("status").asText()).isEqualTo("up");
        } finally {
            kafkaUp.set(true);
        }
    }

    @Test
    void readinessNamesEachCheckAndGoes503WhenOneFails() throws Exception {
        kafkaUp.set(true);
        streamsRunning.set(true);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("ready");
        assertThat(body.get("checks").get("kafka").asText()).isEqualTo("up");

        streamsRunning.set(false);
        try {
            HttpResponse<String> notReady = get("/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            JsonNode down = Json.mapper().readTree(notReady.body());
            assertThat(down.get("status").asText()).isEqualTo("not_ready");
            assertThat(down.get("checks").get("streams:streamgate-test").asText()).isEqualTo("down");
            assertThat(down.get("checks").get("kafka").asText()).isEqualTo("up");
            assertThat(notReady.headers().firstValue("Content-Security-Policy")).isPresent();
        } finally {
            streamsRunning.set(true);
        }
    }

    @Test
    void aCheckThatThrowsCountsAsDown() throws Exception {
        health.register("flaky", () -> {
            throw new IllegalStateException("connection refused");
        });
        try {
            HttpResponse<String> response = get("/health/ready");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(Json.mapper().readTree(response.body()).get("checks").get("flaky").asText()).isEqualTo("down");
            assertThat(response.body()).doesNotContain("connection refused");
        } finally {
            health.register("flaky", () -> true);
        }
    }

    @Test
    void metricsArePrometheusTextWithHttpTimersByRouteAndJvmMetrics() throws Exception {
        assertThat(get("/v1/things/abc").statusCode()).isEqualTo(200);
        assertThat(get("/v1/things/def").statusCode()).isEqualTo(200);
        assertThat(get("/no/such/path").statusCode()).isEqualTo(404);

        // The timer is recorded once the response is written: wait for it rather than race it.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/metrics").body())
                .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"/v1/things/\\{id}\"[^}]*status=\"200\"[^}]*} 2")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"unmatched\"[^}]*status=\"404\""));
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String text = response.body();
        assertThat(text).contains("# TYPE http_server_requests_seconds histogram");
        assertThat(text).doesNotContain("/v1/things/abc").doesNotContain("/no/such/path");
        assertThat(text).contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads").contains("process_uptime_seconds");
        assertThat(text).contains("role=\"test\"").contains("instance=\"t1\"");
    }

    static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
