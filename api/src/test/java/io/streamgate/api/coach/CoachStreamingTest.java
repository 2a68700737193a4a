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
import io.streamgate.testkit.OpenApiValidator;
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
            Duration.ofSeconds(60), 2, 256,
            Duration.ofMinutes(10), 1000, 10_000); // quotas far above what the test uses: CoachQuotasTest covers them

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
        return OpenApiValidator.require(SseTestClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return OpenApiValidator.require(SseTestClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()));
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
        Map<String, String> headers = Map.of("Authorization", "Bearer " + alice, "Accept-Encoding", "gzip, br");
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

    @Test
    void disconnectingAtRandomPoints100TimesAcrossSessionsAndInstancesLosesAndDuplicatesNothing() throws Exception {
        Random random = new Random(20261128);
        List<String> prompts = List.of("a fox streamer with a headset", "emote of a cat saying \"hi\"", "retro neon banner, dark mood, #ff00aa",
                "overlay", "cozy watercolor thumbnail of a cabin at night with the title \"Chill stream\"");
        String[] assetTypes = {"thumbnail", "emote", "banner", "overlay", "thumbnail"};
        int disconnects = 0;
        int sessionNo = 0;
        while (disconnects < 100) {
            int p = sessionNo % prompts.size();
            String session = create(alice, prompts.get(p) + " #" + sessionNo, assetTypes[p]);
            sessionNo++;
            StringBuilder text = new StringBuilder();
            long lastId = 0;
            SseTestClient.Event terminal = null;
            int attempt = 0;
            while (terminal == null) {
                // Alternate instances; resume by header or by query parameter like a fresh page would.
                String base = attempt % 2 == 0 ? baseA : baseB;
                boolean byQuery = random.nextBoolean();
                String url = base + "/v1/coach/sessions/" + session + "/events" + (byQuery && lastId > 0 ? "?last_event_id=" + lastId : "");
                Map<String, String> headers = new HashMap<>();
                headers.put("Authorization", "Bearer " + alice);
                if (!byQuery && lastId > 0) headers.put("Last-Event-ID", Long.toString(lastId));
                int cutAfter = disconnects < 100 ? 1 + random.nextInt(4) : Integer.MAX_VALUE;
                try (SseTestClient sse = SseTestClient.open(url, headers)) {
                    assertThat(sse.status).isEqualTo(200);
                    int seen = 0;
                    SseTestClient.Event e;
                    while ((e = sse.next()) != null) {
                        JsonNode data = Json.mapper().readTree(e.data());
                        if (e.name().equals("token")) {
                            assertThat(data.get("seq_from").asLong()).as("no gap, no duplicate after resuming at %d", lastId).isEqualTo(lastId + 1);
                            text.append(data.get("text").asText());
                            lastId = Long.parseLong(e.id());
                        } else if (e.name().equals("done") || e.name().equals("error")) {
                            terminal = e;
                        }
                        if (++seen >= cutAfter && terminal == null) break; // drop the connection mid-stream
                    }
                    if (terminal == null) disconnects++;
                }
                attempt++;
            }
            assertThat(terminal.name()).isEqualTo("done");
            Transcript uninterrupted = readAll(attempt % 2 == 0 ? baseB : baseA, session, alice, Map.of());
            assertThat(text.toString()).as("session %s reconstructed after %d attempts", session, attempt).isEqualTo(uninterrupted.text());
            assertThat(Json.mapper().readTree(terminal.data()).get("final")).isEqualTo(Json.mapper().readTree(uninterrupted.text()));
        }
        assertThat(disconnects).isGreaterThanOrEqualTo(100);
    }

    @Test
    void aFailureMidStreamEndsWithAnErrorAndKeepsTheTextSoFarReplayable() throws Exception {
        String session = create(alice, "FAIL please", "banner");
        Transcript first = readAll(baseA, session, alice, Map.of());
        assertThat(first.text()).isEqualTo("{\"refined_prompt\":\"half an answer");
        assertThat(first.terminal().name()).isEqualTo("error");
        assertThat(first.terminal().id()).isEqualTo("5");
        JsonNode failure = Json.mapper().readTree(first.terminal().data());
        assertThat(failure.get("code").asText()).isEqualTo("model_failed");
        assertThat(failure.get("reason").asText()).as("the model's own words stay in the log").doesNotContain("the model connection dropped");
        JsonNode lastPartial = first.events().stream().filter(e -> e.name().equals("partial")).reduce((x, y) -> y)
                .map(e -> readTree(e.data()).get("value")).orElseThrow();
        assertThat(lastPartial.get("refined_prompt").asText()).as("the trailing string is kept").isEqualTo("half an answer");

        Transcript resumed = readAll(baseB, session, alice, Map.of("Last-Event-ID", "2"));
        assertThat(resumed.events().get(0).name()).isEqualTo("token");
        assertThat(readTree(resumed.events().get(0).data()).get("seq_from").asLong()).isEqualTo(3);
        assertThat(resumed.text()).isEqualTo("\"half an answer");
        assertThat(resumed.terminal().name()).isEqualTo("error");

        org.awaitility.Awaitility.await().untilAsserted(() ->
                assertThat(readTree(get(baseA + "/v1/coach/sessions/" + session, alice).body()).get("status").asText()).isEqualTo("error"));
        assertThat(get(baseA + "/v1/coach/sessions/" + session + "/events?lastEventId=5", alice).statusCode())
                .as("resuming after the terminal event (by the query's first spelling, still read): nothing more (EventSource stops on 204)").isEqualTo(204);
    }

    @Test
    void textThatBreaksTheAnswerSchemaEndsWithAnErrorAtTheLastSeq() throws Exception {
        String session = create(alice, "INVALID output please", "emote");
        Transcript t = readAll(baseA, session, alice, Map.of());
        assertThat(t.terminal().name()).isEqualTo("error");
        JsonNode data = readTree(t.terminal().data());
        assertThat(data.get("reason").asText()).contains("confidence");
        assertThat(t.terminal().id()).isEqualTo(data.get("seq").asText());
        assertThat(t.text()).startsWith("{\"refined_prompt\":\"ok\",");
    }

    @Test
    void anotherUsersSessionIsNotFoundAndTicketsAreBoundToOneSession() throws Exception {
        String session = create(alice, "a fox streamer with a headset", "thumbnail");
        String other = create(alice, "a cat streamer", "emote");
        assertThat(get(baseA + "/v1/coach/sessions/" + session, bob).statusCode()).isEqualTo(404);
        assertThat(get(baseB + "/v1/coach/sessions/" + session + "/events", bob).statusCode()).isEqualTo(404);
        assertThat(post(baseA + "/v1/coach/sessions/" + session + "/stream-tickets", bob, "{}").statusCode()).isEqualTo(404);
        assertThat(get(baseA + "/v1/coach/sessions/" + session + "/events", null).statusCode()).isEqualTo(401);

        HttpResponse<String> issued = post(baseA + "/v1/coach/sessions/" + session + "/stream-tickets", alice, "{}");
        assertThat(issued.statusCode()).isEqualTo(201);
        String ticket = readTree(issued.body()).get("ticket").asText();
        assertThat(readTree(issued.body()).get("expires_at").asText()).endsWith("Z");
        HttpResponse<String> wrongSession = get(baseB + "/v1/coach/sessions/" + other + "/events?ticket=" + ticket, null);
        assertThat(wrongSession.statusCode()).isEqualTo(401);
        assertThat(wrongSession.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        assertThat(get(baseB + "/v1/coach/sessions/" + session + "/events?ticket=" + ticket.substring(0, ticket.length() - 2) + "xx", null)
                .statusCode()).isEqualTo(401);
        try (SseTestClient sse = SseTestClient.open(baseB + "/v1/coach/sessions/" + session + "/events?ticket=" + ticket, Map.of())) {
            assertThat(sse.status).isEqualTo(200);
            SseTestClient.Event e;
            SseTestClient.Event last = null;
            while ((e = sse.next()) != null) last = e;
            assertThat(last.name()).isEqualTo("done");
        }
    }

    @Test
    void badRequestsAreProblemsAndWriteNothing() throws Exception {
        assertThat(post(baseA + "/v1/coach/sessions", null, "{\"prompt\":\"x\",\"asset_type\":\"emote\"}").statusCode()).isEqualTo(401);
        HttpResponse<String> invalid = post(baseA + "/v1/coach/sessions", alice, "{\"prompt\":\"  \",\"asset_type\":\"poster\"}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("prompt").contains("asset_type");
        assertThat(post(baseA + "/v1/coach/sessions", alice, "{\"prompt\":\"x\",\"asset_type\":\"emote\",\"brand_kit_id\":\"nope\"}")
                .statusCode()).isEqualTo(400);
        assertThat(post(baseA + "/v1/coach/sessions", alice, "{\"prompt\":").statusCode()).isEqualTo(400);
        assertThat(get(baseA + "/v1/coach/sessions/not-a-uuid/events", alice).statusCode()).isEqualTo(404);
        String session = create(alice, "a fox", "emote");
        assertThat(get(baseA + "/v1/coach/sessions/" + session + "/events?last_event_id=-3", alice).statusCode()).isEqualTo(400);
    }

    @Test
    void idleStreamsGetHeartbeats() throws Exception {
        // A session nobody generates for: its stream stays open with only heartbeats.
        UUID user = UUID.fromString(platformA.auth().tokens().verify(alice).userId().toString());
        UUID id = UUID.randomUUID();
        platformA.db().inUserTransaction(user, c -> {
            CoachSessions.insert(c, id, user, "idle", "emote", null, 0, 0);
            return null;
        });
        try (SseTestClient sse = SseTestClient.open(baseA + "/v1/coach/sessions/" + id + "/events", Map.of("Authorization", "Bearer " + alice))) {
            java.util.concurrent.CompletableFuture<SseTestClient.Event> next = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return sse.next();
                } catch (java.io.IOException e) {
                    return null;
                }
            });
            org.awaitility.Awaitility.await().until(() -> sse.comments.contains("heartbeat"));
            assertThat(next).isNotDone();
        }
    }

    static JsonNode readTree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The brand kit is read under RLS and its snapshot reaches the coach. brand_kits belongs to
     * the resources feature (V30); where that migration is absent this creates the table exactly
     * as the briefing's contract defines it, so the lookup is tested either way.
     */
    @Test
    void theUsersBrandKitShapesTheAnswerAndAnotherUsersKitIsNotFound(TestEnv env) throws Exception {
        UUID aliceId = platformA.auth().tokens().verify(alice).userId();
        UUID bobId = platformA.auth().tokens().verify(bob).userId();
        UUID aliceKit = UUID.randomUUID();
        UUID bobKit = UUID.randomUUID();
        javax.sql.DataSource owner = io.streamgate.platform.db.Database.ownerDataSource(env.databaseUrl());
        try (java.sql.Connection c = owner.getConnection(); java.sql.Statement st = c.createStatement()) {
            var rs = st.executeQuery("select to_regclass('public.brand_kits') is not null");
            rs.next();
            if (!rs.getBoolean(1)) {
                st.execute("""
                        create table brand_kits (id uuid primary key, user_id uuid not null, name text not null,
                            colors jsonb not null default '[]', fonts jsonb not null default '[]', tone text, logo_asset_id uuid null,
                            version int not null default 1, created_at timestamptz not null default now(), updated_at timestamptz not null default now());
                        alter table brand_kits enable row level security;
                        alter table brand_kits force row level security;
                        create policy brand_kits_owner on brand_kits
                            using (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid))
                            with check (user_id = (select nullif(current_setting('app.user_id', true), '')::uuid));
                        """);
            }
            try (var ps = c.prepareStatement("insert into brand_kits (id, user_id, name, colors, fonts, tone, created_at, updated_at) "
                    + "values (?, ?, ?, ?::jsonb, ?::jsonb, ?, now(), now())")) {
                ps.setObject(1, aliceKit);
                ps.setObject(2, aliceId);
                ps.setString(3, "Neon Fox");
                ps.setString(4, "[\"#ff00aa\", \"#112233\"]");
                ps.setString(5, "[\"Bebas Neue\"]");
                ps.setString(6, "Playful");
                ps.executeUpdate();
                ps.setObject(1, bobKit);
                ps.setObject(2, bobId);
                ps.setString(3, "Bob's kit");
                ps.executeUpdate();
            }
        }
        HttpResponse<String> created = post(baseA + "/v1/coach/sessions", alice, Json.mapper().writeValueAsString(
                Map.of("prompt", "a fox streamer with \"GG\" as title", "asset_type", "thumbnail", "brand_kit_id", aliceKit.toString())));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String session = readTree(created.body()).get("session_id").asText();
        Transcript t = readAll(baseB, session, alice, Map.of());
        JsonNode answer = readTree(t.terminal().data()).get("final");
        assertThat(answer.get("refined_prompt").asText()).contains("#ff00aa").contains("playful mood");
        assertThat(answer.get("tips").toString()).contains("Bebas Neue");
        assertThat(readTree(get(baseA + "/v1/coach/sessions/" + session, alice).body()).get("brand_kit_id").asText()).isEqualTo(aliceKit.toString());

        HttpResponse<String> foreign = post(baseA + "/v1/coach/sessions", alice, Json.mapper().writeValueAsString(
                Map.of("prompt", "a fox", "asset_type", "emote", "brand_kit_id", bobKit.toString())));
        assertThat(foreign.statusCode()).isEqualTo(422);
        assertThat(foreign.body()).contains("brand_kit_id");
    }

    @Test
    void aFinishedSessionWhoseOutputIsGoneFromKafkaEndsWithAnErrorInsteadOfHanging() throws Exception {
        UUID user = platformA.auth().tokens().verify(alice).userId();
        UUID id = UUID.randomUUID();
        platformA.db().inUserTransaction(user, c -> {
            // As if retention had removed its records: the offset recorded at creation is past them.
            try (var ps = c.prepareStatement("insert into coach_sessions (id, user_id, prompt, asset_type, "
                    + "output_partition, output_from_offset) values (?, ?, 'old', 'emote', 0, 0)")) {
                ps.setObject(1, id);
                ps.setObject(2, user);
                ps.executeUpdate();
            }
            return null;
        });
        // The outcome is the coach worker's to record, as the worker role.
        platformA.db().inWorkerTransaction(c -> {
            try (var ps = c.prepareStatement("update coach_sessions set status = 'done', last_seq = 7, updated_at = now() where id = ?")) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
        Transcript t = readAll(baseB, id.toString(), alice, Map.of("Last-Event-ID", "3"));
        assertThat(t.terminal().name()).isEqualTo("error");
        assertThat(t.terminal().id()).isEqualTo("7");
        assertThat(readTree(t.terminal().data()).get("reason").asText()).contains("no longer available");
    }
}
