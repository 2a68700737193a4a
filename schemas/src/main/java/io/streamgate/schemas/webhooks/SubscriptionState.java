package io.streamgate.schemas.webhooks;

import java.time.Instant;

/**
 * The applied state of one subscription after an event (topic
 * {@code webhooks.subscription-state}, compacted, keyed by subscription id). The version is
 * ({@code lastEventCreated}, precedence of {@code lastEventType}, {@code lastEventId}): a
 * sink keeps the row with the highest version, so replays change nothing.
 *
 * @param userId null until a checkout session links the subscription to a user
 * @param status the provider's status ({@code active}, {@code past_due}, {@code canceled}...);
 *     {@code pending} while only the checkout link is known
 * @param accessUntil until when the user has access (period end + renewal grace, or the end
 *     the provider gave when the subscription ended)
 */
public record SubscriptionState(
        String subscriptionId,
        String customerId,
        String userId,
        String status,
        Instant currentPeriodEnd,
        Instant accessUntil,
        String lastEventId,
        String lastEventType,
        Instant lastEventCreated,
        Instant updatedAt) {}
