package io.streamgate.schemas;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Everything about one topic: its name, key and value types, partitions, retention,
 * cleanup policy and the JSON Schema of its values ({@code schemas/<name>.schema.json}
 * on the classpath). Nothing outside {@link Topics} defines a topic.
 *
 * @param retention how long records are kept; {@code null} keeps them forever
 */
public record TopicSpec<K, V>(
        String name,
        Class<K> keyType,
        Class<V> valueType,
        int partitions,
        Duration retention,
        CleanupPolicy cleanupPolicy,
        String description) {

    public enum CleanupPolicy {
        DELETE("delete"),
        COMPACT("compact"),
        COMPACT_DELETE("compact,delete");

        public final String kafkaValue;

        CleanupPolicy(String kafkaValue) {
            this.kafkaValue = kafkaValue;
        }
    }

    /** The classpath resource holding this topic's value schema. */
    public String schemaResource() {
        return "schemas/" + name + ".schema.json";
    }

    public Serde<K> keySerde() {
        return serdeFor(keyType);
    }

    public Serde<V> valueSerde() {
        return serdeFor(valueType);
    }

    /** Topic-level configs applied when the topic is created. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", cleanupPolicy.kafkaValue);
        configs.put("retention.ms", retention == null ? "-1" : Long.toString(retention.toMillis()));
        return configs;
    }

    @SuppressWarnings("unchecked")
    private static <T> Serde<T> serdeFor(Class<T> type) {
        if (type == String.class) return (Serde<T>) Serdes.String();
        if (type == byte[].class) return (Serde<T>) Serdes.ByteArray();
        if (type == Long.class) return (Serde<T>) Serdes.Long();
        return JsonSerde.of(type);
    }
}
