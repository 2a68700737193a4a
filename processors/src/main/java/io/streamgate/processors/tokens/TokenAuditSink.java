package io.streamgate.processors.tokens;

import io.streamgate.platform.Platform;
import io.streamgate.platform.db.PostgresSink;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.TokenAudit;
import io.streamgate.schemas.auth.TokenUsage;
import io.streamgate.schemas.auth.Verdicts;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sinks {@code audit.auth.token-usage} into Postgres with the worker pool: one
 * {@code refresh_token_usage} row per event and the {@code auth_sessions} read model. Idempotent:
 * the row key is the event id (insert ... on conflict do nothing), session timestamps only move
 * forward and a session's status only moves from active to closed; so, as a {@link PostgresSink},
 * a batch replayed after a crash changes nothing.
 */
public final class TokenAuditSink {
    private static final Logger log = LoggerFactory.getLogger(TokenAuditSink.class);
    public static final String GROUP_ID = "streamgate-auth-audit-sink";
    private static final Deserializer<TokenAudit> VALUES = AuthTopics.AUDIT.valueSerde().deserializer();

    private TokenAuditSink() {}

    public static PostgresSink create(Platform platform) {
        return new PostgresSink(platform, "auth-audit-sink", GROUP_ID, List.of(AuthTopics.AUDIT.name()), 500,
                (c, batch) -> write(c, readable(batch)));
    }

    /** The batch's audit records; an unreadable one is skipped, loudly, instead of blocking the sink. */
    private static List<TokenAudit> readable(ConsumerRecords<byte[], byte[]> batch) {
        List<TokenAudit> records = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            try {
                TokenAudit a = VALUES.deserialize(r.topic(), r.value());
                if (a != null) records.add(a);
            } catch (RuntimeException e) {
                log.warn("skipping unreadable audit record at {}-{} offset {}", r.topic(), r.partition(), r.offset());
            }
        }
        return records;
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
            // Statements are batched (one round trip each) and run in an order that gives the same
            // rows as one by one: sessions opened before they are touched; last_used_at only moves
            // forward, so only each session's latest use in the batch needs writing.
            Map<UUID, TokenAudit> latestUse = new LinkedHashMap<>();
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
                    opened.addBatch();
                }
                if (Verdicts.ROTATED.equals(a.verdict()) || Verdicts.REISSUED.equals(a.verdict())) {
                    latestUse.merge(family, a, (x, y) -> y.occurredAt().isAfter(x.occurredAt()) ? y : x);
                }
                if (a.revokedFamilyIds() != null && !a.revokedFamilyIds().isEmpty()) {
                    closed.setString(1, Verdicts.EXPIRED.equals(a.verdict()) ? "expired" : "revoked");
                    closed.setTimestamp(2, at);
                    closed.setObject(3, user);
                    closed.setArray(4, revoked);
                    closed.addBatch();
                }
            }
            for (TokenAudit a : latestUse.values()) {
                Timestamp at = Timestamp.from(a.occurredAt());
                used.setTimestamp(1, at);
                used.setString(2, a.ip());
                used.setString(3, a.userAgent());
                used.setObject(4, UUID.fromString(a.familyId()));
                used.setObject(5, UUID.fromString(a.userId()));
                used.setTimestamp(6, at);
                used.addBatch();
            }
            opened.executeBatch();
            used.executeBatch();
            closed.executeBatch();
            usage.executeBatch();
        }
    }
}
