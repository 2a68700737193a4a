package io.streamgate.ingest.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.net.Webhook;
import io.javalin.Javalin;
import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.EmbeddedKafka;
import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.platform.kafka.TopicAdmin;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import io.streamgate.schemas.webhooks.WebhookTopics;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import io.streamgate.testkit.OpenApiValidator;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The webhook endpoints over real HTTP on the real broker: a signed delivery is in Kafka
 * before the 200; replays, bad signatures, oversized and malformed bodies are refused with a
 * problem and write nothing; a rotated secret keeps working; a broker outage answers 503 and
 * the provider's retries land once after recovery.
 */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookIngestTest {
    static final String SECRET = "whsec_current_" + UUID.randomUUID();
    static final String OLD_SECRET = "whsec_previous_" + UUID.randomUUID();
    static final byte[] ACME_KEY = "acme-signing-key-of-32-bytes-ok!".getBytes();
    static final String ACME_SECRET = "whsec_" + Base64.getEncoder().encodeToString(ACME_KEY);

    final HttpClient http = HttpClient.newHttpClient();
    MutableClock clock;
    Platform platform;
    String base;

    @BeforeAll
    void start(TestEnv env) {
        platform = env.platform();
        clock = new MutableClock(Instant.now());
        var config = new WebhookIngestConfig(List.of(SECRET, OLD_SECRET), Map.of("acme", List.of(ACME_SECRET)),
                Duration.ofSeconds(300), Duration.ofSeconds(5), WebhookIngestConfig.MAX_BODY_BYTES);
        Javalin app = env.serve(platform, List.of(new WebhookIngest(platform, config, clock)));
        base = "http://127.0.0.1:" + app.port();
    }

    static String event(String id, String type) {
        return """
                {"id":"%s","object":"event","api_version":"2025-03-31.basil","created":%d,"livemode":false,"type":"%s",
                 "data":{"object":{"id":"sub_%s","object":"subscription","status":"active"}}}"""
                .formatted(id, Instant.now().getEpochSecond(), type, id);
    }

    static String stripeHeader(String secret, Instant t, String payload) throws Exception {
        return "t=" + t.getEpochSecond() + ",v1=" + Webhook.Util.computeHmacSha256(secret, t.getEpochSecond() + "." + payload);
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return OpenApiValidator.require(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    HttpResponse<String> postStripe(String body, String signature) throws Exception {
        return post("/webhooks/stripe", body, Map.of("Stripe-Signature", signature));
    }

    double rejected(String reason) {
        var c = platform.metrics().find("webhooks.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    static List<ReceivedWebhook> received(KafkaSettings kafka, String eventIdPrefix) {
        return receivedByKey(kafka, eventIdPrefix).values().stream().flatMap(List::stream).toList();
    }

    /** The deliveries of {@code webhooks.received.v2} whose event id starts with the prefix, by record key. */
    static Map<String, List<ReceivedWebhook>> receivedByKey(KafkaSettings kafka, String eventIdPrefix) {
        Map<String, Object> props = kafka.consumer("test-reader", null);
        Map<String, List<ReceivedWebhook>> found = new java.util.LinkedHashMap<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            List<TopicPartition> parts = consumer.partitionsFor(WebhookTopics.RECEIVED.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    ReceivedWebhook w = WebhookTopics.RECEIVED.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (w.eventId().startsWith(eventIdPrefix)) {
                        found.computeIfAbsent(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), k -> new ArrayList<>()).add(w);
                    }
                }
            }
        }
        return found;
    }

    @Test
    void a_signed_stripe_event_is_durably_in_kafka_when_answered_200() throws Exception {
        String id = "evt_ok_" + UUID.randomUUID();
        String body = event(id, "customer.subscription.updated");
        var response = postStripe(body, stripeHeader(SECRET, clock.instant(), body));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()).get("event_id").asText()).isEqualTo(id);
        // Already acknowledged: readable right away, byte-identical payload, keyed by the
        // subscription it is about (its ordering key).
        var byKey = receivedByKey(platform.kafka(), id);
        assertThat(byKey).containsOnlyKeys("sub_" + id);
        List<ReceivedWebhook> records = byKey.get("sub_" + id);
        assertThat(records).singleElement().satisfies(w -> {
            assertThat(w.payload()).isEqualTo(body);
            assertThat(w.source()).isEqualTo("stripe");
            assertThat(w.eventType()).isEqualTo("customer.subscription.updated");
            assertThat(w.signatureTimestamp().getEpochSecond()).isEqualTo(clock.instant().getEpochSecond());
            assertThat(w.deliveryId()).isNotBlank();
        });
    }

    @Test
    void a_captured_request_replayed_301_seconds_later_is_refused() throws Exception {
        String id = "evt_replay_" + UUID.randomUUID();
        String body = event(id, "invoice.paid");
        String signature = stripeHeader(SECRET, clock.instant(), body);
        assertThat(postStripe(body, signature).statusCode()).isEqualTo(200);
        double before = rejected("timestamp_out_of_tolerance");

        clock.advance(Duration.ofSeconds(301));
        try {
            var replay = postStripe(body, signature);
            assertThat(replay.statusCode()).isEqualTo(400);
            assertThat(replay.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(Json.mapper().readTree(replay.body()).get("type").asText()).contains("timestamp_out_of_tolerance");
            assertThat(rejected("timestamp_out_of_tolerance")).isEqualTo(before + 1);
            assertThat(received(platform.kafka(), id)).hasSize(1);
        } finally {
            clock.advance(Duration.ofSeconds(-301));
        }
    }

    @Test
    void a_rotated_secret_the_old_one_works_while_configured_and_a_foreign_one_never() throws Exception {
        String oldId = "evt_rot_old_" + UUID.randomUUID();
        String oldBody = event(oldId, "invoice.paid");
        assertThat(postStripe(oldBody, stripeHeader(OLD_SECRET, clock.instant(), oldBody)).statusCode()).isEqualTo(200);

        String foreignId = "evt_rot_foreign_" + UUID.randomUUID();
        String foreign = event(foreignId, "invoice.paid");
        var refused = postStripe(foreign, stripeHeader("whsec_not_ours", clock.instant(), foreign));
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode problem = Json.mapper().readTree(refused.body());
        assertThat(problem.get("type").asText()).contains("invalid_signature");
        assertThat(refused.body()).doesNotContain(SECRET).doesNotContain(OLD_SECRET);
        assertThat(received(platform.kafka(), foreignId)).isEmpty();
    }

    @Test
    void bad_inputs_get_problems_are_counted_and_write_nothing() throws Exception {
        String id = "evt_bad_" + UUID.randomUUID();
        double missing = rejected("missing_signature");
        assertThat(post("/webhooks/stripe", event(id, "invoice.paid"), Map.of()).statusCode()).isEqualTo(400);
        assertThat(rejected("missing_signature")).isEqualTo(missing + 1);

        String notAnEvent = "{\"id\":\"" + id + "\",\"type\":\"invoice.paid\"}";
        var malformed = postStripe(notAnEvent, stripeHeader(SECRET, clock.instant(), notAnEvent));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("malformed_event");

        String notJson = "id=" + id;
        assertThat(postStripe(notJson, stripeHeader(SECRET, clock.instant(), notJson)).statusCode()).isEqualTo(400);

        String huge = event(id, "invoice.paid").replace("\"active\"", "\"" + "x".repeat(WebhookIngestConfig.MAX_BODY_BYTES) + "\"");
        var tooLarge = postStripe(huge, stripeHeader(SECRET, clock.instant(), huge));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(rejected("payload_too_large")).isGreaterThanOrEqualTo(1);

        String future = event(id, "invoice.paid");
        var ahead = postStripe(future, stripeHeader(SECRET, clock.instant().plusSeconds(301), future));
        assertThat(ahead.statusCode()).isEqualTo(400);

        assertThat(received(platform.kafka(), id)).isEmpty();
    }

    @Test
    void standard_webhooks_sources_share_the_verifier_interface() throws Exception {
        String msgId = "msg_" + UUID.randomUUID();
        String body = "{\"type\":\"payment.succeeded\",\"timestamp\":\"2026-11-28T05:00:00Z\",\"data\":{\"amount\":100}}";
        long t = clock.instant().getEpochSecond();
        String sig = "v1," + Base64.getEncoder().encodeToString(new Signatures.HmacSha256(ACME_KEY).of((msgId + "." + t + "." + body).getBytes()));
        var ok = post("/webhooks/acme", body, Map.of("webhook-id", msgId, "webhook-timestamp", Long.toString(t), "webhook-signature", sig));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(received(platform.kafka(), "acme:" + msgId)).singleElement()
                .satisfies(w -> assertThat(w.eventType()).isEqualTo("payment.succeeded"));

        var unknown = post("/webhooks/nobody", body, Map.of("webhook-id", msgId, "webhook-timestamp", Long.toString(t), "webhook-signature", sig));
        assertThat(unknown.statusCode()).isEqualTo(404);
        var tampered = post("/webhooks/acme", body + " ", Map.of("webhook-id", msgId, "webhook-timestamp", Long.toString(t), "webhook-signature", sig));
        assertThat(tampered.statusCode()).isEqualTo(400);
    }

    @Test
    void without_a_configured_secret_the_stripe_endpoint_answers_503(TestEnv env) throws Exception {
        var config = new WebhookIngestConfig(List.of(), Map.of(), Duration.ofSeconds(300), Duration.ofSeconds(5), WebhookIngestConfig.MAX_BODY_BYTES);
        Javalin app = env.serve(platform, List.of(new WebhookIngest(platform, config, clock)));
        String body = event("evt_noconf", "invoice.paid");
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/webhooks/stripe"))
                .header("Stripe-Signature", stripeHeader(SECRET, clock.instant(), body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(503);
    }

    @Test
    void kafka_down_answers_503_with_retry_after_and_the_retries_land_once_after_recovery(TestEnv env) throws Exception {
        var dir = Files.createTempDirectory("webhooks-outage-kafka");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedKafka broker = env.closeAfterClass(EmbeddedKafka.start(dir, port));
        KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), dir.resolve("streams"), "outage", Map.of());
        TopicAdmin.ensureTopics(kafka, List.of(WebhookTopics.RECEIVED));
        Platform own = new Platform(platform.env(), platform.secrets(), kafka, platform.db(), platform.metrics(), platform.health(),
                platform.http(), platform.auth(), platform.clock(), platform.dataDir(), true);
        var config = new WebhookIngestConfig(List.of(SECRET), Map.of(), Duration.ofSeconds(300), Duration.ofSeconds(2), WebhookIngestConfig.MAX_BODY_BYTES);
        Javalin app = env.serve(own, List.of(new WebhookIngest(own, config, clock)));
        String url = "/webhooks/stripe";
        String prefix = "evt_outage_" + UUID.randomUUID() + "_";
        String saved = base;
        base = "http://127.0.0.1:" + app.port();
        try {
            String warm = event(prefix + "warm", "invoice.paid");
            assertThat(post(url, warm, Map.of("Stripe-Signature", stripeHeader(SECRET, clock.instant(), warm))).statusCode()).isEqualTo(200);

            broker.close();
            Map<String, String> pending = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                String body = event(prefix + i, "invoice.paid");
                var r = post(url, body, Map.of("Stripe-Signature", stripeHeader(SECRET, clock.instant(), body)));
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                pending.put(prefix + i, body);
            }

            EmbeddedKafka restarted = env.closeAfterClass(EmbeddedKafka.start(dir, port));
            assertThat(restarted.bootstrapServers()).isEqualTo(broker.bootstrapServers());
            // The provider retries until it gets a 2xx (re-signing each attempt).
            for (var e : pending.entrySet()) {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                        post(url, e.getValue(), Map.of("Stripe-Signature", stripeHeader(SECRET, clock.instant(), e.getValue()))).statusCode() == 200);
            }
            List<ReceivedWebhook> landed = received(kafka, prefix);
            assertThat(landed).extracting(ReceivedWebhook::eventId)
                    .containsExactlyInAnyOrder(prefix + "warm", prefix + 0, prefix + 1, prefix + 2);
        } finally {
            base = saved;
        }
    }
}
