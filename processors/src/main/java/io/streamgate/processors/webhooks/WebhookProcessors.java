package io.streamgate.processors.webhooks;

import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.StreamsComponent;
import io.streamgate.processors.subscriptions.SubscriptionTopology;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The webhook pipeline's components of the processors role: two Streams apps and the Postgres sink. */
public final class WebhookProcessors {
    private WebhookProcessors() {}

    public static List<Component> components(Platform platform) {
        return components(platform, WebhookProcessorsConfig.from(platform.env()));
    }

    public static List<Component> components(Platform platform, WebhookProcessorsConfig config) {
        return List.of(
                new StreamsComponent(platform, WebhookRouteTopology.APPLICATION_ID,
                        WebhookRouteTopology.build(new org.apache.kafka.streams.StreamsBuilder(), config.dedupRetention(), platform.metrics()),
                        lowLatency()),
                new StreamsComponent(platform, SubscriptionTopology.APPLICATION_ID,
                        SubscriptionTopology.build(new org.apache.kafka.streams.StreamsBuilder(), config.orderingGrace(), config.renewalGrace()),
                        lowLatency()),
                WebhookSink.create(platform));
    }

    /**
     * exactly_once_v2 stays (from the platform defaults); commit often, send at once and skip
     * the store cache, so a webhook reaches Postgres within the ordering grace plus a fraction
     * of a second (see ../shared/KAFKA-NOTES.md and BENCHMARKS.md).
     */
    static Properties lowLatency() {
        Properties p = new Properties();
        // Each app's output is visible downstream only once its transaction commits, and a
        // webhook passes two of them: the interval is added twice to what the grace costs.
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
        // Small fetches per partition: while catching up a backlog (after a restart) all
        // partitions of webhooks.received advance together instead of one at a time, so events
        // of one subscription reach the ordering buffer close together (within the grace).
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 64 * 1024);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 200);
        return p;
    }
}
