package io.streamgate.platform.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.javalin.http.Context;
import io.streamgate.schemas.Json;

/**
 * Reads JSON request bodies the one way: {@code application/json} (or {@code +json}) or 415;
 * malformed JSON or a wrong shape is a 400 problem naming where; bodies over the edge's limit
 * are 413 before they are read.
 */
public final class JsonBodies {
    private JsonBodies() {}

    public static <T> T read(Context ctx, Class<T> type) {
        requireJson(ctx);
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) throw ProblemException.badRequest("malformed_json", "the request body is empty; send a JSON object");
        try {
            T value = Json.mapper().readValue(body, type);
            if (value == null) throw ProblemException.badRequest("malformed_json", "the request body is null; send a JSON object");
            return value;
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "(body)" : e.getPathReference().replaceAll(".*\\[\"?([^\"\\]]*)\"?]$", "$1");
            throw new ProblemException(400, "malformed_json", "Bad Request", "field '" + field + "' has the wrong type or shape")
                    .with("field", field);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("malformed_json", "the request body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (java.io.IOException e) {
            throw ProblemException.badRequest("malformed_json", "the request body cannot be read");
        }
    }

    public static JsonNode tree(Context ctx) {
        JsonNode node = read(ctx, JsonNode.class);
        if (!node.isObject()) throw ProblemException.badRequest("malformed_json", "the request body must be a JSON object");
        return node;
    }

    public static void requireJson(Context ctx) {
        String type = ctx.contentType();
        String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase();
        if (!base.equals("application/json") && !base.endsWith("+json")) {
            throw new ProblemException(415, "unsupported_media_type", "Unsupported Media Type",
                    "send the body as application/json" + (type == null ? "" : ", not " + base));
        }
    }
}
