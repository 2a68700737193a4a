package io.streamgate.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.http.HttpConfig;
import io.streamgate.platform.http.HttpEdge;
import io.streamgate.platform.metrics.Metrics;
import io.streamgate.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness and metrics under a flood, on a real server: the checks run in the background
 * about once per {@link Health#PERIOD} whatever the number of callers, a hanging check is
 * bounded, and scrapes share one rendering per second.
 */
class ReadinessUnderLoadTest {
    static final int CALLERS = 16;
    /** The flood lasts until the background evaluation has run this many times: several periods. */
    static final int EVALUATIONS_TO_WATCH = 4;

    final HttpClient client = HttpClient.newHttpClient();
    final AtomicInteger counted = new AtomicInteger();
    PrometheusMeterRegistry metrics;
    Health health;
    Javalin app;

    @BeforeEach
    void start() {
        metrics = Metrics.registry("test", "t1");
        health = new Health().bindMetrics(metrics);
        health.register("kafka", () -> true);
        health.register("counted", () -> {
            counted.incrementAndGet();
            return true;
        });
        health.start();
        app = HttpEdge.create(new HttpConfig("127.0.0.1", 0, List.of(), 1024, 6, 1 << 20, null, null), metrics, health, List.of()).start();
    }

    @AfterEach
    void stop() {
        app.stop();
        health.close();
        metrics.close();
    }

    @Test
    void aFloodOfReadinessCallsRunsTheChecksAboutOncePerSecond() throws Exception {
        awaitStatus(200);
        Set<String> snapshotsServed = ConcurrentHashMap.newKeySet();
        Flood flood = flood("/health/ready", counted::get, response -> {
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = Json.mapper().readTree(response.body());
            assertThat(body.get("status").asText()).isEqualTo("ready");
            snapshotsServed.add(body.get("checked_at").asText());
        });

        // Not a speed figure: one evaluation per period is the design, so the count is bound by
        // the flood's length however many calls were made and however fast they were answered.
        assertThat(flood.evaluations()).isLessThanOrEqualTo(flood.elapsedSeconds() + 2);
        assertThat(flood.requests()).as("many more calls than evaluations").isGreaterThan(flood.evaluations() * 2L);
        assertThat((long) snapshotsServed.size()).as("every answer is one of the snapshots taken").isLessThanOrEqualTo(flood.evaluations() + 1);
    }

    @Test
    void aFloodOfScrapesRendersTheRegistryAboutOncePerSecond() throws Exception {
        AtomicInteger renderings = new AtomicInteger();
        // Every rendering reads every gauge once: this one counts them.
        Gauge.builder("test.renderings", renderings, AtomicInteger::incrementAndGet).register(metrics);
        Flood flood = flood("/metrics", renderings::get, response -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("health_check");
        });

        assertThat(flood.evaluations()).isLessThanOrEqualTo(flood.elapsedSeconds() + 2);
        assertThat(flood.requests()).isGreaterThan(flood.evaluations() * 2L);
    }

    @Test
    void aHangingCheckIsReportedDownWhileTheOthersAreStillReported() throws Exception {
        awaitStatus(200);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger hangingCalls = new AtomicInteger();
        health.register("hanging", () -> {
            hangingCalls.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        });
        try {
            JsonNode first = Json.mapper().readTree(awaitStatus(503).body());
            assertThat(first.get("checks").get("hanging").asText()).isEqualTo("down");
            assertThat(first.get("checks").get("kafka").asText()).isEqualTo("up");
            assertThat(first.get("checks").get("counted").asText()).isEqualTo("up");

            // Snapshots keep coming while it hangs: the hang delays none of them for good.
            int evaluationsBefore = counted.get();
            String firstTakenAt = first.get("checked_at").asText();
            JsonNode later = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode body = Json.mapper().readTree(get("/health/ready").body());
                boolean newer = !body.get("checked_at").asText().equals(firstTakenAt) && counted.get() >= evaluationsBefore + 2;
                return newer ? body : null;
            }, Objects::nonNull);
            assertThat(later.get("checks").get("hanging").asText()).isEqualTo("down");
            assertThat(later.get("status").asText()).isEqualTo("not_ready");
            assertThat(hangingCalls.get()).as("not invoked again while its first call hangs").isEqualTo(1);
        } finally {
            release.countDown();
        }
        JsonNode recovered = Json.mapper().readTree(awaitStatus(200).body());
        assertThat(recovered.get("checks").get("hanging").asText()).isEqualTo("up");
    }

    record Flood(long requests, long evaluations, long elapsedSeconds) {}

    interface ResponseCheck {
        void accept(HttpResponse<String> response) throws Exception;
    }

    /**
     * {@link #CALLERS} clients call {@code path} back to back until {@code evaluations} has
     * grown by {@link #EVALUATIONS_TO_WATCH}; returns how many calls were made, how much it grew
     * and the whole seconds elapsed, rounded up.
     */
    Flood flood(String path, LongSupplier evaluations, ResponseCheck check) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong requests = new AtomicLong();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        long before = evaluations.getAsLong();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                running.add(callers.submit(() -> {
                    while (!done.get()) {
                        check.accept(get(path));
                        requests.incrementAndGet();
                        if (evaluations.getAsLong() - before >= EVALUATIONS_TO_WATCH) done.set(true);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) f.get();
        } finally {
            done.set(true);
            callers.shutdownNow();
        }
        long elapsedNanos = System.nanoTime() - t0;
        long grown = evaluations.getAsLong() - before;
        return new Flood(requests.get(), grown, (elapsedNanos + 999_999_999L) / 1_000_000_000L);
    }

    HttpResponse<String> awaitStatus(int status) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get("/health/ready"), r -> r.statusCode() == status);
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
