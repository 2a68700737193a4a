package io.streamgate.client.coach.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.streamgate.api.coach.CoachApi;
import io.streamgate.api.coach.CoachSettings;
import io.streamgate.client.coach.Backoff;
import io.streamgate.client.coach.CoachStream;
import io.streamgate.client.coach.CoachStream.State;
import io.streamgate.platform.Platform;
import io.streamgate.processors.coach.CoachWorker;
import io.streamgate.processors.coach.OfflineCoachModel;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Java client against the real coach server (API, worker with the offline model, broker,
 * Postgres), through a proxy that cuts each session's first connections at random byte
 * offsets: every answer the client reconstructs is byte-identical to the session's
 * uninterrupted stream, and the final object is the server's.
 */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoachStreamAgainstServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final List<String> PROMPTS = List.of(
            "a fox streamer wearing a headset, neon style, teal and pink, bold mood, close-up, text \"GG\"",
            "cozy café emote — a cat holding a mug 🍵, pastel, friendly",
            "epic banner of a dragon over a pixel city at night, purple and gold, wide, title \"RAID NIGHT\"",
            "overlay frame",
            "thumbnail: me reacting to a horror game, dark and spooky, headshot on the left, \"NOPE\" in red");

    String api;
    String token;
    CuttingProxy proxy;

    @BeforeAll
    void start(TestEnv env) throws Exception {
        Platform platform = env.platform();
        CoachSettings sse = new CoachSettings(Duration.ofMillis(10), 16, 4096, Duration.ofSeconds(15), Duration.ofMillis(20),
                Duration.ofSeconds(60), 2, 256,
                Duration.ofMinutes(10), 1000, 10_000); // quotas far above what the test uses: CoachQuotasTest covers them
        Javalin app = env.serve(platform, List.of(new CoachApi(platform, sse),
                new CoachWorker(platform, new OfflineCoachModel(Duration.ofMillis(2)), 4)));
        api = "http://127.0.0.1:" + app.port();
        token = platform.auth().tokens().issue(UUID.randomUUID(), "client-it").token();
        proxy = new CuttingProxy(app.port());
    }

    @AfterAll
    void stop() throws Exception {
        if (proxy != null) proxy.close();
    }

    JsonNode post(String path, Map<String, ?> body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    CoachStream.Builder stream(String base, String session) {
        return CoachStream.builder(URI.create(base + "/v1/coach/sessions/" + session + "/events"))
                .backoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(50), 2.0, 0.5))
                .maxAttempts(20)
                .random(new Random(7));
    }

    @Test
    void answersCutAtRandomPointsAreReconstructedByteForByte() throws Exception {
        Random random = new Random(20261128);
        String viaProxy = "http://127.0.0.1:" + proxy.port();
        for (int i = 0; i < 12; i++) {
            String prompt = PROMPTS.get(i % PROMPTS.size());
            String session = post("/v1/coach/sessions", Map.of("prompt", prompt, "asset_type", List.of("thumbnail", "overlay", "emote", "banner").get(i % 4)))
                    .get("session_id").asText();
            List<Long> cuts = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int k = 0; k < n; k++) cuts.add(50L + random.nextInt(5000));
            proxy.plan(cuts);

            CoachStream.Builder b = stream(viaProxy, session);
            if (i % 2 == 0) {
                b.bearer(() -> token);
            } else {
                Supplier<String> ticket = () -> {
                    try {
                        return post("/v1/coach/sessions/" + session + "/stream-tickets", Map.of()).get("ticket").asText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                b.ticket(ticket);
            }
            StringBuilder delivered = new StringBuilder();
            CoachStream cut = b.listener(new CoachStream.Listener() {
                @Override
                public void onText(String delta) {
                    delivered.append(delta);
                }
            }).build().start();
            assertThat(cut.finished().get(60, TimeUnit.SECONDS)).as("session %d, cuts %s: %s", i, cuts, cut.failure()).isEqualTo(State.COMPLETE);

            CoachStream whole = stream(api, session).bearer(() -> token).build().start();
            assertThat(whole.finished().get(60, TimeUnit.SECONDS)).isEqualTo(State.COMPLETE);
            assertThat(whole.reconnects()).isZero();

            assertThat(cut.text().getBytes(StandardCharsets.UTF_8)).as("session %d, cuts %s", i, cuts)
                    .isEqualTo(whole.text().getBytes(StandardCharsets.UTF_8));
            assertThat(delivered.toString()).isEqualTo(whole.text());
            assertThat(cut.finalValue()).isEqualTo(whole.finalValue()).isEqualTo(JSON.readTree(whole.text()));
            assertThat(cut.skippedBatches()).isZero();
        }
    }
}
