package io.streamgate.processors.webhooks;

import io.streamgate.platform.Platform;
import io.streamgate.platform.db.PostgresSink;
import io.streamgate.processors.subscriptions.Precedence;
import io.streamgate.schemas.webhooks.SubscriptionState;
import io.streamgate.schemas.webhooks.WebhookDelivery;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the webhook pipeline's results to Postgres: audit records become
 * {@code webhook_events} / {@code webhook_deliveries} rows, subscription states become
 * {@code subscriptions} rows.
 *
 * <p>A {@link PostgresSink}, not a Streams processor: a database write cannot join a Kafka
 * transaction, so exactly-once here comes from idempotent writes instead: a delivery row is
 * keyed by its delivery id, a subscription row only moves to a higher version, so a replayed
 * batch changes nothing.
 */
public final class WebhookSink {
    private static final Logger log = LoggerFactory.getLogger(WebhookSink.class);
    public static final String GROUP_ID = "streamgate-webhook-sink";

    private WebhookSink() {}

    public static PostgresSink create(Platform platform) {
        return new PostgresSink(platform, "webhook-sink", GROUP_ID,
                List.of(WebhookTopics.AUDIT_DELIVERIES.name(), WebhookTopics.SUBSCRIPTION_STATE.name()), 2000, WebhookSink::write);
    }

    static void write(Connection c, ConsumerRecords<byte[], byte[]> records) throws SQLException {
        var audit = WebhookTopics.AUDIT_DELIVERIES;
        var states = WebhookTopics.SUBSCRIPTION_STATE;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) continue;
            // A record the sink cannot write would otherwise block it forever: skip it, loudly.
            try {
                if (r.topic().equals(audit.name())) {
                    WebhookDelivery d = audit.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (d.deliveryId() == null || d.eventId() == null || d.source() == null || d.eventType() == null
                            || d.outcome() == null || d.receivedAt() == null || d.decidedAt() == null) {
                        throw new IllegalArgumentException("incomplete delivery record");
                    }
                    writeDelivery(c, d);
                } else {
                    SubscriptionState s = states.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (s.subscriptionId() == null || s.status() == null || s.lastEventId() == null || s.lastEventType() == null
                            || s.lastEventCreated() == null) {
                        throw new IllegalArgumentException("incomplete subscription state");
                    }
                    writeState(c, s);
                }
            } catch (org.apache.kafka.common.errors.SerializationException | IllegalArgumentException e) {
                log.error("webhook sink skips {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
    }

    static String status(String outcome) {
        return switch (outcome) {
            case WebhookDelivery.ACCEPTED -> "processed";
            case WebhookDelivery.REJECTED -> "dead_lettered";
            default -> outcome; // duplicate, stale, ignored
        };
    }

    static void writeDelivery(Connection c, WebhookDelivery d) throws SQLException {
        String status = status(d.outcome());
        try (PreparedStatement ps = c.prepareStatement("""
                insert into webhook_events (event_id, source, type, created, received_at, status, reason, subscription_id, deliveries)
                values (?, ?, ?, ?, ?, ?, ?, ?, 0) on conflict (event_id) do nothing""")) {
            ps.setString(1, d.eventId());
            ps.setString(2, d.source());
            ps.setString(3, d.eventType());
            ps.setTimestamp(4, ts(d.created()));
            ps.setTimestamp(5, ts(d.receivedAt()));
            ps.setString(6, status);
            ps.setString(7, d.reason());
            ps.setString(8, d.subscriptionId());
            ps.executeUpdate();
        }
        int inserted;
        try (PreparedStatement ps = c.prepareStatement("""
                insert into webhook_deliveries (delivery_id, event_id, outcome, reason, received_at, decided_at)
                values (?, ?, ?, ?, ?, ?) on conflict (delivery_id) do nothing""")) {
            ps.setString(1, d.deliveryId());
            ps.setString(2, d.eventId());
            ps.setString(3, d.outcome());
            ps.setString(4, d.reason());
            ps.setTimestamp(5, ts(d.receivedAt()));
            ps.setTimestamp(6, ts(d.decidedAt()));
            inserted = ps.executeUpdate();
        }
        if (inserted == 0) return; // a replayed delivery: already counted
        // A duplicate may be decided before the first delivery leaves the ordering buffer: it
        // counts, but it never replaces the event's own outcome.
        boolean duplicate = d.outcome().equals(WebhookDelivery.DUPLICATE);
        try (PreparedStatement ps = c.prepareStatement("""
                update webhook_events set deliveries = deliveries + 1,
                    status = case when ?::boolean then status else ?::text end,
                    reason = case when ?::boolean then reason else ?::text end,
                    created = coalesce(created, ?::timestamptz),
                    subscription_id = coalesce(subscription_id, ?::text),
                    received_at = least(received_at, ?::timestamptz),
                    updated_at = now()
                where event_id = ?""")) {
            ps.setBoolean(1, duplicate);
            ps.setString(2, status);
            ps.setBoolean(3, duplicate);
            ps.setString(4, d.reason());
            ps.setTimestamp(5, ts(d.created()));
            ps.setString(6, d.subscriptionId());
            ps.setTimestamp(7, ts(d.receivedAt()));
            ps.setString(8, d.eventId());
            ps.executeUpdate();
        }
    }

    static void writeState(Connection c, SubscriptionState s) throws SQLException {
        int rank = Precedence.rank(s.lastEventType());
        try (PreparedStatement ps = c.prepareStatement("""
                insert into subscriptions (stripe_subscription_id, user_id, customer_id, status, current_period_end, access_until,
                    last_event_id, last_event_type, last_event_created, last_event_rank)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (stripe_subscription_id) do nothing""")) {
            ps.setString(1, s.subscriptionId());
            ps.setObject(2, s.userId() == null ? null : UUID.fromString(s.userId()), Types.OTHER);
            ps.setString(3, s.customerId());
            ps.setString(4, s.status());
            ps.setTimestamp(5, ts(s.currentPeriodEnd()));
            ps.setTimestamp(6, ts(s.accessUntil()));
            ps.setString(7, s.lastEventId());
            ps.setString(8, s.lastEventType());
            ps.setTimestamp(9, ts(s.lastEventCreated()));
            ps.setInt(10, rank);
            if (ps.executeUpdate() == 1) return;
        }
        // The row exists: a higher version replaces the state; a pending row (only the checkout
        // link) yields to any real state; the same or an older version changes nothing.
        try (PreparedStatement ps = c.prepareStatement("""
                update subscriptions set status = ?, current_period_end = ?, access_until = ?, last_event_id = ?,
                    last_event_type = ?, last_event_created = ?, last_event_rank = ?, updated_at = now()
                where stripe_subscription_id = ?
                  and (((?::timestamptz, ?::int, ?::text) > (last_event_created, last_event_rank, last_event_id))
                       or (status = 'pending' and ?::text <> 'pending'))""")) {
            ps.setString(1, s.status());
            ps.setTimestamp(2, ts(s.currentPeriodEnd()));
            ps.setTimestamp(3, ts(s.accessUntil()));
            ps.setString(4, s.lastEventId());
            ps.setString(5, s.lastEventType());
            ps.setTimestamp(6, ts(s.lastEventCreated()));
            ps.setInt(7, rank);
            ps.setString(8, s.subscriptionId());
            ps.setTimestamp(9, ts(s.lastEventCreated()));
            ps.setInt(10, rank);
            ps.setString(11, s.lastEventId());
            ps.setString(12, s.status());
            ps.executeUpdate();
        }
        // Who owns it and the customer never change once known: the link may arrive late.
        try (PreparedStatement ps = c.prepareStatement("""
                update subscriptions set user_id = coalesce(user_id, ?::uuid), customer_id = coalesce(customer_id, ?::text), updated_at = now()
                where stripe_subscription_id = ? and ((user_id is null and ?::uuid is not null) or (customer_id is null and ?::text is not null))""")) {
            Object user = s.userId() == null ? null : UUID.fromString(s.userId());
            ps.setObject(1, user, Types.OTHER);
            ps.setString(2, s.customerId());
            ps.setString(3, s.subscriptionId());
            ps.setObject(4, user, Types.OTHER);
            ps.setString(5, s.customerId());
            ps.executeUpdate();
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
