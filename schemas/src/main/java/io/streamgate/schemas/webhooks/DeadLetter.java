package io.streamgate.schemas.webhooks;

import java.time.Instant;

/**
 * A webhook record that could not be processed (topic {@code webhooks.dead-letter}, keyed by
 * event id). Processing goes on; operators replay or discard these by hand.
 *
 * @param stage which processor gave up ({@code route} or {@code subscription-state})
 * @param reason what was wrong, for a human
 * @param payload the record as it was read (raw webhook body, or the subscription event JSON)
 */
public record DeadLetter(
        String eventId,
        String deliveryId,
        String stage,
        String reason,
        String payload,
        Instant failedAt) {}
