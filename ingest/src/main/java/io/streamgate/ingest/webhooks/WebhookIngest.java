package io.streamgate.ingest.webhooks;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.RandomIds;
import io.streamgate.platform.http.AsyncReplies;
import io.streamgate.platform.http.ClientAddress;
import io.streamgate.platform.http.ProblemException;
import io.streamgate.platform.http.RequestBodies;
import io.streamgate.platform.http.RequestIds;
import io.streamgate.platform.http.StorableText;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.TopicSpec;
import io.streamgate.schemas.webhooks.OrderingKey;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/stripe} and {@code POST /webhooks/{source}} (Standard Webhooks): verify
 * the signature over the raw body, check the event's shape, write it to
 * {@code webhooks.received.v2} keyed by its {@link OrderingKey} (the subscription it is about,
 * read in the same streaming pass as the shape check), and answer 200 only once the broker
 * acknowledged it (acks=all, idempotent producer). Anything refused is a problem+json 4xx,
 * writes nothing to the webhook topics, is counted in {@code webhooks.rejected{reason}} and
 * handed to {@link RefusalAudit} (recorded on {@code audit.webhook-refusals} at a bounded rate,
 * off the request thread); a broker that does not
 * acknowledge within {@code WEBHOOK_PRODUCE_TIMEOUT} gets the provider a 503 with
 * Retry-After, and the provider's retry is deduplicated downstream.
 */
public final class WebhookIngest implements Component {
    private static final Logger log = LoggerFactory.getLogger(WebhookIngest.class);
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final TopicSpec<String, ReceivedWebhook> TOPIC = WebhookTopics.RECEIVED;
    private static final Serializer<ReceivedWebhook> VALUES = TOPIC.valueSerde().serializer();
    static final int RETRY_AFTER_SECONDS = 5;

    private final Platform platform;
    private final WebhookIngestConfig config;
    private final Clock clock;
    private final WebhookVerifier stripe;
    private final Map<String, WebhookVerifier> sources = new LinkedHashMap<>();
    private final MeterRegistry metrics;
    private final Map<String, Counter> accepted = new ConcurrentHashMap<>();
    private final RefusalAudit audit;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private KafkaClientMetrics producerMetrics;

    public WebhookIngest(Platform platform) {
        this(platform, WebhookIngestConfig.from(platform), platform.clock());
    }

    public WebhookIngest(Platform platform, WebhookIngestConfig config, Clock clock) {
        this(platform, config, RefusalAudit.Settings.from(platform.env()), clock);
    }

    WebhookIngest(Platform platform, WebhookIngestConfig config, RefusalAudit.Settings auditSettings, Clock clock) {
        this.platform = platform;
        this.audit = new RefusalAudit(platform.kafka(), auditSettings, platform.metrics());
        this.config = config;
        this.clock = clock;
        this.metrics = platform.metrics();
        this.stripe = config.stripeSecrets().isEmpty() ? null : new StripeSignatureVerifier(config.stripeSecrets(), config.tolerance());
        config.sourceSecrets().forEach((source, secrets) -> sources.put(source, new StandardWebhooksVerifier(secrets, config.tolerance())));
        log.info("webhook ingest: {}", config);
    }

    @Override
    public void http(JavalinConfig javalin) {
        javalin.routes.post("/webhooks/stripe", this::stripe);
        javalin.routes.post("/webhooks/{source}", this::standard);
    }

    @Override
    public void start() {
        Map<String, Object> props = platform.kafka().producer("webhooks-ingest");
        long timeoutMs = config.produceTimeout().toMillis();
        // Bound every wait of the producer by the request's budget, so a dead broker yields a
        // 503 instead of a request hanging for the default two minutes.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMs + 10);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(props);
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(metrics);
        audit.start();
    }

    @Override
    public void close() {
        audit.close();
        if (producer != null) producer.close(Duration.ofSeconds(10));
        if (producerMetrics != null) producerMetrics.close();
    }

    private void stripe(Context ctx) {
        if (stripe == null) {
            throw ProblemException.unavailable("webhook_not_configured",
                    "this endpoint has no signing secret configured (" + WebhookIngestConfig.STRIPE_SECRETS + ")", 60);
        }
        Instant now = clock.instant();
        byte[] body = null;
        try {
            body = body(ctx);
            WebhookVerifier.Verified verified = verify(stripe, ctx, body, now);
            Payload payload = payload(body);
            EventFields event = payload.fields();
            if (event.id() == null || event.type() == null || !event.integerCreated() || !event.objectData()) {
                throw new Refused(400, "malformed_event", "a Stripe event needs string id and type, integer created and an object data.object");
            }
            produce(ctx, event.orderingKey(), new ReceivedWebhook(event.id(), "stripe", event.type(), payload.text(),
                    verified.signatureTimestamp(), now, RequestIds.of(ctx), RandomIds.uuidString()));
        } catch (Refused r) {
            throw refuse(ctx, r, "stripe", null, true, body, now);
        }
    }

    private void standard(Context ctx) {
        Instant now = clock.instant();
        String source = ctx.pathParam("source");
        boolean wellFormed = SOURCE.matcher(source).matches();
        // The id the request claims, as webhooks.received.v2 would name it; headers only, unverified.
        String webhookId = ctx.header("webhook-id");
        String claimedId = wellFormed && webhookId != null && StandardWebhooksVerifier.ID.matcher(webhookId).matches()
                ? source + ":" + webhookId : null;
        byte[] body = null;
        try {
            WebhookVerifier verifier = wellFormed ? sources.get(source) : null;
            if (verifier == null) throw new Refused(404, "unknown_source", "no webhook source named '" + source + "' is configured");
            body = body(ctx);
            WebhookVerifier.Verified verified = verify(verifier, ctx, body, now);
            Payload payload = payload(body);
            String type = payload.fields().type();
            if (type == null) throw new Refused(400, "malformed_event", "a Standard Webhooks payload needs a string type");
            String eventId = source + ":" + verified.messageId();
            produce(ctx, OrderingKey.of(source, eventId, type, null), new ReceivedWebhook(eventId, source, type, payload.text(),
                    verified.signatureTimestamp(), now, RequestIds.of(ctx), RandomIds.uuidString()));
        } catch (Refused r) {
            throw refuse(ctx, r, wellFormed ? source : null, claimedId, false, body, now);
        }
    }

    private byte[] body(Context ctx) throws Refused {
        if (ctx.contentLength() > config.maxBodyBytes()) {
            RequestBodies.discard(ctx);
            throw tooLarge();
        }
        byte[] body;
        try {
            body = RequestBodies.bytes(ctx);
        } catch (HttpResponseException e) {
            if (e.getStatus() == 413) throw tooLarge(); // already drained by RequestBodies
            throw e;
        }
        if (body.length > config.maxBodyBytes()) throw tooLarge();
        return body;
    }

    private Refused tooLarge() {
        return new Refused(413, "payload_too_large", "a webhook body may be at most " + config.maxBodyBytes() + " bytes");
    }

    private WebhookVerifier.Verified verify(WebhookVerifier verifier, Context ctx, byte[] body, Instant now) throws Refused {
        try {
            return verifier.verify(ctx::header, body, now);
        } catch (WebhookVerifier.Rejected e) {
            throw new Refused(400, e.reason(), e.auditReason(), e.claimedTimestamp(), e.getMessage());
        }
    }

    /** The verified body as text (stored) and its checked top-level fields. */
    private record Payload(String text, EventFields fields) {}

    private Payload payload(byte[] body) throws Refused {
        try {
            // Strict UTF-8: the payload is stored as text and must stay byte-identical to what was
            // signed. Decoded once; the text is what goes to Kafka.
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
            EventFields fields = EventFields.read(body);
            requireStorable(fields);
            return new Payload(text, fields);
        } catch (CharacterCodingException e) {
            throw new Refused(400, "malformed_event", "the body is not valid UTF-8");
        } catch (EventFields.NotAnObject e) {
            throw new Refused(400, "malformed_event", e.getMessage());
        } catch (StreamConstraintsException e) {
            // Jackson's message names the limit; its hint on how to raise it is for us, not the sender.
            String limit = String.valueOf(e.getOriginalMessage()).replaceAll(", from `[^`]*`", "");
            throw new Refused(400, "malformed_event", "the body exceeds a JSON parser limit: " + limit);
        } catch (IOException e) {
            throw new Refused(400, "malformed_event", "the body is not valid JSON");
        }
    }

    /**
     * The fields ingest reads become keys and columns downstream (event id, type, subscription
     * id): text Postgres cannot store there would stop the webhook sink on this event, so it is
     * refused here, before anything is written.
     */
    private void requireStorable(EventFields fields) throws Refused {
        requireStorable("id", fields.id());
        requireStorable("type", fields.type());
        if (fields.object() != null) {
            requireStorable("data.object.id", fields.object().id());
            requireStorable("data.object.subscription", fields.object().subscription());
            requireStorable("data.object.parent.subscription_details.subscription", fields.object().parentSubscription());
        }
    }

    private void requireStorable(String field, String value) throws Refused {
        String problem = value == null ? null : StorableText.problem(value);
        if (problem != null) throw new Refused(400, "malformed_event", field + " " + problem).field(field);
    }

    private void produce(Context ctx, String key, ReceivedWebhook webhook) {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) throw ProblemException.unavailable("kafka_unavailable", "ingest is not started", RETRY_AFTER_SECONDS);
        var record = new ProducerRecord<>(TOPIC.name(), null, webhook.receivedAt().toEpochMilli(),
                TOPIC.keySerde().serializer().serialize(TOPIC.name(), key),
                VALUES.serialize(TOPIC.name(), webhook));
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            // Runs on the producer's I/O thread: only completes the future, the answer is written elsewhere.
            p.send(record, (metadata, e) -> {
                if (e == null) acked.complete(null);
                else acked.completeExceptionally(e);
            });
        } catch (KafkaException e) {
            unavailable(e); // send itself failed: no metadata within the bound, or the producer is closed
        }
        // 200 only once the broker acknowledged; the request thread does not wait for it.
        AsyncReplies.whenDone(ctx, acked.orTimeout(config.produceTimeout().toMillis(), TimeUnit.MILLISECONDS), (ok, failure) -> {
            if (failure != null) unavailable(failure);
            accepted.computeIfAbsent(webhook.source(), source -> Counter.builder("webhooks.accepted").tag("source", source).register(metrics))
                    .increment();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("received", true);
            body.put("event_id", webhook.eventId());
            ctx.json(body);
        });
    }

    private void unavailable(Throwable e) {
        Counter.builder("webhooks.unavailable").register(metrics).increment();
        log.warn("webhook not acknowledged by Kafka in time: {}", e.toString());
        throw ProblemException.unavailable("kafka_unavailable",
                "the event could not be stored durably right now; retry later", RETRY_AFTER_SECONDS);
    }

    /**
     * A delivery refused before anything was written: the problem it is answered with, and for the
     * audit the finer reason and the timestamp its signature claimed.
     */
    private static final class Refused extends Exception {
        final int status;
        final String reason;
        final String auditReason;
        final Instant claimedTimestamp;
        /** The field the problem names, if one. */
        String field;

        Refused(int status, String reason, String detail) {
            this(status, reason, reason, null, detail);
        }

        Refused(int status, String reason, String auditReason, Instant claimedTimestamp, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.reason = reason;
            this.auditReason = auditReason;
            this.claimedTimestamp = claimedTimestamp;
        }

        Refused field(String name) {
            field = name;
            return this;
        }
    }

    /** Counts and audits {@code r} (the audit never waits), and returns the problem to answer with. */
    private ProblemException refuse(Context ctx, Refused r, String source, String claimedEventId, boolean eventIdInBody, byte[] body,
            Instant now) {
        Counter.builder("webhooks.rejected").tag("reason", r.reason).register(metrics).increment();
        audit.refused(new RefusalAudit.Refused(r.auditReason, r.status, source, ClientAddress.of(ctx), ctx.userAgent(),
                claimedEventId, eventIdInBody, r.claimedTimestamp, body, RequestIds.of(ctx), now));
        String title = switch (r.status) {
            case 404 -> "Not Found";
            case 413 -> "Payload Too Large";
            default -> "Bad Request";
        };
        ProblemException problem = new ProblemException(r.status, r.reason, title, r.getMessage());
        return r.field == null ? problem : problem.with("field", r.field);
    }
}
