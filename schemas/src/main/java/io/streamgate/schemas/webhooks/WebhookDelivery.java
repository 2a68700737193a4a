package io.streamgate.schemas.webhooks;

import java.time.Instant;

/**
 * The audit record of one webhook delivery, for data teams (topic
 * {@code audit.webhook-deliveries}, keyed by event id): exactly one per delivery that
 * reached Kafka, written when its fate is decided.
 *
 * @param outcome {@code accepted} (applied), {@code duplicate} (event id seen before),
 *     {@code stale} (older than the applied state), {@code ignored} (stored, not a
 *     subscription event or an unknown type) or {@code rejected} (unprocessable, sent to the
 *     dead-letter topic; {@code reason} says why)
 */
public record WebhookDelivery(
        String deliveryId,
        String eventId,
        String source,
        String eventType,
        String outcome,
        String reason,
        String subscriptionId,
        Instant created,
        Instant receivedAt,
        Instant decidedAt) {

    public static final String ACCEPTED = "accepted";
    public static final String DUPLICATE = "duplicate";
    public static final String STALE = "stale";
    public static final String IGNORED = "ignored";
    public static final String REJECTED = "rejected";
}
