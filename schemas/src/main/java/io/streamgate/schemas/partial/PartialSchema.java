package io.streamgate.schemas.partial;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of a JSON Schema that can be checked while a document is still arriving:
 * {@code type}, {@code properties}, {@code required}, {@code additionalProperties: false},
 * {@code items}, {@code minimum}/{@code maximum}, {@code minLength}/{@code maxLength},
 * {@code minItems}/{@code maxItems}. Anything else is left to the strict (networknt) check of
 * the finished document, which always runs too.
 */
public final class PartialSchema {
    public enum Kind { OBJECT, ARRAY, STRING, NUMBER, INTEGER, BOOLEAN, NULL }

    /** Accepts anything (no schema at this place). */
    public static final PartialSchema ANY = new PartialSchema();

    final Set<Kind> types = EnumSet.allOf(Kind.class);
    final Map<String, PartialSchema> properties = new LinkedHashMap<>();
    final List<String> propertyNames = new ArrayList<>();
    final List<String> required = new ArrayList<>();
    boolean closed;
    PartialSchema items = ANY;
    BigDecimal minimum;
    BigDecimal maximum;
    int minLength;
    int maxLength = Integer.MAX_VALUE;
    int minItems;
    int maxItems = Integer.MAX_VALUE;

    private PartialSchema() {}

    public static PartialSchema compile(JsonNode schema) {
        PartialSchema s = new PartialSchema();
        if (schema == null || !schema.isObject()) return s;
        JsonNode type = schema.get("type");
        if (type != null) {
            s.types.clear();
            if (type.isArray()) type.forEach(t -> s.addType(t.asText()));
            else s.addType(type.asText());
        }
        JsonNode props = schema.get("properties");
        if (props != null) {
            props.properties().forEach(e -> {
                s.properties.put(e.getKey(), compile(e.getValue()));
                s.propertyNames.add(e.getKey());
            });
        }
        JsonNode req = schema.get("required");
        if (req != null) req.forEach(r -> s.required.add(r.asText()));
        JsonNode additional = schema.get("additionalProperties");
        s.closed = additional != null && additional.isBoolean() && !additional.asBoolean();
        if (schema.has("items")) s.items = compile(schema.get("items"));
        if (schema.has("minimum")) s.minimum = schema.get("minimum").decimalValue();
        if (schema.has("maximum")) s.maximum = schema.get("maximum").decimalValue();
        if (schema.has("minLength")) s.minLength = schema.get("minLength").asInt();
        if (schema.has("maxLength")) s.maxLength = schema.get("maxLength").asInt();
        if (schema.has("minItems")) s.minItems = schema.get("minItems").asInt();
        if (schema.has("maxItems")) s.maxItems = schema.get("maxItems").asInt();
        return s;
    }

    private void addType(String name) {
        switch (name) {
            case "object" -> types.add(Kind.OBJECT);
            case "array" -> types.add(Kind.ARRAY);
            case "string" -> types.add(Kind.STRING);
            case "number" -> { types.add(Kind.NUMBER); types.add(Kind.INTEGER); }
            case "integer" -> types.add(Kind.INTEGER);
            case "boolean" -> types.add(Kind.BOOLEAN);
            case "null" -> types.add(Kind.NULL);
            default -> throw new IllegalArgumentException("unknown JSON Schema type " + name);
        }
    }

    boolean allows(Kind kind) {
        return types.contains(kind);
    }

    /** For a number whose kind is not known yet (integer or not). */
    boolean allowsSomeNumber() {
        return types.contains(Kind.NUMBER) || types.contains(Kind.INTEGER);
    }

    PartialSchema property(String name) {
        PartialSchema p = properties.get(name);
        return p != null ? p : ANY;
    }
}
