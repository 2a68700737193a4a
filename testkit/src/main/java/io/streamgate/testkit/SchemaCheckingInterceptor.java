package io.streamgate.testkit;

import io.streamgate.schemas.SchemaValidator;
import io.streamgate.schemas.TopicSpec;
import io.streamgate.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Installed in every producer a {@link TestEnv} configures (plain and Kafka Streams): each
 * record the system writes to a registry topic during integration tests is validated
 * against that topic's JSON Schema. Violations are collected and fail the test class.
 */
public final class SchemaCheckingInterceptor implements ProducerInterceptor<byte[], byte[]> {
    private static final Map<String, TopicSpec<?, ?>> TOPICS =
            Topics.all().stream().collect(Collectors.toMap(TopicSpec::name, t -> t));
    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        TopicSpec<?, ?> topic = TOPICS.get(record.topic());
        if (topic != null && record.value() != null) {
            try {
                List<String> problems = SchemaValidator.problems(topic, record.value());
                if (!problems.isEmpty()) {
                    VIOLATIONS.add(record.topic() + ": " + problems + " in " + new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (RuntimeException e) {
                VIOLATIONS.add(record.topic() + ": cannot validate (" + e.getMessage() + ")");
            }
        }
        return record;
    }

    /** Returns and forgets the violations seen so far. */
    public static List<String> drainViolations() {
        List<String> copy = List.copyOf(VIOLATIONS);
        VIOLATIONS.clear();
        return copy;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
}
