package io.streamgate.platform.kafka;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Client settings shared by every role: where the cluster is, and the durable defaults
 * (idempotent producer with acks=all, exactly_once_v2 Streams). Features start from these
 * and override only what they measured a reason for.
 *
 * @param bootstrapServers the cluster
 * @param stateDir where Kafka Streams keeps its local state stores
 * @param instanceId distinguishes this process (client ids, reply topics)
 * @param extra client settings passed through from the environment ({@code KAFKA_CLIENT_*});
 *     keys starting with {@code producer.} apply to producers only (Streams' included)
 */
public record KafkaSettings(String bootstrapServers, Path stateDir, String instanceId, Map<String, String> extra) {
    private static final String PRODUCER_ONLY = "producer.";

    private Map<String, String> producerOnly() {
        Map<String, String> only = new HashMap<>();
        extra.forEach((k, v) -> {
            if (k.startsWith(PRODUCER_ONLY)) only.put(k.substring(PRODUCER_ONLY.length()), v);
        });
        return only;
    }

    public Map<String, Object> common(String clientId) {
        Map<String, Object> props = new HashMap<>();
        extra.forEach((k, v) -> {
            if (!k.startsWith(PRODUCER_ONLY)) props.put(k, v);
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId + "-" + instanceId);
        return props;
    }

    /** Durable producer: a send acknowledged by the broker survives a broker crash. */
    public Map<String, Object> producer(String clientId) {
        Map<String, Object> props = common(clientId);
        producerOnly().forEach(props::put);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /** Consumer that reads only committed (exactly-once) output. */
    public Map<String, Object> consumer(String clientId, String groupId) {
        Map<String, Object> props = common(clientId);
        if (groupId != null) props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /**
     * Kafka Streams defaults: exactly_once_v2, replication from the broker default, state
     * under the data directory. The latency knobs (commit interval, linger, cache) are
     * measured in docs/architecture.md; topologies that need low latency set them.
     */
    public Properties streams(String applicationId) {
        Properties props = new Properties();
        extra.forEach((k, v) -> {
            if (!k.startsWith(PRODUCER_ONLY)) props.put(k, v);
        });
        producerOnly().forEach((k, v) -> props.put(StreamsConfig.producerPrefix(k), v));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.CLIENT_ID_CONFIG, applicationId + "-" + instanceId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(instanceId).toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }
}
