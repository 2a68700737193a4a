package io.streamgate.platform.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.javalin.http.Context;
import io.streamgate.schemas.Json;
import java.util.Map;

/**
 * Reads JSON request bodies the one way: {@code application/json} (or {@code +json}) or 415;
 * malformed JSON, a body over one of the parser limits below, or a wrong shape is a 400 problem
 * naming where or which limit; text Postgres cannot store (U+0000, unpaired surrogates) in any
 * string or field name is a 422 naming the field; bodies over the edge's limit are 413 before
 * they are read.
 *
 * <p>The limits are far above any body this API accepts and far below what costs the server:
 * they bound the work and the recursion of parsing, of walking the tree and of reporting an
 * error, whatever {@code HTTP_MAX_BODY_BYTES} is set to.
 */
public final class JsonBodies {
    /** Brand kits, the deepest bodies we accept, nest two levels. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Characters in one string; the longest field we accept is a 4,000-character prompt. */
    public static final int MAX_STRING_LENGTH = 64 * 1024;
    /** Characters in one field name; ours are short identifiers. */
    public static final int MAX_NAME_LENGTH = 256;
    /** Characters in one number; no field we accept holds more than a long's 19 digits. */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** Tokens in one body; a valid body has fewer than a hundred. */
    public static final long MAX_TOKEN_COUNT = 10_000;
    /** Field errors reported for text that cannot be stored; the rest are not listed. */
    static final int MAX_REPORTED = 10;

    private static final ObjectMapper BODIES = Json.configure(new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNameLength(MAX_NAME_LENGTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxTokenCount(MAX_TOKEN_COUNT)
                            .build())
                    .build()))
            // "{...} garbage" is not one JSON document.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** What each of Jackson's limit messages means, in our words: the limit's name, its value and a detail. */
    private record Limit(String messagePrefix, String name, long max, String detail) {}

    private static final Limit[] LIMITS = {
            new Limit("Document nesting depth", "nesting_depth", MAX_NESTING_DEPTH,
                    "the JSON nests deeper than " + MAX_NESTING_DEPTH + " levels"),
            new Limit("String value length", "string_length", MAX_STRING_LENGTH,
                    "a JSON string is longer than " + MAX_STRING_LENGTH + " characters"),
            new Limit("Name length", "name_length", MAX_NAME_LENGTH,
                    "a JSON field name is longer than " + MAX_NAME_LENGTH + " characters"),
            new Limit("Number value length", "number_length", MAX_NUMBER_LENGTH,
                    "a JSON number is longer than " + MAX_NUMBER_LENGTH + " characters"),
            new Limit("Token count", "token_count", MAX_TOKEN_COUNT,
                    "the JSON has more than " + MAX_TOKEN_COUNT + " tokens"),
    };

    private JsonBodies() {}

    public static <T> T read(Context ctx, Class<T> type) {
        requireJson(ctx);
        byte[] body = RequestBodies.bytes(ctx);
        if (body.length == 0) throw ProblemException.badRequest("malformed_json", "the request body is empty; send a JSON object");
        JsonNode tree;
        try {
            tree = BODIES.readTree(body);
        } catch (JsonProcessingException e) {
            throw unparsable(e);
        } catch (java.io.IOException e) {
            throw ProblemException.badRequest("malformed_json", "the request body cannot be read");
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw ProblemException.badRequest("malformed_json", "the request body is null; send a JSON object");
        }
        requireStorable(tree);
        if (type == JsonNode.class) return type.cast(tree);
        try {
            return BODIES.treeToValue(tree, type);
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "(body)" : e.getPathReference().replaceAll(".*\\[\"?([^\"\\]]*)\"?]$", "$1");
            throw new ProblemException(400, "malformed_json", "Bad Request", "field '" + field + "' has the wrong type or shape")
                    .with("field", field);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw ProblemException.badRequest("malformed_json", "the request body does not have the expected shape");
        }
    }

    public static JsonNode tree(Context ctx) {
        JsonNode node = read(ctx, JsonNode.class);
        if (!node.isObject()) throw ProblemException.badRequest("malformed_json", "the request body must be a JSON object");
        return node;
    }

    public static void requireJson(Context ctx) {
        String type = ctx.contentType();
        String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!base.equals("application/json") && !base.endsWith("+json")) {
            throw new ProblemException(415, "unsupported_media_type", "Unsupported Media Type",
                    "send the body as application/json" + (type == null ? "" : ", not " + base));
        }
    }

    /** A limit exceeded names the limit; a syntax error names where it is, when the parser knows. */
    private static ProblemException unparsable(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            for (Limit limit : LIMITS) {
                if (message.startsWith(limit.messagePrefix())) {
                    return ProblemException.badRequest("json_limit_exceeded", limit.detail())
                            .with("limit", limit.name()).with("max", limit.max());
                }
            }
            return ProblemException.badRequest("json_limit_exceeded", "the JSON exceeds a parser limit").with("limit", "other");
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return ProblemException.badRequest("malformed_json", "the request body is not valid JSON" + where);
    }

    /** 422 naming every string or field name (up to {@link #MAX_REPORTED}) Postgres could not store. */
    private static void requireStorable(JsonNode tree) {
        FieldErrors errors = new FieldErrors();
        collectUnstorable(tree, "", errors, new int[1]);
        errors.throwIfAny();
    }

    private static void collectUnstorable(JsonNode node, String path, FieldErrors errors, int[] reported) {
        if (reported[0] >= MAX_REPORTED) return;
        if (node.isTextual()) {
            report(node.textValue(), "", path.isEmpty() ? "(body)" : path, errors, reported);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) collectUnstorable(node.get(i), path + "[" + i + "]", errors, reported);
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                // A bad name is reported as such; its value is not looked at.
                if (!report(field.getKey(), "field name ", fieldPath, errors, reported)) {
                    collectUnstorable(field.getValue(), fieldPath, errors, reported);
                }
            }
        }
    }

    /** Adds the field error when {@code text} cannot be stored; true when it cannot. */
    private static boolean report(String text, String what, String field, FieldErrors errors, int[] reported) {
        String problem = StorableText.problem(text);
        if (problem == null) return false;
        if (reported[0] < MAX_REPORTED) {
            reported[0]++;
            errors.add(field, what + problem);
        }
        return true;
    }
}
