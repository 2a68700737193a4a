package io.streamgate.processors.webhooks;

import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.StreamsComponent;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The webhook pipeline's components of the processors role: the webhook Streams app (dedup,
 * ordering, state), the forwarder of the retired {@code webhooks.received}, and the Postgres
 * sink. The webhook app starts once the forwarder has drained what the retired topic held.
 */
public final class WebhookProcessors {
    private WebhookProcessors() {}

    public static List<Component> components(Platform platform) {
        return components(platform, WebhookProcessorsConfig.from(platform.env()));
    }

    public static List<Component> components(Platform platform, WebhookProcessorsConfig config) {
        boolean previousReleaseIds = topicExists(platform, WebhookTopology.PREVIOUS_DEDUP_CHANGELOG);
        var forwarder = new StreamsComponent(platform, LegacyForwardTopology.APPLICATION_ID,
                LegacyForwardTopology.build(new StreamsBuilder()), lowLatency());
        var webhooks = new StreamsComponent(platform, WebhookTopology.APPLICATION_ID,
                WebhookTopology.build(new StreamsBuilder(), config, platform.metrics(), previousReleaseIds), lowLatency());
        return List.of(
                forwarder,
                new StartAfterDrain(platform.kafka(), WebhookTopics.LEGACY_RECEIVED.name(), LegacyForwardTopology.APPLICATION_ID, webhooks),
                WebhookSink.create(platform));
    }

    private static boolean topicExists(Platform platform, String topic) {
        try (Admin admin = Admin.create(platform.kafka().common("webhooks-topics"))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("cannot list the topics of " + platform.kafka().bootstrapServers() + ": " + e, e);
        }
    }

    /**
     * exactly_once_v2 stays (from the platform defaults); commit often, send at once and skip
     * the store cache, so a webhook reaches Postgres within the ordering grace plus a fraction
     * of a second (BENCHMARKS.md, ## Webhooks).
     */
    static Properties lowLatency() {
        Properties p = new Properties();
        // The app's output is visible downstream (the sink) only once its transaction commits:
        // the interval adds to what the grace costs.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.POLL_MS_CONFIG, 10);
        // A record that is not JSON at all is logged and skipped (records that are JSON but not a
        // valid webhook go to the dead-letter topic); one bad record must not stop the pipeline.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                org.apache.kafka.streams.errors.LogAndContinueExceptionHandler.class.getName());
        // One request in flight per partition: a first batch of a transaction that times out on a
        // busy broker then cannot leave later batches out of sequence (which aborts the
        // transaction and stalls the task for seconds, longer than the ordering grace in tests).
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        return p;
    }
}
