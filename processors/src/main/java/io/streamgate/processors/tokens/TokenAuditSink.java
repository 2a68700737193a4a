package io.streamgate.processors.tokens;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.TokenAudit;
import io.streamgate.schemas.auth.TokenUsage;
import io.streamgate.schemas.auth.Verdicts;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sinks {@code audit.auth.token-usage} into Postgres with the worker pool: one
 * {@code refresh_token_usage} row per event and the {@code auth_sessions} read model. Idempotent:
 * the row key is the event id (insert ... on conflict do nothing), session timestamps only move
 * forward and a session's status only moves from active to closed; so offsets are committed
 * after the database transaction, and a crash between the two replays harmlessly.
 */
public final class TokenAuditSink implements Component {
    private static final Logger log = LoggerFactory.getLogger(TokenAuditSink.class);
    public static final String GROUP_ID = "streamgate-auth-audit-sink";

    private final Platform platform;
    private final Deserializer<TokenAudit> values = AuthTopics.AUDIT.valueSerde().deserializer();
    private volatile boolean running = true;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaClientMetrics metrics;
    private Thread thread;

    public TokenAuditSink(Platform platform) {
        this.platform = platform;
        platform.health().register("auth:audit-sink", () -> thread != null && thread.isAlive());
    }

    @Override
    public void start() {
        Map<String, Object> props = platform.kafka().consumer("auth-audit-sink", GROUP_ID);
        props.put("max.poll.records", 500);
        consumer = new KafkaConsumer<>(props);
        metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(platform.metrics());
        consumer.subscribe(List.of(AuthTopics.AUDIT.name()));
        thread = new Thread(this::run, "auth-audit-sink");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                if (batch.isEmpty()) continue;
                List<TokenAudit> records = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    try {
                        TokenAudit a = values.deserialize(r.topic(), r.value());
                        if (a != null) records.add(a);
                    } catch (RuntimeException e) {
                        log.warn("skipping unreadable audit record at {}-{} offset {}", r.topic(), r.partition(), r.offset());
                    }
                }
                try {
                    platform.db().inWorkerTransaction(c -> {
                        write(c, records);
                        return null;
                    });
                    consumer.commitSync(offsets);
                } catch (RuntimeException e) {
                    log.warn("audit sink batch failed ({}); retrying from the last commit", e.toString());
                    rewind();
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("audit sink stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void rewind() {
        var assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata o = committed.get(tp);
            if (o == null) consumer.seekToBeginning(List.of(tp));
            else consumer.seek(tp, o.offset());
        }
    }

    /** Writes one batch; safe to run again for the same records. */
    static void write(Connection c, List<TokenAudit> records) throws SQLException {
        try (PreparedStatement usage = c.prepareStatement("""
                insert into refresh_token_usage (event_id, user_id, family_id, token_id, type, verdict, revoked_family_ids,
                                                 ip, user_agent, occurred_at, decided_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (event_id) do nothing""");
             PreparedStatement opened = c.prepareStatement("""
                insert into auth_sessions (id, user_id, status, created_at, last_used_at, ip, user_agent)
                values (?, ?, 'active', ?, ?, ?, ?) on conflict (id) do nothing""");
             PreparedStatement used = c.prepareStatement("""
                update auth_sessions set last_used_at = ?, ip = ?, user_agent = ?
                where id = ? and user_id = ? and last_used_at < ?""");
             PreparedStatement closed = c.prepareStatement("""
                update auth_sessions set status = ?, closed_at = ?
                where user_id = ? and id = any(?) and status = 'active'""")) {
            for (TokenAudit a : records) {
                UUID user = UUID.fromString(a.userId());
                UUID family = UUID.fromString(a.familyId());
                Timestamp at = Timestamp.from(a.occurredAt());
                Array revoked = c.createArrayOf("uuid", a.revokedFamilyIds() == null ? new Object[0]
                        : a.revokedFamilyIds().stream().map(UUID::fromString).toArray());
                usage.setString(1, a.eventId());
                usage.setObject(2, user);
                usage.setObject(3, family);
                usage.setString(4, a.tokenId());
                usage.setString(5, a.type());
                usage.setString(6, a.verdict());
                usage.setArray(7, revoked);
                usage.setString(8, a.ip());
                usage.setString(9, a.userAgent());
                usage.setTimestamp(10, at);
                usage.setTimestamp(11, Timestamp.from(a.decidedAt()));
                usage.addBatch();
                if (TokenUsage.ISSUE.equals(a.type())) {
                    opened.setObject(1, family);
                    opened.setObject(2, user);
                    opened.setTimestamp(3, at);
                    opened.setTimestamp(4, at);
                    opened.setString(5, a.ip());
                    opened.setString(6, a.userAgent());
                    opened.executeUpdate();
                }
                if (Verdicts.ROTATED.equals(a.verdict()) || Verdicts.REISSUED.equals(a.verdict())) {
                    used.setTimestamp(1, at);
                    used.setString(2, a.ip());
                    used.setString(3, a.userAgent());
                    used.setObject(4, family);
                    used.setObject(5, user);
                    used.setTimestamp(6, at);
                    used.executeUpdate();
                }
                if (a.revokedFamilyIds() != null && !a.revokedFamilyIds().isEmpty()) {
                    closed.setString(1, Verdicts.EXPIRED.equals(a.verdict()) ? "expired" : "revoked");
                    closed.setTimestamp(2, at);
                    closed.setObject(3, user);
                    closed.setArray(4, revoked);
                    closed.executeUpdate();
                }
            }
            usage.executeBatch();
        }
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) consumer.wakeup();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (metrics != null) metrics.close();
    }
}
