package io.streamgate.api.coach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.streamgate.platform.Platform;
import io.streamgate.processors.coach.CoachModel;
import io.streamgate.processors.coach.CoachWorker;
import io.streamgate.processors.coach.OfflineCoachModel;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachAnswers;
import io.streamgate.schemas.coach.CoachRequest;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Coach streaming end to end: real HTTP, real broker, real Postgres, the real worker; two API
 * instances share the broker and the database.
 */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoachStreamingTest {
    static final CoachSettings SSE = new CoachSettings(Duration.ofMillis(5), 16, 4096, Duration.ofMillis(200), Duration.ofMillis(2000),
            Duration.ofSeconds(60), 2);

    Platform platformA;
    String baseA;
    String baseB;
    String alice;
    String bob;

    /** The offline coach, plus scripted failures chosen by the prompt's first word. */
    static final class ScriptedModel implements CoachModel {
        final OfflineCoachModel offline = new OfflineCoachModel(Duration.ofMillis(1));

        @Override
        public void generate(CoachRequest request, TokenSink sink) throws Exception {
            if (request.prompt().startsWith("FAIL")) {
                for (String t : List.of("{\"refined_", "prompt\":", "\"half an ", "answer")) {
                    sink.token(t);
                }
                throw new java.io.IOException("the model connection dropped");
            }
            if (request.prompt().startsWith("INVALID")) {
                for (String t : List.of("{\"refined_prompt\":\"ok\",", "\"confidence\":", "\"very\"}")) sink.token(t);
                return;
            }
            offline.generate(request, sink);
        }

        @Override
        public String name() {
            return "scripted";
        }
    }

    @BeforeAll
    void start(TestEnv env) {
        platformA = env.platform();
        Javalin a = env.serve(platformA, List.of(new CoachApi(platformA, SSE), new CoachWorker(platformA, new ScriptedModel(), 8)));
        Platform platformB = env.platform();
        Javalin b = env.serve(platformB, List.of(new CoachApi(platformB, SSE)));
        baseA = "http://127.0.0.1:" + a.port();
        baseB = "http://127.0.0.1:" + b.port();
        alice = platformA.auth().tokens().issue(UUID.randomUUID(), "f-alice").token();
        bob = platformA.auth().tokens().issue(UUID.randomUUID(), "f-bob").token();
    }

    String create(String token, String prompt, String assetType) throws Exception {
        HttpResponse<String> r = post(baseA + "/v1/coach/sessions", token,
                Json.mapper().writeValueAsString(Map.of("prompt", prompt, "asset_type", assetType)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.get("status").asText()).isEqualTo("queued");
        assertThat(body.get("stream_url").asText()).isEqualTo("/v1/coach/sessions/" + body.get("session_id").asText() + "/events");
        return body.get("session_id").asText();
    }

    static HttpResponse<String> post(String url, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return SseTestClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return SseTestClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Everything one uninterrupted stream delivers. */
    record Transcript(List<SseTestClient.Event> events, String text, SseTestClient.Event terminal) {}

    Transcript readAll(String base, String session, String token, Map<String, String> extraHeaders) throws Exception {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("Authorization", "Bearer " + token);
        try (SseTestClient sse = SseTestClient.open(base + "/v1/coach/sessions/" + session + "/events", headers)) {
            assertThat(sse.status).isEqualTo(200);
            List<SseTestClient.Event> events = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            SseTestClient.Event e;
            SseTestClient.Event terminal = null;
            while ((e = sse.next()) != null) {
                events.add(e);
                if (e.name().equals("token")) text.append(Json.mapper().readTree(e.data()).get("text").asText());
                if (e.name().equals("done") || e.name().equals("error")) terminal = e;
            }
            return new Transcript(events, text.toString(), terminal);
        }
    }

    @Test
    void aSessionStreamsBatchedTokensThenPartialsThenTheValidatedAnswer() throws Exception {
        String session = create(alice, "a fox streamer with a headset, \"GG\" as title", "thumbnail");
        Map<String, String> headers = Map.of("Authorization", "Bearer " + alice, "Accept-Encoding", "gzip");
        try (SseTestClient sse = SseTestClient.open(baseA + "/v1/coach/sessions/" + session + "/events", headers)) {
            assertThat(sse.status).isEqualTo(200);
            assertThat(sse.headers.firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            assertThat(sse.headers.firstValue("Content-Encoding")).as("event streams are never compressed").isEmpty();
            assertThat(sse.headers.firstValue("Content-Security-Policy")).isPresent();
            assertThat(sse.headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
            long expectedFrom = 1;
            StringBuilder text = new StringBuilder();
            JsonNode lastPartial = null;
            SseTestClient.Event e;
            SseTestClient.Event done = null;
            while ((e = sse.next()) != null) {
                JsonNode data = Json.mapper().readTree(e.data());
                switch (e.name()) {
                    case "token" -> {
                        assertThat(data.get("seq_from").asLong()).isEqualTo(expectedFrom);
                        assertThat(e.id()).isEqualTo(data.get("seq_to").asText());
                        expectedFrom = data.get("seq_to").asLong() + 1;
                        text.append(data.get("text").asText());
                    }
                    case "partial" -> {
                        assertThat(e.id()).isNull();
                        assertThat(data.get("seq").asLong()).isEqualTo(expectedFrom - 1);
                        lastPartial = data.get("value");
                    }
                    case "done" -> done = e;
                    default -> throw new AssertionError("unexpected event " + e);
                }
            }
            assertThat(sse.retry).isEqualTo(2000);
            assertThat(done).isNotNull();
            JsonNode doneData = Json.mapper().readTree(done.data());
            assertThat(done.id()).isEqualTo(Long.toString(expectedFrom)).isEqualTo(doneData.get("seq").asText());
            assertThat(CoachAnswers.strictProblems(text.toString())).isEmpty();
            assertThat(doneData.get("final")).isEqualTo(Json.mapper().readTree(text.toString())).isEqualTo(lastPartial);
        }
        JsonNode status = Json.mapper().readTree(get(baseB + "/v1/coach/sessions/" + session, alice).body());
        assertThat(status.get("status").asText()).isEqualTo("done");
    }
}
