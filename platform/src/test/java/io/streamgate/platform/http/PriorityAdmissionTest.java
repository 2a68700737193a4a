package io.streamgate.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.Component;
import io.streamgate.platform.health.Health;
import io.streamgate.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's admission queue and its delay for refused clients, on a real edge over real
 * sockets, with one request handled at a time: a request held in its handler fills the slot,
 * the others wait, and the order they are let in shows their priority. Clients are told apart by {@code X-Forwarded-For} from the
 * trusted loopback peer.
 */
class PriorityAdmissionTest {
    private static final String FLOODER_ADDRESS = "203.0.113.9";
    private final HttpClient client = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> admitted = new ArrayList<>();
    private Javalin app;

    @AfterEach
    void stop() {
        release.countDown();
        if (app != null) app.stop();
        metrics.close();
    }

    private void start(Duration maxWait) {
        start(maxWait, Duration.ZERO);
    }

    private void start(Duration maxWait, Duration refusedDelay) {
        HttpConfig config = new HttpConfig("127.0.0.1", 0, List.of(), 1024, 6, 64 * 1024, null, null, HttpConfig.DEFAULT_IDLE_TIMEOUT,
                ClientAddressTest.proxies("127.0.0.1/32", "x-forwarded-for"),
                new AdmissionConfig(1, 16, maxWait, refusedDelay, Duration.ofMinutes(5)));
        Component routes = new Component() {
            @Override
            public void http(JavalinConfig c) {
                c.routes.get("/t/hold", ctx -> {
                    held.countDown();
                    release.await();
                    ctx.result("released");
                });
                c.routes.get("/t/status/{status}", ctx -> ctx.status(Integer.parseInt(ctx.pathParam("status"))).result("as asked"));
                c.routes.get("/t/record/{name}", ctx -> {
                    synchronized (admitted) {
                        admitted.add(ctx.pathParam("name"));
                    }
                    ctx.result("recorded");
                });
                c.routes.get("/t/stream", ctx -> ctx.result("streaming"));
            }

            @Override
            public List<String> streamingPaths() {
                return List.of("/t/stream");
            }
        };
        app = HttpEdge.create(config, metrics, new Health(), List.of(routes)).start();
    }

    @Test
    void whileTheServerIsBusyAKnownUserGoesFirstAndRefusedClientsGoLast() throws Exception {
        start(Duration.ofMinutes(1));
        // What the edge has seen: one credential accepted, one rate-limited, one address unauthenticated.
        assertThat(send("/t/status/200", "Bearer known", null).statusCode()).isEqualTo(200);
        assertThat(send("/t/status/429", "Bearer flooder", null).statusCode()).isEqualTo(429);
        assertThat(send("/t/status/401", null, FLOODER_ADDRESS).statusCode()).isEqualTo(401);

        CompletableFuture<HttpResponse<String>> holder = holdTheOnlySlot();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        waiting.add(queue("/t/record/refused-address", null, FLOODER_ADDRESS));
        waiting.add(queue("/t/record/refused-credential", "Bearer flooder", null));
        waiting.add(queue("/t/record/forged-credential", "Bearer forged", null));
        waiting.add(queue("/t/record/anonymous", null, "198.51.100.1"));
        waiting.add(queue("/t/record/known-credential", "Bearer known", null));

        releaseTheSlot(holder);
        for (var response : waiting) assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // Within a priority, first come first served.
        assertThat(admitted).containsExactly("known-credential", "forged-credential", "anonymous", "refused-address", "refused-credential");
    }

    @Test
    void aRequestThatWaitsTooLongIsToldToRetryWithAProblem() throws Exception {
        start(Duration.ofMillis(200));
        CompletableFuture<HttpResponse<String>> holder = holdTheOnlySlot();

        HttpResponse<String> refused = send("/t/record/late", null, null);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith(Problem.CONTENT_TYPE));
        JsonNode problem = Json.mapper().readTree(refused.body());
        assertThat(problem.path("status").asInt()).isEqualTo(503);
        assertThat(problem.path("detail").asText()).contains("Retry-After");
        assertThat(problem.path("request_id").asText()).isNotBlank();
        assertThat(admitted).isEmpty();
        releaseTheSlot(holder);
    }

    @Test
    void aStreamingPathDoesNotWaitForASlot() throws Exception {
        start(Duration.ofMinutes(1));
        CompletableFuture<HttpResponse<String>> holder = holdTheOnlySlot();

        HttpResponse<String> stream = send("/t/stream", null, null);

        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).isEqualTo("streaming");
        assertThat(admission().getSuspendedRequestCount()).isZero();
        releaseTheSlot(holder);
    }

    /** A request that stays in its handler until {@link #releaseTheSlot}: the one slot is taken. */
    private CompletableFuture<HttpResponse<String>> holdTheOnlySlot() throws InterruptedException {
        CompletableFuture<HttpResponse<String>> holder = sendAsync("/t/hold", null, null);
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        return holder;
    }

    private void releaseTheSlot(CompletableFuture<HttpResponse<String>> holder) throws Exception {
        release.countDown();
        assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    /** Sends a request and returns once the edge is holding it in the refused clients' delay. */
    private CompletableFuture<HttpResponse<String>> delayed(String path, String authorization, String forwardedFor) throws InterruptedException {
        int before = delay().delayedRequestCount();
        CompletableFuture<HttpResponse<String>> response = sendAsync(path, authorization, forwardedFor);
        while (delay().delayedRequestCount() == before) {
            assertThat(response).isNotDone();
            Thread.sleep(2);
        }
        return response;
    }

    /** Sends a request and returns once the edge has put it in the queue. */
    private CompletableFuture<HttpResponse<String>> queue(String path, String authorization, String forwardedFor) throws InterruptedException {
        int before = admission().getSuspendedRequestCount();
        CompletableFuture<HttpResponse<String>> response = sendAsync(path, authorization, forwardedFor);
        while (admission().getSuspendedRequestCount() == before) {
            assertThat(response).isNotDone();
            Thread.sleep(2);
        }
        return response;
    }

    @Test
    void aClientRefusedAMomentAgoWaitsWhileOthersAreServed() throws Exception {
        start(Duration.ofMinutes(1), Duration.ofMinutes(1));
        assertThat(send("/t/status/200", "Bearer known", null).statusCode()).isEqualTo(200);
        assertThat(send("/t/status/429", "Bearer flooder", null).statusCode()).isEqualTo(429);

        CompletableFuture<HttpResponse<String>> flooder = delayed("/t/record/flooder", "Bearer flooder", null);
        assertThat(send("/t/record/known", "Bearer known", null).statusCode()).isEqualTo(200);
        assertThat(send("/t/record/anonymous", null, "198.51.100.1").statusCode()).isEqualTo(200);

        assertThat(admitted).containsExactly("known", "anonymous");
        assertThat(flooder).isNotDone();
    }

    @Test
    void aKnownCredentialRefusedSlowsThatCredentialNotItsAddress() throws Exception {
        start(Duration.ofMinutes(1), Duration.ofMinutes(1));
        assertThat(send("/t/status/200", "Bearer expiring", null).statusCode()).isEqualTo(200);
        // the access token expires: the client is told so, then refreshes from the same address
        assertThat(send("/t/status/401", "Bearer expiring", null).statusCode()).isEqualTo(401);

        assertThat(send("/t/record/refresh", null, null).statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<String>> stale = delayed("/t/record/stale", "Bearer expiring", null);
        assertThat(admitted).containsExactly("refresh");
    }

    @Test
    void aForgedCredentialRefusedSlowsItsAddress() throws Exception {
        start(Duration.ofMinutes(1), Duration.ofMinutes(1));
        assertThat(send("/t/status/401", "Bearer forged-1", FLOODER_ADDRESS).statusCode()).isEqualTo(401);

        CompletableFuture<HttpResponse<String>> next = delayed("/t/record/forged-2", "Bearer forged-2", FLOODER_ADDRESS);
        assertThat(send("/t/record/elsewhere", "Bearer forged-3", "198.51.100.1").statusCode()).isEqualTo(200);
        assertThat(admitted).containsExactly("elsewhere");
    }

    @Test
    void aDelayedRequestIsHandledAfterItsWaitNotRefused() throws Exception {
        start(Duration.ofMinutes(1), Duration.ofMillis(100));
        assertThat(send("/t/status/401", null, FLOODER_ADDRESS).statusCode()).isEqualTo(401);

        HttpResponse<String> later = send("/t/record/after-the-wait", null, FLOODER_ADDRESS);

        assertThat(later.statusCode()).isEqualTo(200);
        assertThat(admitted).containsExactly("after-the-wait");
        assertThat(delay().delayedRequestCount()).isZero();
    }

    private RefusedClientDelay delay() {
        return (RefusedClientDelay) app.jettyServer().server().getHandler();
    }

    private PriorityAdmission admission() {
        return (PriorityAdmission) delay().getHandler();
    }

    private HttpResponse<String> send(String path, String authorization, String forwardedFor) throws Exception {
        return sendAsync(path, authorization, forwardedFor).get(30, TimeUnit.SECONDS);
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path, String authorization, String forwardedFor) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
        if (authorization != null) request.header("Authorization", authorization);
        if (forwardedFor != null) request.header("X-Forwarded-For", forwardedFor);
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
