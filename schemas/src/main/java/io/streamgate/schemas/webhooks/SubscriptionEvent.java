package io.streamgate.schemas.webhooks;

import java.time.Instant;

/**
 * One subscription-related provider event, reduced to what the subscription state needs and
 * keyed by subscription id (the retired topic {@code webhooks.subscription-events}; today it
 * passes from dedup to the ordering buffer inside one task).
 *
 * @param eventId the provider's event id
 * @param deliveryId the delivery that carried it first (see {@link ReceivedWebhook#deliveryId()})
 * @param eventType e.g. {@code invoice.paid}
 * @param created the event's {@code created}
 * @param receivedAt when ingest received that delivery
 * @param subscriptionId the provider's subscription id (the record key)
 * @param customerId the provider's customer id, when the event names one
 * @param userId our user id from a checkout session's {@code client_reference_id}
 * @param status the subscription's status as the event shows it (subscription events only)
 * @param currentPeriodEnd the period end the event shows (items' in current API versions)
 * @param endedAt when the subscription ended (deleted events)
 */
public record SubscriptionEvent(
        String eventId,
        String deliveryId,
        String eventType,
        Instant created,
        Instant receivedAt,
        String subscriptionId,
        String customerId,
        String userId,
        String status,
        Instant currentPeriodEnd,
        Instant endedAt) {}
