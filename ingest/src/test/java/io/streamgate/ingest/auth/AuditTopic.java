package io.streamgate.ingest.auth;

import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.TokenAudit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the audit topic (shared by every test class of the JVM) for one user's records. */
final class AuditTopic implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TokenAudit> seen = new ArrayList<>();

    AuditTopic(KafkaSettings kafka) {
        consumer = new KafkaConsumer<>(kafka.consumer("audit-reader", null));
        List<TopicPartition> parts = consumer.partitionsFor(AuthTopics.AUDIT.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Everything read so far for {@code userId}, after one more poll. */
    synchronized List<TokenAudit> forUser(String userId) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            seen.add(AuthTopics.AUDIT.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        }
        return seen.stream().filter(a -> a.userId().equals(userId)).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
