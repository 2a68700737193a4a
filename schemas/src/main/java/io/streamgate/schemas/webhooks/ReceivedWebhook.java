package io.streamgate.schemas.webhooks;

import java.time.Instant;

/**
 * A webhook delivery that ingest verified and persisted, before any processing.
 *
 * @param eventId the provider's event id (the record key)
 * @param source the provider, e.g. {@code stripe}
 * @param eventType the event's {@code type}
 * @param payload the raw request body, exactly as signed
 * @param signatureTimestamp the timestamp the signature covered
 * @param receivedAt when ingest received the request
 * @param requestId the HTTP request id, for tracing
 */
public record ReceivedWebhook(
        String eventId,
        String source,
        String eventType,
        String payload,
        Instant signatureTimestamp,
        Instant receivedAt,
        String requestId) {}
