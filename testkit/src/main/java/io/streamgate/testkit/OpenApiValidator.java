package io.streamgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.streamgate.platform.http.OpenApiDocument;
import io.streamgate.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks an HTTP response against the OpenAPI document ({@link OpenApiDocument}): its status
 * is one the operation declares (an error status may fall to the operation's {@code default},
 * which is how the edge's own problems are documented; a success status may not), its content
 * type is one declared for that status (none when none is), and a JSON body validates against
 * the declared schema. The schemas are JSON Schema 2020-12 (OpenAPI 3.1), so the validator the
 * topics use (networknt) checks them, with the document's components in scope for {@code $ref}.
 * The API and auth test clients call {@link #require} on every response they see, which is what
 * keeps the document from drifting from the code.
 */
public final class OpenApiValidator {
    private static final JsonNode DOCUMENT = read();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();
    private static final List<Template> TEMPLATES = templates();
    private static final Map<String, JsonNode> EVENTS = events();

    private record Template(String path, Pattern pattern, int parameters) {}

    private OpenApiValidator() {}

    /** Fails (AssertionError) naming every way {@code response} departs from the document. */
    public static <T> HttpResponse<T> require(HttpResponse<T> response) {
        List<String> problems = problems(response);
        if (!problems.isEmpty()) {
            HttpRequest request = response.request();
            throw new AssertionError("the response to " + request.method() + " " + request.uri().getRawPath() + " ("
                    + response.statusCode() + ") does not match openapi.json:\n  " + String.join("\n  ", problems));
        }
        return response;
    }

    /** The ways {@code response} departs from the document; empty when it matches. */
    public static List<String> problems(HttpResponse<?> response) {
        HttpRequest request = response.request();
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        Object raw = response.body();
        String body = raw instanceof String s ? s
                : raw instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : null;
        // A compressed body is checked for status and content type only.
        if (response.headers().firstValue("Content-Encoding").isPresent()) body = null;
        return problems(request.method(), request.uri().getRawPath(), response.statusCode(), contentType, body);
    }

    /** As {@link #problems(HttpResponse)}; {@code body} null when not checked (streamed or compressed). */
    public static List<String> problems(String method, String path, int status, String contentType, String body) {
        // HEAD answers as GET without a body; OPTIONS is CORS preflight, which the edge answers.
        if (method.equals("HEAD") || method.equals("OPTIONS")) return List.of();
        List<String> problems = new ArrayList<>();
        Template template = template(path);
        JsonNode operation = template == null ? null : DOCUMENT.get("paths").get(template.path()).get(method.toLowerCase(Locale.ROOT));
        JsonNode response;
        String where;
        if (operation == null) {
            // No such route: the edge's 404 (or 405 for another method), a problem like any other.
            if (status != 404 && status != 405) {
                return List.of("no operation " + method + " " + (template == null ? path : template.path()) + " in the document");
            }
            response = resolve(DOCUMENT.get("components").get("responses").get("Problem"));
            where = "#/components/responses/Problem";
        } else {
            JsonNode responses = operation.get("responses");
            String key = Integer.toString(status);
            if (!responses.has(key) && status >= 400 && responses.has("default")) key = "default";
            if (!responses.has(key)) {
                return List.of("status " + status + " is not declared for " + method + " " + template.path());
            }
            response = resolve(responses.get(key));
            where = method + " " + template.path() + " " + key;
        }
        JsonNode content = response.get("content");
        String mediaType = contentType == null ? null : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (content == null || content.isEmpty()) {
            if (body != null && !body.isEmpty()) problems.add(where + " declares no body, but one was sent (" + contentType + ")");
            return problems;
        }
        if (mediaType == null || !content.has(mediaType)) {
            List<String> declared = new ArrayList<>();
            content.fieldNames().forEachRemaining(declared::add);
            problems.add(where + ": content type " + contentType + " is not one of " + declared);
            return problems;
        }
        JsonNode schema = content.get(mediaType).get("schema");
        if (schema == null || body == null || !(mediaType.equals("application/json") || mediaType.endsWith("+json"))) return problems;
        String id = where + " " + mediaType;
        Schema compiled = SCHEMAS.computeIfAbsent(id, k -> compile(schema));
        for (Error error : compiled.validate(body, InputFormat.JSON)) problems.add(where + ": " + error);
        return problems;
    }

    /**
     * Fails unless {@code data} is what the document's {@code x-sse-events} declares for an event
     * named {@code name} (an event stream's events, which a response schema cannot describe).
     */
    public static void requireEvent(String name, String data) {
        JsonNode schema = EVENTS.get(name);
        if (schema == null) throw new AssertionError("event " + name + " is not declared in openapi.json's x-sse-events");
        Schema compiled = SCHEMAS.computeIfAbsent("event " + name, k -> compile(schema));
        List<Error> errors = compiled.validate(data, InputFormat.JSON);
        if (!errors.isEmpty()) throw new AssertionError("event " + name + " does not match openapi.json: " + errors + "\n  " + data);
    }

    /** The document's paths and methods, as {@code "GET /v1/brand-kits"}. */
    public static List<String> operations() {
        List<String> out = new ArrayList<>();
        DOCUMENT.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (List.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(op.getKey())) {
                out.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return out;
    }

    /** The response schema with the document's components beside it, so its {@code #/components/...} refs resolve. */
    private static Schema compile(JsonNode schema) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", DOCUMENT.get("components"));
        root.putArray("allOf").add(schema);
        return REGISTRY.getSchema(root.toString(), InputFormat.JSON);
    }

    private static JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) throw new IllegalStateException("only local refs are expected, not " + ref);
            node = DOCUMENT.at(ref.substring(1));
        }
        return node;
    }

    /** The most specific path template matching {@code path}: literal segments win over parameters. */
    private static Template template(String path) {
        return TEMPLATES.stream().filter(t -> t.pattern().matcher(path).matches()).min(Comparator.comparingInt(Template::parameters))
                .orElse(null);
    }

    private static List<Template> templates() {
        List<Template> out = new ArrayList<>();
        for (Iterator<String> it = DOCUMENT.get("paths").fieldNames(); it.hasNext();) {
            String path = it.next();
            StringBuilder regex = new StringBuilder();
            int parameters = 0;
            for (String part : path.split("(?=\\{)|(?<=\\})")) {
                if (part.startsWith("{")) {
                    regex.append("[^/]+");
                    parameters++;
                } else {
                    regex.append(Pattern.quote(part));
                }
            }
            out.add(new Template(path, Pattern.compile(regex.toString()), parameters));
        }
        return out;
    }

    private static Map<String, JsonNode> events() {
        Map<String, JsonNode> out = new java.util.HashMap<>();
        DOCUMENT.get("paths").forEach(path -> path.forEach(operation -> {
            JsonNode events = operation.get("x-sse-events");
            if (events != null) events.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        }));
        return out;
    }

    private static JsonNode read() {
        try {
            return Json.mapper().readTree(OpenApiDocument.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
