package io.streamgate.ingest.webhooks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.RandomIds;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.TopicSpec;
import io.streamgate.schemas.webhooks.WebhookRefusal;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes forgery visible: each refused webhook delivery is counted ({@code webhooks.refused{reason}})
 * and, up to a bounded rate, recorded on {@code audit.webhook-refusals} with its reason and client
 * address. A flood of forgeries must cost neither the refusal's latency nor unbounded broker
 * writes or memory: the request thread only counts, takes a permit from a limiter that never
 * waits, and hands a small task to one worker through a bounded queue; hashing, parsing and the
 * producer (whose {@code send} may block on metadata) run on that worker. Records not written
 * (over the rate, queue full, broker failure) are counted in
 * {@code webhooks.refusal.audit.dropped{cause}}.
 */
final class RefusalAudit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RefusalAudit.class);
    private static final TopicSpec<String, WebhookRefusal> TOPIC = WebhookTopics.AUDIT_REFUSALS;
    /**
     * Tasks waiting for the worker. Each may hold a body of up to 1 MiB until hashed; at the
     * default rate the worker drains far faster, so the queue fills only while the broker is away.
     */
    static final int QUEUE_CAPACITY = 32;
    private static final int MAX_EVENT_ID_CHARS = 255;
    private static final int MAX_USER_AGENT_CHARS = 512;
    private static final int MAX_IP_CHARS = 64;

    /**
     * @param limit at most this many records per {@code period} per instance; 0 writes none (the
     *     metrics still count every refusal)
     */
    record Settings(int limit, Duration period) {
        static final String LIMIT = "WEBHOOK_REFUSAL_AUDIT_LIMIT";
        static final String PERIOD = "WEBHOOK_REFUSAL_AUDIT_PERIOD";

        static Settings from(Env env) {
            return new Settings(env.integer(LIMIT, 10, 0, 10_000), env.duration(PERIOD, Duration.ofSeconds(1), false));
        }
    }

    /**
     * What the request thread knows of one refused delivery; the rest is derived on the worker.
     *
     * @param claimedEventId the event id the headers claim (Standard Webhooks), or null
     * @param eventIdInBody whether the body's top-level {@code id} is the event id (Stripe)
     * @param body the bytes read, or null when refused before reading them
     */
    record Refused(String reason, int status, String source, String ip, String userAgent, String claimedEventId,
            boolean eventIdInBody, Instant claimedTimestamp, byte[] body, String requestId, Instant refusedAt) {}

    private final KafkaSettings kafka;
    private final MeterRegistry metrics;
    private final RateLimiter limiter;
    private final Counter rateLimited;
    private final Counter queueFull;
    private final Counter sendFailed;
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile ThreadPoolExecutor worker;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaClientMetrics producerMetrics;

    RefusalAudit(KafkaSettings kafka, Settings settings, MeterRegistry metrics) {
        this.kafka = kafka;
        this.metrics = metrics;
        this.limiter = settings.limit() == 0 ? null : RateLimiter.of("webhook-refusal-audit", RateLimiterConfig.custom()
                .limitForPeriod(settings.limit())
                .limitRefreshPeriod(settings.period())
                .timeoutDuration(Duration.ZERO)
                .build());
        this.rateLimited = dropped("rate_limited");
        this.queueFull = dropped("queue_full");
        this.sendFailed = dropped("send_failed");
    }

    private Counter dropped(String cause) {
        return Counter.builder("webhooks.refusal.audit.dropped").tag("cause", cause)
                .description("refused webhook deliveries not recorded on " + TOPIC.name()).register(metrics);
    }

    void start() {
        Map<String, Object> props = kafka.producer("webhooks-refusal-audit");
        // Records are small and sampled: a small buffer, and a bounded wait for metadata that
        // only ever blocks the worker.
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        producer = new KafkaProducer<>(props);
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(metrics);
        worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY), r -> {
            Thread t = new Thread(r, "webhook-refusal-audit");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** On the request thread: counts, and queues a record when the rate allows. Never blocks. */
    void refused(Refused refused) {
        Counter.builder("webhooks.refused").tag("reason", refused.reason())
                .description("webhook deliveries refused at ingest, by reason").register(metrics).increment();
        if (limiter == null || !limiter.acquirePermission()) {
            rateLimited.increment();
            return;
        }
        ThreadPoolExecutor w = worker;
        if (w == null) {
            queueFull.increment(); // not started, or closed: nowhere to write
            return;
        }
        try {
            w.execute(() -> write(refused));
        } catch (RejectedExecutionException e) {
            queueFull.increment();
        }
    }

    private void write(Refused r) {
        try {
            WebhookRefusal record = new WebhookRefusal(RandomIds.uuidString(), r.reason(), r.status(), r.source(),
                    cut(r.ip(), MAX_IP_CHARS), cut(r.userAgent(), MAX_USER_AGENT_CHARS),
                    eventId(r), r.claimedTimestamp(), r.body() == null ? null : (long) r.body().length,
                    r.body() == null ? null : sha256(r.body()), r.requestId(), r.refusedAt());
            String key = record.ip();
            producer.send(new ProducerRecord<>(TOPIC.name(), null, r.refusedAt().toEpochMilli(),
                    TOPIC.keySerde().serializer().serialize(TOPIC.name(), key),
                    TOPIC.valueSerde().serializer().serialize(TOPIC.name(), record)), (metadata, e) -> {
                        if (e == null) recovered();
                        else failed(e);
                    });
        } catch (RuntimeException e) {
            failed(e); // send itself failed: no metadata within max.block.ms, or closed
        }
    }

    private void failed(Exception e) {
        sendFailed.increment();
        // One line when writing starts failing, not one per record during an outage.
        if (failing.compareAndSet(false, true)) log.warn("cannot record refused webhooks on {}: {}", TOPIC.name(), e.toString());
    }

    private void recovered() {
        if (failing.compareAndSet(true, false)) log.info("recording refused webhooks on {} again", TOPIC.name());
    }

    /** The claimed event id: from the headers, or the body's top-level {@code id} if it reads as one. */
    private static String eventId(Refused r) {
        String id = r.claimedEventId() != null ? r.claimedEventId()
                : r.eventIdInBody() && r.body() != null ? topLevelId(r.body()) : null;
        return id == null || id.isEmpty() || id.length() > MAX_EVENT_ID_CHARS ? null : id;
    }

    /** Streams until the top-level {@code id}; a body that breaks before it (or has none) gives null. */
    static String topLevelId(byte[] body) {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("id") && value == JsonToken.VALUE_STRING) return p.getText();
                p.skipChildren();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String cut(String s, int max) {
        if (s == null || s.length() <= max) return s;
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }

    @Override
    public void close() {
        ThreadPoolExecutor w = worker;
        worker = null;
        if (w != null) {
            w.shutdown();
            try {
                if (!w.awaitTermination(5, TimeUnit.SECONDS)) w.shutdownNow();
            } catch (InterruptedException e) {
                w.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) producer.close(Duration.ofSeconds(5));
        if (producerMetrics != null) producerMetrics.close();
    }
}
