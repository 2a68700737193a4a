package io.streamgate.processors.subscriptions;

import io.streamgate.schemas.webhooks.DeadLetter;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import io.streamgate.schemas.webhooks.SubscriptionState;
import io.streamgate.schemas.webhooks.WebhookDelivery;

/**
 * What a webhook processor decided for one record; the topology sends each non-null part to
 * its topic. Never leaves the sub-topology, so it needs no serde.
 */
public record Routed(WebhookDelivery audit, SubscriptionEvent subscriptionEvent, DeadLetter deadLetter, SubscriptionState state) {}
