package io.streamgate.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.Platform;
import io.streamgate.schemas.webhooks.WebhookTopics;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
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

    /**
     * A closed instance leaves its group, so a restart or a rolling upgrade gets the partitions
     * at once instead of after the session timeout. The session timeout is set to ten minutes
     * here: a member that did not leave would still be listed long after the wait below.
     */
    @Test
    void aClosedInstanceLeavesItsGroupAtOnce(TestEnv env) throws Exception {
        Platform platform = env.platform();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(WebhookTopics.RECEIVED.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).foreach((k, v) -> {});
        String appId = "streamgate-leave-" + UUID.randomUUID().toString().substring(0, 8);
        Properties overrides = new Properties();
        overrides.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) Duration.ofMinutes(10).toMillis());
        StreamsComponent streams = new StreamsComponent(platform, appId, builder.build(), overrides);
        try (Admin admin = Admin.create(platform.kafka().common("leave-check"))) {
            streams.start();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> members(admin, appId) == 1);

            streams.close();

            Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> members(admin, appId) == 0);
        } finally {
            streams.close();
        }
    }

    private static int members(Admin admin, String groupId) throws Exception {
        return admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId).get().members().size();
    }
}
