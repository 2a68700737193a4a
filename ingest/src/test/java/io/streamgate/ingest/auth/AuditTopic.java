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
    private final List<Read> seen = new ArrayList<>();

    /** A record as read, and its value as written (for checking it against the topic's schema). */
    record Read(TokenAudit audit, byte[] value) {}

    AuditTopic(KafkaSettings kafka) {
        consumer = new KafkaConsumer<>(kafka.consumer("audit-reader", null));
        List<TopicPartition> parts = consumer.partitionsFor(AuthTopics.AUDIT.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Everything read so far for {@code userId}, after one more poll. */
    synchronized List<TokenAudit> forUser(String userId) {
        return readForUser(userId).stream().map(Read::audit).toList();
    }

    /** Like {@link #forUser}, with each record's value as it is on the topic. */
    synchronized List<Read> readForUser(String userId) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            seen.add(new Read(AuthTopics.AUDIT.valueSerde().deserializer().deserialize(r.topic(), r.value()), r.value()));
        }
        return seen.stream().filter(a -> a.audit().userId().equals(userId)).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
