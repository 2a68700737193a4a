package io.streamgate.processors.coach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgate.schemas.coach.CoachRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible chat-completions client with {@code stream: true}: each
 * {@code data: {...}} server-sent chunk's {@code choices[0].delta.content} is one token;
 * {@code data: [DONE]} ends the answer. A stream that ends without {@code [DONE]}, a non-2xx
 * status or an {@code error} chunk is a failure (the tokens already produced stay);
 * {@code finish_reason: "length"} is {@link TokenLimitReached}. Every request carries
 * {@code max_tokens}. The API key is sent as a Bearer token and never logged.
 *
 * <p>The provider's own error text (an error status's body, an {@code error} chunk) is logged
 * here with the session id, cut to {@link #MAX_LOGGED_CHARS} and with the API key masked should
 * the provider echo it; the exception thrown names only the status, because exception messages
 * travel on towards the session's record and the provider's text must not.
 */
public final class OpenAiCoachModel implements CoachModel {
    private static final Logger log = LoggerFactory.getLogger(OpenAiCoachModel.class);
    static final int MAX_LOGGED_CHARS = 1000;

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
    private final int maxTokens;

    public OpenAiCoachModel(HttpClient http, URI url, String model, String apiKey, Duration timeout, int maxTokens) {
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be positive");
        this.http = http;
        this.url = url;
        this.model = model;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.maxTokens = maxTokens;
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
        HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                log.warn("coach session {}: the model endpoint answered HTTP {}: {}", request.sessionId(), response.statusCode(),
                        loggable(head(body)));
                throw new IOException("the model endpoint answered HTTP " + response.statusCode());
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String line;
            while ((line = readLine(lines)) != null) {
                if (!line.startsWith("data:")) continue; // comments, event names, blank separators
                String data = line.substring(5).trim();
                if (data.equals("[DONE]")) return;
                JsonNode chunk = MAPPER.readTree(data);
                if (chunk.hasNonNull("error")) {
                    log.warn("coach session {}: the model reported an error: {}", request.sessionId(), loggable(chunk.get("error").toString()));
                    throw new IOException("the model reported an error in its stream");
                }
                JsonNode choice = chunk.path("choices").path(0);
                JsonNode content = choice.path("delta").path("content");
                if (content.isTextual() && !content.asText().isEmpty()) sink.token(content.asText());
                if ("length".equals(choice.path("finish_reason").asText(null))) throw new TokenLimitReached(maxTokens);
            }
        }
        throw new IOException("the model stream ended before [DONE]");
    }

    /** The start of an error body: enough to diagnose, never the whole of an arbitrarily large answer. */
    private static String head(InputStream body) {
        try {
            return new String(body.readNBytes(MAX_LOGGED_CHARS * 4), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "[the body could not be read: " + e.getMessage() + "]";
        }
    }

    private static String readLine(BufferedReader lines) throws IOException {
        try {
            return lines.readLine();
        } catch (IOException e) {
            throw new IOException("the model stream broke off: " + e.getMessage(), e);
        }
    }

    /** Provider text made safe for a log line: the API key masked, control characters dropped, length capped. */
    String loggable(String providerText) {
        String text = providerText;
        if (apiKey != null && !apiKey.isBlank()) text = text.replace(apiKey, "[api key]");
        text = text.replaceAll("\\p{Cntrl}", " ");
        return text.length() > MAX_LOGGED_CHARS ? text.substring(0, MAX_LOGGED_CHARS) + "…" : text;
    }

    private ObjectNode body(CoachRequest request) throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", model);
        body.put("stream", true);
        body.put("max_tokens", maxTokens);
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
