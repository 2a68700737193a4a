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
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
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
        health = new Health().bindMetrics(metrics);
        health.register("kafka", kafkaUp::get);
        health.register("streams:streamgate-test", streamsRunning::get);
        health.start();
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
        health.close();
        metrics.close();
    }

    @Test
    void theRootSaysWhatAnswersHereInsteadOfA404() throws Exception {
        HttpResponse<String> root = get("/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        var body = Json.mapper().readTree(root.body());
        assertThat(body.get("name").asText()).isEqualTo("streamgate");
        assertThat(body.get("version").asText()).isEqualTo(io.streamgate.platform.Version.current()).isNotEqualTo("unknown");
        assertThat(body.get("links").get("health").asText()).isEqualTo("/health/live");
        assertThat(body.get("links").get("readiness").asText()).isEqualTo("/health/ready");
        assertThat(body.get("links").get("metrics").asText()).isEqualTo("/metrics");
        assertThat(body.get("links").get("openapi").asText()).isEqualTo("/openapi.json");
        // Every link answers (readiness with 200 or 503, whatever the checks say now), none is a 404.
        for (var link : body.get("links")) assertThat(get(link.asText()).statusCode()).as(link.asText()).isIn(200, 503);
    }

    @Test
    void theContractIsServedAsCacheableJson() throws Exception {
        HttpResponse<String> doc = get("/openapi.json");
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(doc.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
        var body = Json.mapper().readTree(doc.body());
        assertThat(body.get("openapi").asText()).startsWith("3.1");
        assertThat(body.get("paths").has("/v1/brand-kits")).isTrue();
        // Revalidation with the ETag costs no body.
        String etag = doc.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/openapi.json")).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
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
        HttpResponse<String> ready = awaitReadiness(200);
        JsonNode body = Json.mapper().readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("ready");
        assertThat(body.get("checks").get("kafka").asText()).isEqualTo("up");
        assertThat(ready.headers().firstValue("Retry-After")).isEmpty();

        Instant turnedDown = Instant.now();
        streamsRunning.set(false);
        try {
            HttpResponse<String> notReady = awaitReadiness(503);
            JsonNode down = Json.mapper().readTree(notReady.body());
            assertThat(down.get("status").asText()).isEqualTo("not_ready");
            assertThat(down.get("checks").get("streams:streamgate-test").asText()).isEqualTo("down");
            assertThat(down.get("checks").get("kafka").asText()).isEqualTo("up");
            assertThat(Instant.parse(down.get("checked_at").asText())).as("taken after the check turned down").isAfterOrEqualTo(turnedDown);
            assertThat(notReady.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(notReady.headers().firstValue("Content-Security-Policy")).isPresent();
        } finally {
            streamsRunning.set(true);
        }
        awaitReadiness(200);
    }

    @Test
    void aCheckThatThrowsCountsAsDown() throws Exception {
        health.register("flaky", () -> {
            throw new IllegalStateException("connection refused");
        });
        try {
            HttpResponse<String> response = awaitReadiness(503);
            assertThat(Json.mapper().readTree(response.body()).get("checks").get("flaky").asText()).isEqualTo("down");
            assertThat(response.body()).doesNotContain("connection refused");
        } finally {
            health.register("flaky", () -> true);
        }
        awaitReadiness(200);
    }

    @Test
    void eachCheckIsAGaugeAndMetricsAreGzippedWhenAccepted() throws Exception {
        kafkaUp.set(false);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/metrics").body())
                    .containsPattern("health_check\\{check=\"kafka\"[^}]*} 0\\.0")
                    .containsPattern("health_check\\{check=\"streams:streamgate-test\"[^}]*} 1\\.0")
                    .containsPattern("health_ready\\{[^}]*} 0\\.0")
                    .contains("health_snapshot_age_seconds"));
        } finally {
            kafkaUp.set(true);
        }

        HttpResponse<byte[]> gzipped = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gzipped.statusCode()).isEqualTo(200);
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("# TYPE health_check gauge");
        }
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics"))
                .header("Accept-Encoding", "gzip;q=0, identity").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(refused.body()).contains("# TYPE health_check gauge");
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
        assertThat(text).contains("role=\"test\"").contains("instance_id=\"t1\"").doesNotContain("instance=\"");
        // The edge's Jetty: its thread pool and its connections.
        assertThat(text).contains("jetty_threads_busy").contains("jetty_threads_current").contains("jetty_connections_current")
                .contains("listener=\"public\"");
    }

    /** Polls /health/ready until it answers {@code status}: the snapshot follows the checks within a period or two. */
    static HttpResponse<String> awaitReadiness(int status) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get("/health/ready"), r -> r.statusCode() == status);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
