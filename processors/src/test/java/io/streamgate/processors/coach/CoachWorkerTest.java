package io.streamgate.processors.coach;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.streamgate.platform.Platform;
import io.streamgate.schemas.coach.CoachAnswers;
import io.streamgate.schemas.coach.CoachOutput;
import io.streamgate.schemas.coach.CoachRequest;
import io.streamgate.schemas.coach.CoachTopics;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The worker against the real broker: requests in, gap-free token records and one terminal record out. */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoachWorkerTest {
    static final int SHORT_LIMIT = 7;
    HttpServer llm;
    TestEnv env;
    KafkaProducer<byte[], byte[]> producer;
    KafkaConsumer<byte[], byte[]> consumer;

    @BeforeAll
    void start(TestEnv env) throws Exception {
        this.env = env;
        // An OpenAI-compatible endpoint that streams two chunks, then drops the connection.
        llm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        llm.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 1_000_000);
            var out = exchange.getResponseBody();
            out.write(("data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"refined_prompt\\\":\"}}]}\n\n"
                    + "data: {\"choices\":[{\"delta\":{\"content\":\"\\\"a fox\"}}]}\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            exchange.close();
        });
        llm.start();
        OpenAiCoachModel remote = new OpenAiCoachModel(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + llm.getAddress().getPort() + "/v1/chat/completions"), "m", null, Duration.ofSeconds(10), 256);
        OfflineCoachModel offline = new OfflineCoachModel(Duration.ZERO);
        OfflineCoachModel offlineShort = new OfflineCoachModel(Duration.ZERO, SHORT_LIMIT);
        CoachModel byPrompt = new CoachModel() {
            @Override
            public void generate(CoachRequest request, TokenSink sink) throws Exception {
                CoachModel model = request.prompt().startsWith("llm") ? remote : request.prompt().startsWith("short") ? offlineShort : offline;
                model.generate(request, sink);
            }

            @Override
            public String name() {
                return "by-prompt";
            }
        };
        Platform platform = env.platform();
        env.serve(platform, List.of(new CoachWorker(platform, byPrompt, 4)));
        producer = env.closeAfterClass(new KafkaProducer<>(env.kafka("test").producer("test")));
        consumer = env.closeAfterClass(new KafkaConsumer<>(env.kafka("test").consumer("test", null)));
        var tps = consumer.partitionsFor(CoachTopics.OUTPUT.name()).stream()
                .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
    }

    @AfterAll
    void stop() {
        llm.stop(0);
    }

    final Map<UUID, List<CoachOutput>> seen = new java.util.HashMap<>();

    UUID request(String prompt) throws Exception {
        UUID id = UUID.randomUUID();
        CoachRequest r = new CoachRequest(id, UUID.randomUUID(), prompt, "thumbnail", null, Instant.now());
        producer.send(new ProducerRecord<>(CoachTopics.REQUESTS.name(), id.toString().getBytes(StandardCharsets.UTF_8),
                CoachTopics.REQUESTS.valueSerde().serializer().serialize(CoachTopics.REQUESTS.name(), r))).get();
        return id;
    }

    List<CoachOutput> outputUntilTerminal(UUID session) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (var rec : consumer.poll(Duration.ofMillis(100))) {
                CoachOutput o = CoachTopics.OUTPUT.valueSerde().deserializer().deserialize(rec.topic(), rec.value());
                seen.computeIfAbsent(o.sessionId(), k -> new ArrayList<>()).add(o);
            }
            List<CoachOutput> mine = seen.getOrDefault(session, List.of());
            return !mine.isEmpty() && mine.get(mine.size() - 1).terminal();
        });
        return seen.get(session);
    }

    @Test
    void theOfflineModelsAnswerIsWrittenTokenByTokenThenDoneWithTheValidatedAnswer() throws Exception {
        UUID session = request("a fox streamer with a headset");
        List<CoachOutput> out = outputUntilTerminal(session);
        for (int i = 0; i < out.size(); i++) assertThat(out.get(i).seq()).isEqualTo(i + 1);
        CoachOutput done = out.get(out.size() - 1);
        assertThat(done.type()).isEqualTo(CoachOutput.Type.done);
        String text = out.stream().filter(o -> o.type() == CoachOutput.Type.token).map(CoachOutput::text).reduce("", String::concat);
        assertThat(CoachAnswers.strictProblems(text)).isEmpty();
        assertThat(done.answer()).isEqualTo(io.streamgate.schemas.Json.mapper().readTree(text));
    }

    @Test
    void aTerminalStatusWaitsForTheSessionRowTheApiCommitsAfterItsRequestIsAcknowledged() throws Exception {
        // The API's row commits just after the broker acknowledges the request; here it comes
        // only once the answer is already written, the latest a fast answer can meet it.
        UUID session = request("a fox streamer with a headset");
        List<CoachOutput> out = outputUntilTerminal(session);
        try (var c = io.streamgate.platform.db.Database.ownerDataSource(env.databaseUrl()).getConnection();
             var ps = c.prepareStatement("insert into coach_sessions (id, user_id, prompt, asset_type, output_partition, output_from_offset) "
                     + "values (?, ?, 'a fox streamer with a headset', 'thumbnail', 0, 0)")) {
            ps.setObject(1, session);
            ps.setObject(2, UUID.randomUUID());
            ps.executeUpdate();
        }
        Awaitility.await("the terminal status recorded").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (var c = io.streamgate.platform.db.Database.ownerDataSource(env.databaseUrl()).getConnection();
                 var ps = c.prepareStatement("select status, last_seq from coach_sessions where id = ?")) {
                ps.setObject(1, session);
                var rs = ps.executeQuery();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("done");
                assertThat(rs.getLong(2)).isEqualTo(out.get(out.size() - 1).seq());
            }
        });
    }

    @Test
    void anLlmStreamThatBreaksOffKeepsItsTokensAndEndsWithAnError() throws Exception {
        UUID session = request("llm please");
        List<CoachOutput> out = outputUntilTerminal(session);
        assertThat(out).extracting(CoachOutput::type).containsExactly(CoachOutput.Type.token, CoachOutput.Type.token, CoachOutput.Type.error);
        assertThat(out).extracting(CoachOutput::seq).containsExactly(1L, 2L, 3L);
        assertThat(out.get(0).text() + out.get(1).text()).isEqualTo("{\"refined_prompt\":\"a fox");
        assertThat(out.get(2).code()).isEqualTo("model_failed");
        assertThat(out.get(2).reason()).as("generic: the transport's own words stay in the log").isEqualTo(CoachWorker.Failure.model_failed.message);
    }

    @Test
    void anAnswerCutAtTheTokenLimitKeepsItsTokensAndEndsWithTokenLimit() throws Exception {
        UUID session = request("short a fox streamer with a headset");
        List<CoachOutput> out = outputUntilTerminal(session);
        assertThat(out).hasSize(SHORT_LIMIT + 1);
        CoachOutput terminal = out.get(SHORT_LIMIT);
        assertThat(terminal.type()).isEqualTo(CoachOutput.Type.error);
        assertThat(terminal.seq()).isEqualTo(SHORT_LIMIT + 1);
        assertThat(terminal.code()).isEqualTo("token_limit");
    }
}
