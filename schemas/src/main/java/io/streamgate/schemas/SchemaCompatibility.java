package io.streamgate.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a new version of a topic's value schema is backward compatible with the previous
 * one: every record valid under the old schema stays valid under the new one (so old data
 * and not-yet-upgraded producers keep working), and nothing a consumer read disappears.
 *
 * <p>The rules, checked at every level (nested objects, array items, {@code $defs}):
 * <ol>
 *   <li>no new {@code required} property;</li>
 *   <li>no removed property (consumers may read it);</li>
 *   <li>no narrowed {@code type} (the new type set must contain the old one; {@code integer} is
 *       within {@code number});</li>
 *   <li>no narrowed {@code enum} or {@code const}, and none added where there was none;</li>
 *   <li>no tighter bounds: {@code minLength}, {@code minimum}, {@code exclusiveMinimum},
 *       {@code minItems} may only go down, their {@code max} counterparts only up;</li>
 *   <li>no {@code pattern} or {@code format} added or changed;</li>
 *   <li>{@code additionalProperties} may not go from allowed to forbidden.</li>
 * </ol>
 * Adding an optional property, widening a type, loosening a bound or changing descriptions
 * is fine. A change that breaks these rules needs a new topic (e.g. {@code <name>.v2}).
 */
public final class SchemaCompatibility {
    private SchemaCompatibility() {}

    /** What makes {@code newer} incompatible with {@code older}; empty when compatible. */
    public static List<String> problems(JsonNode older, JsonNode newer) {
        List<String> problems = new ArrayList<>();
        compare("$", older, newer, problems);
        return problems;
    }

    private static void compare(String path, JsonNode older, JsonNode newer, List<String> problems) {
        if (older == null || !older.isObject()) return;
        if (newer == null || !newer.isObject()) {
            problems.add(path + ": the schema was removed or is no longer an object");
            return;
        }
        types(path, older, newer, problems);
        values(path, "enum", older, newer, problems);
        if (older.has("const") && !older.get("const").equals(newer.get("const"))) {
            problems.add(path + ": const changed from " + older.get("const") + " to " + newer.get("const"));
        } else if (!older.has("const") && newer.has("const")) {
            problems.add(path + ": const " + newer.get("const") + " added");
        }
        for (String key : List.of("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")) {
            bound(path, key, older, newer, true, problems);
        }
        for (String key : List.of("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")) {
            bound(path, key, older, newer, false, problems);
        }
        for (String key : List.of("pattern", "format")) {
            JsonNode o = older.get(key);
            JsonNode n = newer.get(key);
            if (n != null && !n.equals(o)) {
                problems.add(path + ": " + key + (o == null ? " " + n + " added" : " changed from " + o + " to " + n));
            }
        }
        if (allowsAdditional(older) && !allowsAdditional(newer)) {
            problems.add(path + ": additionalProperties went from allowed to forbidden");
        }

        Set<String> oldRequired = strings(older.get("required"));
        for (String name : strings(newer.get("required"))) {
            if (!oldRequired.contains(name)) problems.add(path + ": property '" + name + "' became required");
        }
        JsonNode oldProps = older.path("properties");
        JsonNode newProps = newer.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = oldProps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!newProps.has(e.getKey())) {
                problems.add(path + ": property '" + e.getKey() + "' was removed");
            } else {
                compare(path + "." + e.getKey(), e.getValue(), newProps.get(e.getKey()), problems);
            }
        }
        if (older.has("items")) compare(path + "[]", older.get("items"), newer.get("items"), problems);
        for (String defs : List.of("$defs", "definitions")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = older.path(defs).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                compare(path + "." + defs + "." + e.getKey(), e.getValue(), newer.path(defs).get(e.getKey()), problems);
            }
        }
    }

    private static void types(String path, JsonNode older, JsonNode newer, List<String> problems) {
        if (!newer.has("type")) return; // no type constraint accepts everything
        Set<String> oldTypes = older.has("type") ? strings(older.get("type")) : Set.of("any");
        Set<String> newTypes = strings(newer.get("type"));
        for (String t : oldTypes) {
            boolean kept = newTypes.contains(t) || (t.equals("integer") && newTypes.contains("number"));
            if (!kept) problems.add(path + ": type narrowed from " + oldTypes + " to " + newTypes);
            if (!kept) return;
        }
    }

    private static void values(String path, String key, JsonNode older, JsonNode newer, List<String> problems) {
        if (!newer.has(key)) return;
        if (!older.has(key)) {
            problems.add(path + ": " + key + " " + newer.get(key) + " added where any value was allowed");
            return;
        }
        Set<JsonNode> kept = new HashSet<>();
        newer.get(key).forEach(kept::add);
        for (JsonNode v : older.get(key)) {
            if (!kept.contains(v)) problems.add(path + ": " + key + " value " + v + " was removed");
        }
    }

    private static void bound(String path, String key, JsonNode older, JsonNode newer, boolean isMinimum, List<String> problems) {
        JsonNode n = newer.get(key);
        if (n == null || !n.isNumber()) return;
        JsonNode o = older.get(key);
        if (o == null || !o.isNumber()) {
            problems.add(path + ": " + key + " " + n + " added");
        } else if (isMinimum ? n.decimalValue().compareTo(o.decimalValue()) > 0 : n.decimalValue().compareTo(o.decimalValue()) < 0) {
            problems.add(path + ": " + key + " tightened from " + o + " to " + n);
        }
    }

    private static boolean allowsAdditional(JsonNode schema) {
        JsonNode a = schema.get("additionalProperties");
        return a == null || !(a.isBoolean() && !a.asBoolean());
    }

    private static Set<String> strings(JsonNode node) {
        Set<String> out = new HashSet<>();
        if (node == null) return out;
        if (node.isTextual()) out.add(node.asText());
        else node.forEach(n -> out.add(n.asText()));
        return out;
    }
}
