package io.streamgate.schemas;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON against the schemas in {@code schemas/} on the classpath (draft 2020-12,
 * networknt json-schema-validator): a topic's value schema, or any named schema.
 */
public final class SchemaValidator {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

    private SchemaValidator() {}

    /** The problems of {@code json} against the schema resource, empty when valid. */
    public static List<String> problems(String schemaResource, String json) {
        Schema schema = CACHE.computeIfAbsent(schemaResource, SchemaValidator::load);
        return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    /** The problems of a topic value (as written on the topic) against the topic's schema. */
    public static List<String> problems(TopicSpec<?, ?> topic, byte[] value) {
        return problems(topic.schemaResource(), new String(value, StandardCharsets.UTF_8));
    }

    /** Validates a record object as its topic's serde would write it. */
    public static <V> List<String> problems(TopicSpec<?, V> topic, V value) {
        return problems(topic, topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    /** The schema text, for docs and compatibility checks. */
    public static String text(String schemaResource) {
        try (InputStream in = open(schemaResource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema load(String resource) {
        return REGISTRY.getSchema(text(resource), InputFormat.JSON);
    }

    private static InputStream open(String resource) {
        InputStream in = SchemaValidator.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) throw new IllegalArgumentException("no schema on the classpath at " + resource);
        return in;
    }
}
