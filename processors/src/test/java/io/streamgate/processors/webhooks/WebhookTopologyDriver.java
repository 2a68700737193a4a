package io.streamgate.processors.webhooks;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.schemas.TopicSpec;
import io.streamgate.schemas.webhooks.DeadLetter;
import io.streamgate.schemas.webhooks.SubscriptionState;
import io.streamgate.schemas.webhooks.WebhookDelivery;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production webhook topology on a test driver at a controlled start time, with its three
 * outputs; shared by the topology tests of the webhook and subscription stages.
 */
public final class WebhookTopologyDriver implements AutoCloseable {
    public final TopologyTestDriver driver;
    public final TestOutputTopic<String, SubscriptionState> states;
    public final TestOutputTopic<String, WebhookDelivery> audit;
    public final TestOutputTopic<String, DeadLetter> dead;

    public WebhookTopologyDriver(WebhookProcessorsConfig config, MeterRegistry metrics, boolean previousReleaseIds, Instant start) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "webhook-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(WebhookTopology.build(new StreamsBuilder(), config, metrics, previousReleaseIds), props, start);
        states = output(WebhookTopics.SUBSCRIPTION_STATE);
        audit = output(WebhookTopics.AUDIT_DELIVERIES);
        dead = output(WebhookTopics.DEAD_LETTER);
    }

    public <K, V> TestInputTopic<K, V> input(TopicSpec<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private <K, V> TestOutputTopic<K, V> output(TopicSpec<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    /**
     * Wall-clock time passes with the stream thread running (punctuating every 100 ms), as in a
     * live task; one jump of the same length would read as a stalled thread.
     */
    public void idle(Duration d) {
        for (long ms = 0; ms < d.toMillis(); ms += 100) driver.advanceWallClockTime(Duration.ofMillis(Math.min(100, d.toMillis() - ms)));
    }

    @Override
    public void close() {
        driver.close();
    }
}
