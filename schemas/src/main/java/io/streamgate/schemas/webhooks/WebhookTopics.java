package io.streamgate.schemas.webhooks;

import io.streamgate.schemas.TopicSpec;
import io.streamgate.schemas.TopicSpec.CleanupPolicy;
import java.time.Duration;
import java.util.List;

/** Topics of the webhook pipeline (payment provider → ingest → processors → Postgres). */
public final class WebhookTopics {
    private WebhookTopics() {}

    /**
     * Keyed by {@link OrderingKey}: one subscription's events share a partition, in arrival
     * order. Its partition count must equal {@link #LEGACY_SUBSCRIPTION_EVENTS}'s: the webhook
     * app reads both in one task per partition while it drains the retired topic.
     */
    public static final TopicSpec<String, ReceivedWebhook> RECEIVED = new TopicSpec<>(
            "webhooks.received.v2", String.class, ReceivedWebhook.class, 6, Duration.ofDays(14),
            CleanupPolicy.DELETE,
            "Every verified webhook delivery, keyed by its ordering key (the subscription it is about, else the event id), raw payload included.");

    /** Retired by {@link #RECEIVED}: written by ingest before v2, forwarded to v2 by the processors until empty. */
    public static final TopicSpec<String, ReceivedWebhook> LEGACY_RECEIVED = new TopicSpec<>(
            "webhooks.received", String.class, ReceivedWebhook.class, 6, Duration.ofDays(14),
            CleanupPolicy.DELETE,
            "Retired (replaced by webhooks.received.v2): verified webhook deliveries keyed by event id, as written before v2.");

    /** Retired: no longer written; the webhook app drains what the previous release left in it. */
    public static final TopicSpec<String, SubscriptionEvent> LEGACY_SUBSCRIPTION_EVENTS = new TopicSpec<>(
            "webhooks.subscription-events", String.class, SubscriptionEvent.class, 6, Duration.ofDays(14),
            CleanupPolicy.DELETE,
            "Retired (no longer written): first deliveries of subscription-related events, reduced and re-keyed by subscription id.");

    public static final TopicSpec<String, SubscriptionState> SUBSCRIPTION_STATE = new TopicSpec<>(
            "webhooks.subscription-state", String.class, SubscriptionState.class, 6, null,
            CleanupPolicy.COMPACT,
            "The applied state of each subscription after every applied event, keyed by subscription id (compacted).");

    public static final TopicSpec<String, DeadLetter> DEAD_LETTER = new TopicSpec<>(
            "webhooks.dead-letter", String.class, DeadLetter.class, 1, Duration.ofDays(30),
            CleanupPolicy.DELETE,
            "Webhook records that could not be processed, with the reason, keyed by event id.");

    public static final TopicSpec<String, WebhookDelivery> AUDIT_DELIVERIES = new TopicSpec<>(
            "audit.webhook-deliveries", String.class, WebhookDelivery.class, 6, Duration.ofDays(90),
            CleanupPolicy.DELETE,
            "For data teams: one record per webhook delivery and its outcome (accepted, duplicate, stale, ignored, rejected), keyed by event id.");

    /**
     * Keyed by client address, so one sender's attempts are in one partition, in order. Apart from
     * {@link #AUDIT_DELIVERIES}: those records are deliveries that reached Kafka, keyed by an event
     * id the processors trust and loaded into the delivery history; a forged event id has no place
     * there.
     */
    public static final TopicSpec<String, WebhookRefusal> AUDIT_REFUSALS = new TopicSpec<>(
            "audit.webhook-refusals", String.class, WebhookRefusal.class, 6, Duration.ofDays(90),
            CleanupPolicy.DELETE,
            "For security teams: webhook deliveries refused at ingest (signature, timestamp, shape), at a bounded rate, keyed by client address.");

    public static final List<TopicSpec<?, ?>> ALL =
            List.of(RECEIVED, SUBSCRIPTION_STATE, DEAD_LETTER, AUDIT_DELIVERIES, AUDIT_REFUSALS, LEGACY_RECEIVED, LEGACY_SUBSCRIPTION_EVENTS);
}
