package io.streamgate.api.coach;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import io.streamgate.platform.Platform;
import io.streamgate.processors.coach.CoachWorker;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachTopics;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The coach's quotas against the real system: real HTTP, broker, Postgres and worker, and an
 * OpenAI-compatible provider played by a local HTTP server that records what it is sent. Every
 * setting comes from the environment, as in production. Instance A has the quotas under test;
 * instance B shares the database and adds a one-second maximum stream duration.
 */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoachQuotasTest {
    static final String API_KEY = "sk-test-7b1c0d9e5f";
    static final String MARKER = "PROVIDER-MARKER-3c9e";
    static final String ANSWER = "{\"refined_prompt\":\"a fox streamer in a headset, neon palette, centred close-up\","
            + "\"tips\":[\"Name the mood\",\"Keep the title to 3 words\"],\"missing_details\":[\"mood\"],\"confidence\":0.72}";

    HttpServer provider;
    ExecutorService providerThreads;
    final Map<String, JsonNode> requestsByPrompt = new ConcurrentHashMap<>();
    final CountDownLatch held = new CountDownLatch(1);
    Platform platformA;
    CoachApi apiA;
    String baseA;
    String baseB;
    KafkaConsumer<byte[], byte[]> offsets;

    @BeforeAll
    void start(TestEnv env) throws IOException {
        providerThreads = Executors.newCachedThreadPool();
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.setExecutor(providerThreads);
        provider.createContext("/v1/chat/completions", this::answer);
        provider.start();

        Map<String, String> settings = new HashMap<>(Map.of(
                "COACH_LLM_URL", "http://127.0.0.1:" + provider.getAddress().getPort() + "/v1/chat/completions",
                "COACH_LLM_API_KEY", API_KEY,
                "COACH_LLM_MAX_TOKENS", "777",
                "COACH_SESSIONS_PER_MINUTE", "3",
                "COACH_STREAMS_PER_USER", "2",
                "COACH_SSE_HEARTBEAT", "200ms",
                "COACH_REPLAY_THREADS", "1",
                "COACH_REPLAY_QUEUE", "1"));
        platformA = env.platform(settings);
        apiA = new CoachApi(platformA);
        CoachWorker worker = CoachWorker.fromEnv(platformA);
        platformA.env().validate();
        Javalin a = env.serve(platformA, List.of(apiA, worker));
        settings.put("COACH_SSE_MAX_DURATION", "1s");
        Platform platformB = env.platform(settings);
        CoachApi apiB = new CoachApi(platformB);
        platformB.env().validate();
        Javalin b = env.serve(platformB, List.of(apiB));
        baseA = "http://127.0.0.1:" + a.port();
        baseB = "http://127.0.0.1:" + b.port();
        offsets = env.closeAfterClass(new KafkaConsumer<>(env.kafka("test").consumer("quota-test", null)));
    }

    @AfterAll
    void stop() {
        held.countDown();
        provider.stop(0);
        providerThreads.shutdownNow();
    }

    /**
     * The provider: records each request by its prompt, then streams {@link #ANSWER} in chunks;
     * "PROVIDER-ERROR" prompts get a 502 whose body carries {@link #MARKER} and echoes the key
     * (as some providers do); "HOLD" prompts stop halfway until {@link #held} is released.
     */
    void answer(HttpExchange exchange) throws IOException {
        JsonNode body = Json.mapper().readTree(exchange.getRequestBody().readAllBytes());
        String prompt = Json.mapper().readTree(body.get("messages").get(1).get("content").asText()).get("prompt").asText();
        requestsByPrompt.put(prompt, body);
        if (prompt.startsWith("PROVIDER-ERROR")) {
            byte[] error = ("{\"error\":{\"message\":\"upstream exploded " + MARKER + " for " + exchange.getRequestHeaders().getFirst("Authorization")
                    + "\",\"type\":\"server_error\"}}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(502, error.length);
            exchange.getResponseBody().write(error);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int at = 0; at < ANSWER.length(); at += 7) {
                if (prompt.startsWith("HOLD") && at >= ANSWER.length() / 2 && at < ANSWER.length() / 2 + 7) {
                    try {
                        held.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                String chunk = ANSWER.substring(at, Math.min(ANSWER.length(), at + 7));
                out.write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":" + Json.mapper().writeValueAsString(chunk) + "}}]}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    String userToken() {
        return platformA.auth().tokens().issue(UUID.randomUUID(), "f-" + UUID.randomUUID()).token();
    }

    UUID userOf(String token) throws Exception {
        return platformA.auth().tokens().verify(token).userId();
    }

    static HttpResponse<String> create(String base, String token, String prompt) throws Exception {
        return CoachStreamingTest.post(base + "/v1/coach/sessions", token,
                Json.mapper().writeValueAsString(Map.of("prompt", prompt, "asset_type", "thumbnail")));
    }

    static String createOk(String base, String token, String prompt) throws Exception {
        HttpResponse<String> r = create(base, token, prompt);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Json.mapper().readTree(r.body()).get("session_id").asText();
    }

    static SseTestClient open(String base, String session, String token, long lastEventId) throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Bearer " + token));
        if (lastEventId > 0) headers.put("Last-Event-ID", Long.toString(lastEventId));
        return SseTestClient.open(base + "/v1/coach/sessions/" + session + "/events", headers);
    }

    /** Every event of one stream, to its end. */
    static List<SseTestClient.Event> readToEnd(SseTestClient sse) throws IOException {
        List<SseTestClient.Event> events = new ArrayList<>();
        SseTestClient.Event e;
        while ((e = sse.next()) != null) events.add(e);
        return events;
    }

    static String text(List<SseTestClient.Event> events) {
        StringBuilder text = new StringBuilder();
        for (SseTestClient.Event e : events) if (e.name().equals("token")) text.append(CoachStreamingTest.readTree(e.data()).get("text").asText());
        return text.toString();
    }

    static void assertProblem(HttpResponse<?> r, int status, String type) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
        if (r.body() instanceof String body) assertThat(CoachStreamingTest.readTree(body).get("type").asText()).endsWith(type);
    }

    /**
     * A session row nobody generates for: its stream stays open (heartbeats only) until closed.
     * Its output starts at the partition's end, as for a real session, so its replays are short
     * whatever other tests in this JVM wrote there.
     */
    String idleSession(String token) throws Exception {
        UUID user = userOf(token);
        UUID id = UUID.randomUUID();
        TopicPartition tp = new TopicPartition(CoachTopics.OUTPUT.name(), 0);
        long end = offsets.endOffsets(List.of(tp)).get(tp);
        platformA.db().inUserTransaction(user, c -> {
            CoachSessions.insert(c, id, user, "idle", "emote", null, 0, end);
            return null;
        });
        return id.toString();
    }

    @Test
    void maxTokensReachesTheProviderInTheRequestBody() throws Exception {
        String token = userToken();
        String session = createOk(baseA, token, "a fox streamer, max tokens check");
        List<SseTestClient.Event> events;
        try (SseTestClient sse = open(baseA, session, token, 0)) {
            events = readToEnd(sse);
        }
        assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
        assertThat(text(events)).isEqualTo(ANSWER);
        JsonNode sent = requestsByPrompt.get("a fox streamer, max tokens check");
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(777);
        assertThat(sent.get("stream").asBoolean()).isTrue();
    }

    @Test
    void theProvidersErrorTextIsLoggedButNeverReachesTheUser() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        String token = userToken();
        String session;
        List<SseTestClient.Event> events;
        try {
            session = createOk(baseA, token, "PROVIDER-ERROR please");
            try (SseTestClient sse = open(baseB, session, token, 0)) {
                events = readToEnd(sse);
            }
        } finally {
            root.detachAppender(logs);
        }
        SseTestClient.Event terminal = events.get(events.size() - 1);
        assertThat(terminal.name()).isEqualTo("error");
        JsonNode data = CoachStreamingTest.readTree(terminal.data());
        assertThat(data.get("code").asText()).isEqualTo("model_failed");
        assertThat(events).allSatisfy(e -> assertThat(e.data()).doesNotContain(MARKER).doesNotContain("upstream"));

        Awaitility.await().untilAsserted(() -> assertThat(CoachStreamingTest.readTree(
                CoachStreamingTest.get(baseA + "/v1/coach/sessions/" + session, token).body()).get("status").asText()).isEqualTo("error"));
        String record = CoachStreamingTest.get(baseB + "/v1/coach/sessions/" + session, token).body();
        assertThat(CoachStreamingTest.readTree(record).get("error_reason").asText()).isEqualTo(data.get("reason").asText());
        assertThat(record).doesNotContain(MARKER);

        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).as("the provider's text is in the log, with the session").anySatisfy(l -> assertThat(l).contains(MARKER).contains(session));
        assertThat(lines).as("the key the provider echoed is masked").noneSatisfy(l -> assertThat(l).contains(API_KEY));
    }

    @Test
    void sessionsPerMinuteAreLimitedPerUserAcrossInstances() throws Exception {
        String token = userToken();
        createOk(baseA, token, "a fox streamer #1");
        createOk(baseB, token, "a fox streamer #2");
        createOk(baseA, token, "a fox streamer #3");
        // B, then A twice: the second refusal on A comes from its memory of the first, and says the same.
        for (String base : List.of(baseB, baseA, baseA)) {
            HttpResponse<String> refused = create(base, token, "a fox streamer #4");
            assertProblem(refused, 429, "too_many_sessions");
            assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 60);
        }
        UUID user = userOf(token);
        int rows = platformA.db().inUserTransaction(user, c -> {
            var rs = c.createStatement().executeQuery("select count(*) from coach_sessions");
            rs.next();
            return rs.getInt(1);
        });
        assertThat(rows).as("a refused create writes nothing").isEqualTo(3);
        createOk(baseB, userToken(), "another user is not limited by this one");
    }

    @Test
    void concurrentCreatesAtTheLimitAdmitExactlyTheLimit() throws Exception {
        String token = userToken();
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String base = i % 2 == 0 ? baseA : baseB;
                int n = i;
                answers.add(clients.submit(() -> create(base, token, "a fox streamer, concurrent #" + n)));
            }
            int created = 0;
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() == 202) {
                    created++;
                } else {
                    assertProblem(r, 429, "too_many_sessions");
                }
            }
            assertThat(created).isEqualTo(3);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void openStreamsAreLimitedPerUserAndASlotFreesWhenAStreamCloses() throws Exception {
        String token = userToken();
        String idle = idleSession(token);
        SseTestClient first = open(baseA, idle, token, 0);
        SseTestClient second = open(baseA, idle, token, 0);
        List<SseTestClient> held = new ArrayList<>(List.of(second));
        try {
            assertThat(first.status).isEqualTo(200);
            assertThat(second.status).isEqualTo(200);
            HttpResponse<String> refused = CoachStreamingTest.get(baseA + "/v1/coach/sessions/" + idle + "/events", token);
            assertProblem(refused, 429, "too_many_streams");
            try (SseTestClient elsewhere = open(baseB, idle, token, 0)) {
                assertThat(elsewhere.status).as("the limit is per instance").isEqualTo(200);
            }

            first.close();
            // The server learns of the drop at its next write (a heartbeat), then frees the slot.
            SseTestClient third = Awaitility.await().until(() -> {
                SseTestClient attempt = open(baseA, idle, token, 0);
                if (attempt.status != 200) attempt.close();
                return attempt;
            }, attempt -> attempt.status == 200);
            held.add(third);
            assertProblem(CoachStreamingTest.get(baseA + "/v1/coach/sessions/" + idle + "/events", token), 429, "too_many_streams");
        } finally {
            first.close();
            for (SseTestClient sse : held) sse.close();
        }

        // A stream that ends by itself frees its slot before the client sees the end.
        String other = userToken();
        String session = createOk(baseA, other, "a fox streamer, read three times");
        for (int i = 0; i < 3; i++) {
            try (SseTestClient sse = open(baseA, session, other, 0)) {
                assertThat(sse.status).isEqualTo(200);
                List<SseTestClient.Event> events = readToEnd(sse);
                assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
            }
        }
        try (SseTestClient a = open(baseA, session, other, 0); SseTestClient b = open(baseA, session, other, 0)) {
            assertThat(List.of(a.status, b.status)).containsExactly(200, 200);
        }
    }

    @Test
    void aStreamPastTheMaximumDurationEndsWithReconnectAndResumesToTheExactAnswer() throws Exception {
        String token = userToken();
        String session = createOk(baseA, token, "HOLD a fox streamer until released");
        // Wait (on A, which has no duration limit) until the first half is in Kafka, so the stream
        // on B has tokens to deliver before its duration ends and the resume point is mid-answer.
        try (SseTestClient sse = open(baseA, session, token, 0)) {
            SseTestClient.Event e;
            while ((e = sse.next()) != null && !e.name().equals("token")) { }
            assertThat(e).isNotNull();
        }
        List<SseTestClient.Event> firstStream;
        try (SseTestClient sse = open(baseB, session, token, 0)) {
            assertThat(sse.status).isEqualTo(200);
            firstStream = readToEnd(sse);
        }
        SseTestClient.Event reconnect = firstStream.get(firstStream.size() - 1);
        assertThat(reconnect.name()).as("the provider is holding the answer, so the stream ends for its duration").isEqualTo("reconnect");
        JsonNode data = CoachStreamingTest.readTree(reconnect.data());
        assertThat(data.get("reason").asText()).isEqualTo("max_duration");
        long resumeAt = data.get("seq").asLong();
        String lastTokenId = firstStream.stream().filter(e -> e.name().equals("token")).map(SseTestClient.Event::id).reduce((x, y) -> y).orElse(null);
        assertThat(resumeAt).isEqualTo(lastTokenId == null ? 0 : Long.parseLong(lastTokenId));
        if (resumeAt > 0) assertThat(reconnect.id()).isEqualTo(lastTokenId);
        StringBuilder text = new StringBuilder(text(firstStream));

        held.countDown();
        SseTestClient.Event terminal = null;
        for (int attempt = 0; terminal == null; attempt++) {
            assertThat(attempt).as("the answer completes within a bounded number of resumes").isLessThan(100);
            try (SseTestClient sse = open(baseB, session, token, resumeAt)) {
                assertThat(sse.status).isEqualTo(200);
                SseTestClient.Event e;
                while ((e = sse.next()) != null) {
                    JsonNode d = CoachStreamingTest.readTree(e.data());
                    switch (e.name()) {
                        case "token" -> {
                            assertThat(d.get("seq_from").asLong()).as("resumes right after %d", resumeAt).isEqualTo(resumeAt + 1);
                            text.append(d.get("text").asText());
                            resumeAt = d.get("seq_to").asLong();
                        }
                        case "reconnect" -> assertThat(d.get("seq").asLong()).isEqualTo(resumeAt);
                        case "done", "error" -> terminal = e;
                        default -> { }
                    }
                }
            }
        }
        assertThat(terminal.name()).isEqualTo("done");
        assertThat(text.toString()).isEqualTo(ANSWER);
        assertThat(CoachStreamingTest.readTree(terminal.data()).get("final")).isEqualTo(Json.mapper().readTree(ANSWER));
    }

    @Test
    void aFullReplayQueueRefusesNewStreamsWith503AndRetryAfter() throws Exception {
        String token = userToken();
        String session = createOk(baseA, token, "a fox streamer, replayed later");
        OutputReplay.Reservation running = apiA.replayPool().reserve();
        OutputReplay.Reservation queued = apiA.replayPool().reserve();
        try {
            assertThat(running).isNotNull();
            assertThat(queued).isNotNull();
            assertThat(apiA.replayPool().reserve()).as("one thread and a queue of one: full").isNull();
            for (int i = 0; i < 3; i++) {
                // More refusals than the user's two stream slots: a refused stream holds no slot.
                assertProblem(CoachStreamingTest.get(baseA + "/v1/coach/sessions/" + session + "/events", token), 503, "replay_busy");
            }
        } finally {
            if (running != null) running.close();
        }
        try (SseTestClient sse = open(baseA, session, token, 0)) {
            assertThat(sse.status).isEqualTo(200);
            List<SseTestClient.Event> events = readToEnd(sse);
            assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
            assertThat(text(events)).isEqualTo(ANSWER);
        } finally {
            if (queued != null) queued.close();
        }
    }
}
