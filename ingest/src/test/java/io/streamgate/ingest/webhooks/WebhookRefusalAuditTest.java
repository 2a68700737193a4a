package io.streamgate.ingest.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.net.Webhook;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Counter;
import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.SchemaValidator;
import io.streamgate.schemas.webhooks.WebhookRefusal;
import io.streamgate.schemas.webhooks.WebhookTopics;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import io.streamgate.testkit.OpenApiValidator;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Forgery is visible: over real HTTP on the real broker, each kind of refused delivery is answered
 * with the same problem as before and recorded once on {@code audit.webhook-refusals} with its
 * reason and client address (every record checked against the topic's JSON Schema, here and by
 * the testkit's producer interceptor); beyond the rate only the metrics count them; a broker that
 * is away never holds a refusal.
 */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookRefusalAuditTest {
    static final String SECRET = "whsec_refusal_" + UUID.randomUUID();
    static final byte[] ACME_KEY = "acme-refusal-key-of-32-bytes-ok!".getBytes(StandardCharsets.UTF_8);
    static final String ACME_SECRET = "whsec_" + Base64.getEncoder().encodeToString(ACME_KEY);
    static final String USER_AGENT = "forger/1.0 (+audit test)";
    static final WebhookIngestConfig CONFIG = new WebhookIngestConfig(List.of(SECRET), Map.of("acme", List.of(ACME_SECRET)),
            Duration.ofSeconds(300), Duration.ofSeconds(5), WebhookIngestConfig.MAX_BODY_BYTES);

    final HttpClient http = HttpClient.newHttpClient();
    MutableClock clock;
    Platform platform;
    String base;
    KafkaConsumer<byte[], byte[]> reader;
    final List<WebhookRefusal> seen = new ArrayList<>();

    @BeforeAll
    void start(TestEnv env) {
        platform = env.platform();
        clock = new MutableClock(Instant.now());
        Javalin app = env.serve(platform, List.of(new WebhookIngest(platform, CONFIG, new RefusalAudit.Settings(1000, Duration.ofHours(1)), clock)));
        base = "http://127.0.0.1:" + app.port();
        reader = new KafkaConsumer<>(platform.kafka().consumer("refusal-reader", null));
        List<TopicPartition> parts = reader.partitionsFor(WebhookTopics.AUDIT_REFUSALS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        reader.assign(parts);
        reader.seekToBeginning(parts);
    }

    @AfterAll
    void stopReader() {
        reader.close();
    }

    /** Reads the topic to its current end, keeping every record (each checked against the schema). */
    List<WebhookRefusal> readToEnd() {
        Map<TopicPartition, Long> end = reader.endOffsets(reader.assignment());
        while (reader.assignment().stream().anyMatch(p -> reader.position(p) < end.get(p))) {
            for (var r : reader.poll(Duration.ofMillis(200))) {
                assertThat(SchemaValidator.problems(WebhookTopics.AUDIT_REFUSALS, r.value())).as(new String(r.value())).isEmpty();
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain(SECRET).doesNotContain(ACME_SECRET);
                WebhookRefusal refusal = WebhookTopics.AUDIT_REFUSALS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(refusal.ip());
                seen.add(refusal);
            }
        }
        return seen;
    }

    List<WebhookRefusal> recordsOf(String requestId) {
        return readToEnd().stream().filter(r -> requestId.equals(r.requestId())).toList();
    }

    /** The one record of the request: waits for it to land, then reads to the end to see it is alone. */
    WebhookRefusal theRecordOf(String requestId) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !recordsOf(requestId).isEmpty());
        List<WebhookRefusal> records = recordsOf(requestId);
        assertThat(records).as("records for request %s", requestId).hasSize(1);
        return records.get(0);
    }

    record Sent(String requestId, HttpResponse<String> response, byte[] body) {}

    Sent post(String baseUrl, String path, String body, Map<String, String> headers) throws Exception {
        String requestId = "refusal-" + UUID.randomUUID();
        var b = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .header("X-Request-Id", requestId).header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return new Sent(requestId, OpenApiValidator.require(http.send(b.build(), HttpResponse.BodyHandlers.ofString())), body.getBytes(StandardCharsets.UTF_8));
    }

    Sent post(String path, String body, Map<String, String> headers) throws Exception {
        return post(base, path, body, headers);
    }

    static String event(String id) {
        return """
                {"id":"%s","object":"event","created":%d,"type":"invoice.paid","data":{"object":{"id":"in_%s","object":"invoice"}}}"""
                .formatted(id, Instant.now().getEpochSecond(), id);
    }

    static String stripeHeader(String secret, Instant t, String payload) throws Exception {
        return "t=" + t.getEpochSecond() + ",v1=" + Webhook.Util.computeHmacSha256(secret, t.getEpochSecond() + "." + payload);
    }

    static Map<String, String> standardHeaders(String msgId, Instant t, String body) {
        String sig = "v1," + Base64.getEncoder().encodeToString(
                new Signatures.HmacSha256(ACME_KEY).of((msgId + "." + t.getEpochSecond() + "." + body).getBytes(StandardCharsets.UTF_8)));
        return Map.of("webhook-id", msgId, "webhook-timestamp", Long.toString(t.getEpochSecond()), "webhook-signature", sig);
    }

    /** The problem the refusal is answered with, as before this audit existed. */
    static void answered(Sent sent, int status, String type) throws Exception {
        assertThat(sent.response().statusCode()).isEqualTo(status);
        assertThat(sent.response().headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(Json.mapper().readTree(sent.response().body()).get("type").asText()).endsWith(type);
    }

    void recorded(Sent sent, String reason, int status, String source, Consumer<WebhookRefusal> more) {
        WebhookRefusal r = theRecordOf(sent.requestId());
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.source()).isEqualTo(source);
        assertThat(r.ip()).isEqualTo("127.0.0.1");
        assertThat(r.userAgent()).isEqualTo(USER_AGENT);
        assertThat(r.refusedAt()).isEqualTo(clock.instant());
        assertThat(r.refusalId()).isNotBlank();
        more.accept(r);
    }

    static void bodyDigested(WebhookRefusal r, byte[] body) {
        assertThat(r.bodyLength()).isEqualTo(body.length);
        try {
            assertThat(r.bodySha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    double counted(String name, String tag, String value) {
        Counter c = platform.metrics().find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void a_bad_signature_is_recorded_with_the_claimed_event_and_a_digest_of_the_body() throws Exception {
        String id = "evt_forged_" + UUID.randomUUID();
        String body = event(id);
        double before = counted("webhooks.refused", "reason", "invalid_signature");
        Sent sent = post("/webhooks/stripe", body, Map.of("Stripe-Signature", stripeHeader("whsec_not_ours_" + UUID.randomUUID(), clock.instant(), body)));

        answered(sent, 400, "invalid_signature");
        recorded(sent, WebhookRefusal.INVALID_SIGNATURE, 400, "stripe", r -> {
            assertThat(r.eventId()).isEqualTo(id);
            assertThat(r.signatureTimestamp()).isEqualTo(Instant.ofEpochSecond(clock.instant().getEpochSecond()));
            bodyDigested(r, sent.body());
        });
        assertThat(counted("webhooks.refused", "reason", "invalid_signature")).isEqualTo(before + 1);
    }

    @Test
    void a_stale_signature_is_a_replay_and_a_future_one_a_skewed_signer() throws Exception {
        String id = "evt_stale_" + UUID.randomUUID();
        String body = event(id);
        Instant old = clock.instant().minusSeconds(301);
        Sent stale = post("/webhooks/stripe", body, Map.of("Stripe-Signature", stripeHeader(SECRET, old, body)));
        answered(stale, 400, "timestamp_out_of_tolerance");
        recorded(stale, WebhookRefusal.TIMESTAMP_TOO_OLD, 400, "stripe", r -> {
            assertThat(r.signatureTimestamp()).isEqualTo(Instant.ofEpochSecond(old.getEpochSecond()));
            assertThat(r.eventId()).isEqualTo(id);
            bodyDigested(r, stale.body());
        });

        String msgId = "msg_future_" + UUID.randomUUID();
        String standardBody = "{\"type\":\"payment.succeeded\",\"data\":{\"amount\":100}}";
        Instant ahead = clock.instant().plusSeconds(301);
        Sent future = post("/webhooks/acme", standardBody, standardHeaders(msgId, ahead, standardBody));
        answered(future, 400, "timestamp_out_of_tolerance");
        recorded(future, WebhookRefusal.TIMESTAMP_IN_FUTURE, 400, "acme", r -> {
            assertThat(r.signatureTimestamp()).isEqualTo(Instant.ofEpochSecond(ahead.getEpochSecond()));
            assertThat(r.eventId()).isEqualTo("acme:" + msgId);
            bodyDigested(r, future.body());
        });
    }

    @Test
    void malformed_deliveries_are_recorded_with_what_could_be_read() throws Exception {
        String signedButNotAnEvent = "{\"id\":\"evt_shape_" + UUID.randomUUID() + "\",\"type\":\"invoice.paid\"}";
        Sent shape = post("/webhooks/stripe", signedButNotAnEvent, Map.of("Stripe-Signature", stripeHeader(SECRET, clock.instant(), signedButNotAnEvent)));
        answered(shape, 400, "malformed_event");
        recorded(shape, WebhookRefusal.MALFORMED_EVENT, 400, "stripe", r -> {
            assertThat(r.eventId()).startsWith("evt_shape_");
            bodyDigested(r, shape.body());
        });

        Sent badHeader = post("/webhooks/stripe", "not json at all", Map.of("Stripe-Signature", "t=yesterday,v1=00"));
        answered(badHeader, 400, "malformed_signature");
        recorded(badHeader, WebhookRefusal.MALFORMED_SIGNATURE, 400, "stripe", r -> {
            assertThat(r.eventId()).isNull();
            assertThat(r.signatureTimestamp()).isNull();
            bodyDigested(r, badHeader.body());
        });

        Sent unsigned = post("/webhooks/stripe", event("evt_unsigned"), Map.of());
        answered(unsigned, 400, "missing_signature");
        recorded(unsigned, WebhookRefusal.MISSING_SIGNATURE, 400, "stripe", r -> assertThat(r.eventId()).isEqualTo("evt_unsigned"));

        Sent unknown = post("/webhooks/nobody", "{}", Map.of());
        answered(unknown, 404, "unknown_source");
        recorded(unknown, WebhookRefusal.UNKNOWN_SOURCE, 404, "nobody", r -> assertThat(r.bodyLength()).isNull());

        String huge = "{\"id\":\"evt_huge\",\"pad\":\"" + "x".repeat(WebhookIngestConfig.MAX_BODY_BYTES) + "\"}";
        Sent tooLarge = post("/webhooks/stripe", huge, Map.of("Stripe-Signature", stripeHeader(SECRET, clock.instant(), huge)));
        answered(tooLarge, 413, "payload_too_large");
        recorded(tooLarge, WebhookRefusal.PAYLOAD_TOO_LARGE, 413, "stripe", r -> {
            assertThat(r.bodyLength()).as("refused on its Content-Length, before reading it").isNull();
            assertThat(r.bodySha256()).isNull();
        });
    }

    @Test
    void beyond_the_rate_refusals_are_counted_but_not_recorded(TestEnv env) throws Exception {
        Javalin limited = env.serve(platform, List.of(new WebhookIngest(platform, CONFIG, new RefusalAudit.Settings(2, Duration.ofHours(1)), clock)));
        String limitedBase = "http://127.0.0.1:" + limited.port();
        double refused = counted("webhooks.refused", "reason", "invalid_signature");
        double rateLimited = counted("webhooks.refusal.audit.dropped", "cause", "rate_limited");

        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String body = event("evt_flood_" + i + "_" + UUID.randomUUID());
            Sent sent = post(limitedBase, "/webhooks/stripe", body, Map.of("Stripe-Signature", stripeHeader("whsec_flood_" + i, clock.instant(), body)));
            answered(sent, 400, "invalid_signature");
            requestIds.add(sent.requestId());
        }

        assertThat(counted("webhooks.refused", "reason", "invalid_signature")).isEqualTo(refused + 5);
        assertThat(counted("webhooks.refusal.audit.dropped", "cause", "rate_limited")).isEqualTo(rateLimited + 3);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                readToEnd().stream().filter(r -> requestIds.contains(r.requestId())).count() >= 2);
        assertThat(readToEnd()).filteredOn(r -> requestIds.contains(r.requestId()))
                .extracting(WebhookRefusal::requestId).containsExactlyInAnyOrderElementsOf(requestIds.subList(0, 2));
    }

    /**
     * With the broker unreachable the worker's send waits for metadata; refusals keep being
     * answered, and what does not fit the queue is dropped and counted rather than waited for.
     */
    @Test
    void a_broker_that_is_away_never_holds_a_refusal(TestEnv env) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        KafkaSettings away = new KafkaSettings("127.0.0.1:" + closedPort, env.dataDir().resolve("away"), "away", Map.of());
        Platform own = new Platform(platform.env(), platform.secrets(), away, platform.db(), platform.metrics(), platform.health(),
                platform.http(), platform.auth(), platform.clock(), platform.dataDir(), true);
        Javalin app = env.serve(own, List.of(new WebhookIngest(own, CONFIG, new RefusalAudit.Settings(1000, Duration.ofHours(1)), clock)));
        String awayBase = "http://127.0.0.1:" + app.port();
        double queueFull = counted("webhooks.refusal.audit.dropped", "cause", "queue_full");

        int sent = 2 * RefusalAudit.QUEUE_CAPACITY + 2;
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < sent; i++) {
            Sent s = post(awayBase, "/webhooks/stripe", event("evt_away_" + i), Map.of());
            answered(s, 400, "missing_signature");
            statuses.merge(s.response().statusCode(), 1, Integer::sum);
        }
        assertThat(statuses).containsExactly(Map.entry(400, sent));
        assertThat(counted("webhooks.refusal.audit.dropped", "cause", "queue_full")).isGreaterThan(queueFull);
    }
}
