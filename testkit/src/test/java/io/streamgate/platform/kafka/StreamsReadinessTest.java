package io.streamgate.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.Platform;
import io.streamgate.schemas.webhooks.WebhookTopics;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A topology run through StreamsComponent: readiness follows the Streams state, metrics are published. */
@StreamgateTest
class StreamsReadinessTest {

    @Test
    void readyOnlyWhileRunningWithStreamsMetricsPublished(TestEnv env) {
        Platform platform = env.platform();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(WebhookTopics.RECEIVED.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).foreach((k, v) -> {});
        String appId = "streamgate-readiness-" + UUID.randomUUID().toString().substring(0, 8);
        StreamsComponent streams = new StreamsComponent(platform, appId, builder.build(), new Properties());

        assertThat(platform.health().evaluate()).containsEntry("streams:" + appId, false);
        assertThat(platform.health().ready()).isFalse();

        streams.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> platform.health().ready());
            assertThat(platform.metrics().scrape()).contains("kafka_stream_");
        } finally {
            streams.close();
        }
        assertThat(platform.health().evaluate()).containsEntry("streams:" + appId, false);
    }
}
