package io.streamgate.processors.coach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat-completions client against a local server that streams chunks as OpenAI does. */
class OpenAiCoachModelTest {
    HttpServer server;
    final AtomicReference<String> requestBody = new AtomicReference<>();
    final AtomicReference<String> authorization = new AtomicReference<>();

    static final CoachRequest REQUEST = new CoachRequest(UUID.randomUUID(), UUID.randomUUID(), "a fox", "emote", null, Instant.EPOCH);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** Serves {@code lines} as an event stream, flushing each; {@code abort} drops the connection after them. */
    void serve(int status, List<String> lines, boolean abort) {
        server.createContext("/v1/chat/completions", exchange -> {
            requestBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(status, abort ? 1_000_000 : 0);
            OutputStream out = exchange.getResponseBody();
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (abort) {
                exchange.getHttpContext().getServer(); // the declared length is never reached: the client sees a truncated body
                exchange.close();
                return;
            }
            out.close();
        });
    }

    OpenAiCoachModel model(String key) {
        return new OpenAiCoachModel(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions"),
                "test-model", key, Duration.ofSeconds(10), 321);
    }

    static String chunk(String content) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + Json.mapper().valueToTree(content) + "},\"finish_reason\":null}]}";
    }

    @Test
    void streamsEachDeltaAsATokenUntilDone() throws Exception {
        serve(200, List.of(": keep-alive", "", "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}", "",
                chunk("{\"refined_"), "", chunk("prompt\":\"a \\\"fox\\\"\","), "", chunk(""), "",
                "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}", "", "data: [DONE]", ""), false);
        List<String> tokens = new ArrayList<>();
        model("sk-test").generate(REQUEST, tokens::add);
        assertThat(tokens).containsExactly("{\"refined_", "prompt\":\"a \\\"fox\\\"\",");
        JsonNode body = Json.mapper().readTree(requestBody.get());
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("model").asText()).isEqualTo("test-model");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(321);
        assertThat(body.get("messages").get(1).get("content").asText()).contains("a fox").contains("emote");
        assertThat(authorization.get()).isEqualTo("Bearer sk-test");
    }

    @Test
    void aStreamThatBreaksOffMidwayFailsAfterTheTokensItDelivered() {
        serve(200, List.of(chunk("{\"refined_"), "", chunk("prompt\":"), ""), true);
        List<String> tokens = new ArrayList<>();
        assertThatThrownBy(() -> model(null).generate(REQUEST, tokens::add)).isInstanceOf(IOException.class);
        assertThat(tokens).containsExactly("{\"refined_", "prompt\":");
        assertThat(authorization.get()).as("no key configured, no header").isNull();
    }

    @Test
    void aStreamThatEndsWithoutDoneIsAFailure() {
        serve(200, List.of(chunk("{\"a\":"), ""), false);
        List<String> tokens = new ArrayList<>();
        assertThatThrownBy(() -> model(null).generate(REQUEST, tokens::add)).hasMessageContaining("before [DONE]");
        assertThat(tokens).containsExactly("{\"a\":");
    }

    @Test
    void theProvidersErrorTextIsLoggedWithTheKeyMaskedButNeverPutInTheException() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(OpenAiCoachModel.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            serve(401, List.of("{\"error\":{\"message\":\"Incorrect API key provided: sk-secret. MARKER-401\"}}"), false);
            assertThatThrownBy(() -> model("sk-secret").generate(REQUEST, t -> {})).hasMessageContaining("HTTP 401")
                    .hasMessageNotContaining("sk-secret").hasMessageNotContaining("MARKER-401");
            server.removeContext("/v1/chat/completions");
            serve(200, List.of(chunk("{"), "", "data: {\"error\":{\"message\":\"overloaded MARKER-CHUNK\"}}", ""), false);
            assertThatThrownBy(() -> model(null).generate(REQUEST, t -> {})).hasMessageNotContaining("MARKER-CHUNK");
            server.removeContext("/v1/chat/completions");
            serve(500, List.of("x".repeat(50_000) + "MARKER-LATE"), false);
            assertThatThrownBy(() -> model(null).generate(REQUEST, t -> {})).hasMessageContaining("HTTP 500");
        } finally {
            logger.detachAppender(logged);
        }
        List<String> lines = logged.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("MARKER-401").contains(REQUEST.sessionId().toString()).doesNotContain("sk-secret"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("MARKER-CHUNK"));
        assertThat(lines).as("a huge error body is cut").allSatisfy(l -> assertThat(l).doesNotContain("MARKER-LATE")
                .hasSizeLessThan(OpenAiCoachModel.MAX_LOGGED_CHARS + 200));
    }

    @Test
    void finishReasonLengthIsTheTokenLimit() {
        serve(200, List.of(chunk("{\"refined_"), "", "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"prompt\"},\"finish_reason\":\"length\"}]}",
                "", "data: [DONE]", ""), false);
        List<String> tokens = new ArrayList<>();
        assertThatThrownBy(() -> model(null).generate(REQUEST, tokens::add)).isInstanceOf(CoachModel.TokenLimitReached.class);
        assertThat(tokens).as("the text up to the cut stays").containsExactly("{\"refined_", "prompt");
    }
}
