package io.streamgate.schemas.webhooks;

import io.streamgate.schemas.TopicSpec;
import io.streamgate.schemas.TopicSpec.CleanupPolicy;
import java.time.Duration;
import java.util.List;

/** Topics of the webhook pipeline (payment provider → ingest → processors). */
public final class WebhookTopics {
    private WebhookTopics() {}

    public static final TopicSpec<String, ReceivedWebhook> RECEIVED = new TopicSpec<>(
            "webhooks.received", String.class, ReceivedWebhook.class, 6, Duration.ofDays(14),
            CleanupPolicy.DELETE,
            "Every verified webhook delivery, keyed by provider event id, raw payload included.");

    public static final List<TopicSpec<?, ?>> ALL = List.of(RECEIVED);
}
