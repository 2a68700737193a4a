package io.streamgate.processors.coach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgate.schemas.coach.CoachRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * An OpenAI-compatible chat-completions client with {@code stream: true}: each
 * {@code data: {...}} server-sent chunk's {@code choices[0].delta.content} is one token;
 * {@code data: [DONE]} ends the answer. A stream that ends without {@code [DONE]}, a non-2xx
 * status or an {@code error} chunk is a failure (the tokens already produced stay). The API
 * key is sent as a Bearer token and never logged.
 */
public final class OpenAiCoachModel implements CoachModel {
    static final String SYSTEM_PROMPT = "You are a prompt coach for creators' visual assets (thumbnails, overlays, emotes, banners). "
            + "Improve the user's image prompt. Check subject, style, colours, mood, composition and text against the brand kit. "
            + "Answer ONLY with a JSON object: {\"refined_prompt\": string, \"tips\": string[], \"missing_details\": string[], "
            + "\"confidence\": number between 0 and 1}. No markdown, no prose outside the object.";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http;
    private final URI url;
    private final String model;
    private final String apiKey;
    private final Duration timeout;

    public OpenAiCoachModel(HttpClient http, URI url, String model, String apiKey, Duration timeout) {
        this.http = http;
        this.url = url;
        this.model = model;
        this.apiKey = apiKey;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "openai:" + model;
    }

    @Override
    public void generate(CoachRequest request, TokenSink sink) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body(request))));
        if (apiKey != null && !apiKey.isBlank()) builder.header("Authorization", "Bearer " + apiKey);
        HttpResponse<Stream<String>> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw new IOException("the model endpoint answered HTTP " + response.statusCode());
            }
            Iterator<String> it = lines.iterator();
            while (hasNext(it)) {
                String line = it.next();
                if (!line.startsWith("data:")) continue; // comments, event names, blank separators
                String data = line.substring(5).trim();
                if (data.equals("[DONE]")) return;
                JsonNode chunk = MAPPER.readTree(data);
                if (chunk.hasNonNull("error")) {
                    throw new IOException("the model reported an error: " + chunk.path("error").path("message").asText("unknown"));
                }
                JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
                if (content.isTextual() && !content.asText().isEmpty()) sink.token(content.asText());
            }
        }
        throw new IOException("the model stream ended before [DONE]");
    }

    /** The body's line stream reports a broken connection as UncheckedIOException; surface the IOException. */
    private static boolean hasNext(Iterator<String> it) throws IOException {
        try {
            return it.hasNext();
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("the model stream broke off: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private ObjectNode body(CoachRequest request) throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", model);
        body.put("stream", true);
        body.putObject("response_format").put("type", "json_object");
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
        ObjectNode user = MAPPER.createObjectNode();
        user.put("asset_type", request.assetType());
        user.put("prompt", request.prompt());
        if (request.brandKit() != null) user.set("brand_kit", io.streamgate.schemas.Json.mapper().valueToTree(request.brandKit()));
        messages.addObject().put("role", "user").put("content", MAPPER.writeValueAsString(user));
        return body;
    }
}
