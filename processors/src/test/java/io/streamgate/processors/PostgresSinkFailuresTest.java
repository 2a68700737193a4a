package io.streamgate.processors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgate.platform.Platform;
import io.streamgate.platform.db.PostgresSink;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A batch the database refuses is counted in {@code sink.batch.failures} (what the
 * StreamgateSinkFailures alert reads), rewound and written again.
 */
@StreamgateTest
class PostgresSinkFailuresTest {
    @Test
    void aFailedBatchIsCountedAndRetried(TestEnv env) throws Exception {
        // A topic of its own, so no other test's records reach this sink's writer.
        String topic = "test.sink-failures." + UUID.randomUUID();
        Map<String, Object> client = Map.of("bootstrap.servers", env.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Platform platform = env.platform();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        PostgresSink sink = env.closeAfterClass(new PostgresSink(platform, "failing-sink", "failing-sink-" + UUID.randomUUID(),
                List.of(topic), 10, (connection, records) -> {
                    if (calls.incrementAndGet() == 1) throw new SQLException("the database refused the first batch");
                    written.addAndGet(records.count());
                }));
        assertThat(failures(platform)).as("registered before any failure").isZero();
        sink.start();

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8))).get();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> written.get() == 1);
        assertThat(failures(platform)).isEqualTo(1);
    }

    static double failures(Platform platform) {
        return platform.metrics().get("sink.batch.failures").tag("sink", "failing-sink").counter().count();
    }
}
