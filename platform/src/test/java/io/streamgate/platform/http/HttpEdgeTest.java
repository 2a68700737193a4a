package io.streamgate.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/** The HTTP edge on a real Jetty, called with a real HTTP client. */
class HttpEdgeTest {
    static final EdgeFixture edge = new EdgeFixture();
    static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void stop() {
        edge.close();
    }

    // ---- security headers on every kind of response ----

    static Stream<Arguments> everyKindOfResponse() {
        return Stream.of(
                Arguments.of("200 JSON", get("/t/small"), 200),
                Arguments.of("200 compressed", get("/t/large").header("Accept-Encoding", "gzip, br"), 200),
                Arguments.of("404 unknown path", get("/t/nothing-here"), 404),
                Arguments.of("405 wrong method", request("/t/small").DELETE(), 405),
                Arguments.of("413 body too large", request("/t/echo").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200 * 1024])), 413),
                Arguments.of("415 not JSON", request("/t/json").header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("hi")), 415),
                Arguments.of("400 malformed JSON", request("/t/json").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{nope")), 400),
                Arguments.of("500 unhandled exception", get("/t/boom"), 500),
                Arguments.of("503 problem thrown", get("/t/unavailable"), 503),
                Arguments.of("503 status set", get("/t/set-503"), 503),
                Arguments.of("CORS preflight", request("/t/echo").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", EdgeFixture.ALLOWED_ORIGIN).header("Access-Control-Request-Method", "POST"), null),
                Arguments.of("text/event-stream", get("/t/events").header("Accept", "text/event-stream")
                        .header("Accept-Encoding", "gzip"), 200),
                Arguments.of("HTML page", get("/t/page"), 200),
                Arguments.of("/health/live", get("/health/live"), 200),
                Arguments.of("/metrics", get("/metrics"), 200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKindOfResponse")
    void everyResponseCarriesTheSecurityHeaders(String kind, HttpRequest.Builder request, Integer status) throws Exception {
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());

        if (status != null) assertThat(response.statusCode()).as(kind).isEqualTo(status);
        var h = response.headers();
        assertThat(h.firstValue("Content-Security-Policy")).as(kind).isPresent();
        assertThat(h.firstValue("Content-Security-Policy").orElseThrow()).as(kind)
                .contains("default-src 'none'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(h.firstValue("Strict-Transport-Security")).as(kind).hasValue("max-age=31536000; includeSubDomains");
        assertThat(h.firstValue("X-Content-Type-Options")).as(kind).hasValue("nosniff");
        assertThat(h.firstValue("X-Frame-Options")).as(kind).hasValue("DENY");
        assertThat(h.firstValue("Referrer-Policy")).as(kind).hasValue("no-referrer");
        assertThat(h.firstValue("Permissions-Policy").orElse("")).as(kind).contains("camera=()").contains("geolocation=()").contains("microphone=()");
        assertThat(h.firstValue("Cross-Origin-Opener-Policy")).as(kind).hasValue("same-origin");
        assertThat(h.firstValue("Cross-Origin-Resource-Policy")).as(kind).hasValue("same-origin");
        assertThat(h.firstValue("X-Permitted-Cross-Domain-Policies")).as(kind).hasValue("none");
        assertThat(h.firstValue("Cache-Control")).as(kind).hasValue("no-store");
        assertThat(h.firstValue("X-Request-Id")).as(kind).isPresent();
        assertThat(h.firstValue("Server")).as(kind).isEmpty();
        assertThat(h.firstValue("X-Powered-By")).as(kind).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKindOfResponse")
    void everyErrorIsAProblemDocumentWithTheRequestId(String kind, HttpRequest.Builder request, Integer status) throws Exception {
        assumeTrue(status != null && status >= 400);
        HttpResponse<String> response = client.send(request.header("X-Request-Id", "req-" + status).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(kind).startsWith("application/problem+json");
        JsonNode problem = Json.mapper().readTree(response.body());
        assertThat(problem.get("status").asInt()).as(kind).isEqualTo(status);
        assertThat(problem.get("type").asText()).as(kind).isNotBlank();
        assertThat(problem.get("title").asText()).as(kind).isNotBlank();
        assertThat(problem.get("request_id").asText()).as(kind).isEqualTo("req-" + status);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestsJettyRefusesItself")
    void errorsJettyAnswersBeforeJavalinCarryTheHeadersToo(String kind, String rawRequest, int status) throws Exception {
        String response;
        try (var socket = new java.net.Socket("127.0.0.1", edge.app.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(rawRequest.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        String head = response.split("\r\n\r\n", 2)[0].toLowerCase(java.util.Locale.ROOT);
        assertThat(head).as(kind).startsWith("http/1.1 " + status);
        for (String header : SecurityHeaders.API_HEADERS.keySet()) assertThat(head).as(kind).contains(header.toLowerCase(java.util.Locale.ROOT) + ": ");
        assertThat(head).as(kind).contains("content-type: application/problem+json").doesNotContain("\r\nserver:");
    }

    static Stream<Arguments> requestsJettyRefusesItself() {
        return Stream.of(
                Arguments.of("431 headers too large", "GET /t/small HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000)
                        + "\r\nConnection: close\r\n\r\n", 431),
                Arguments.of("400 malformed URI", "GET /t/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400),
                Arguments.of("400 no Host header", "GET /t/small HTTP/1.1\r\nConnection: close\r\n\r\n", 400),
                Arguments.of("431 on PATCH", "PATCH /t/small HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000)
                        + "\r\nConnection: close\r\n\r\n", 431),
                Arguments.of("400 bad Content-Length on DELETE", "DELETE /t/small HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1"
                        + "\r\nConnection: close\r\n\r\n", 400));
    }

    @Test
    void anUnhandledErrorNeverLeaksItsMessage() throws Exception {
        HttpResponse<String> response = client.send(get("/t/boom").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("kaboom").doesNotContain("IllegalStateException");
    }

    @Test
    void aProblemsHeadersAreSent() throws Exception {
        HttpResponse<String> response = client.send(get("/t/unavailable").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(Json.mapper().readTree(response.body()).get("type").asText()).isEqualTo("dependency_down");
    }

    @Test
    void anHtmlPageGetsItsOwnStrictPolicy() throws Exception {
        HttpResponse<String> response = client.send(get("/t/page").build(), HttpResponse.BodyHandlers.ofString());
        String csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).isEqualTo(SecurityHeaders.HTML_CSP).contains("script-src 'self'").doesNotContain("unsafe");
        assertThat(response.headers().allValues("Content-Security-Policy")).hasSize(1);
    }

    // ---- compression ----

    @Test
    void largeResponsesAreGzippedAndDecodeToTheSameBytes() throws Exception {
        byte[] plain = client.send(get("/t/large").build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        HttpResponse<byte[]> zipped = client.send(get("/t/large").header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(plain.length).isGreaterThan(EdgeFixture.MIN_BYTES);
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("Vary").orElse("")).containsIgnoringCase("Accept-Encoding");
        assertThat(zipped.body().length).isLessThan(plain.length / 2);
        assertThat(gunzip(zipped.body())).isEqualTo(plain);
    }

    @Test
    void brotliIsPreferredWhenItsNativeLibraryLoads() throws Exception {
        assumeTrue(HttpEdge.brotliAvailable(), "brotli4j's native library does not load on this machine");
        byte[] plain = client.send(get("/t/large").build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        HttpResponse<byte[]> compressed = client.send(get("/t/large").header("Accept-Encoding", "gzip, deflate, br").build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(compressed.headers().firstValue("Content-Encoding")).hasValue("br");
        assertThat(compressed.body().length).isLessThan(plain.length / 2);
        assertThat(com.aayushatharva.brotli4j.decoder.Decoder.decompress(compressed.body()).getDecompressedData()).isEqualTo(plain);
    }

    @Test
    void compressionUsesTheConfiguredLevel() {
        var config = new HttpConfig("127.0.0.1", 0, java.util.List.of(), 2048, 3, 1024 * 1024, null, null);
        var strategy = HttpEdge.compression(config);
        assertThat(strategy.getDefaultMinSizeForCompression()).isEqualTo(2048);
        assertThat(strategy.getCompressors()).isNotEmpty().allSatisfy(c -> {
            if (c instanceof io.javalin.compression.GzipCompressor g) assertThat(g.getLevel()).isEqualTo(3);
            if (c instanceof io.javalin.compression.Brotli4jCompressor b) assertThat(b.getLevel()).isEqualTo(3);
        });
        assertThat(strategy.getExcludedMimeTypes()).contains("text/event-stream");
    }

    @Test
    void smallResponsesAreSentAsTheyAre() throws Exception {
        for (String path : new String[] {"/t/small", "/t/just-below"}) {
            HttpResponse<byte[]> response = client.send(get(path).header("Accept-Encoding", "gzip, br").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.headers().firstValue("Content-Encoding")).as(path).isEmpty();
            assertThat(response.body().length).as(path).isLessThan(EdgeFixture.MIN_BYTES);
            Json.mapper().readTree(response.body()); // plain JSON
        }
    }

    @Test
    void eventStreamsAreNeverCompressed() throws Exception {
        HttpResponse<String> response = client.send(get("/t/events").header("Accept", "text/event-stream")
                .header("Accept-Encoding", "gzip, br").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(response.body()).contains("event: token").contains("id: 1").contains("\"v\":\"streamgate\"");
        assertThat(response.body().length()).isGreaterThan(EdgeFixture.MIN_BYTES * 3);
    }

    // ---- CORS ----

    @Test
    void anAllowedOriginGetsCorsHeadersWithCredentials() throws Exception {
        HttpResponse<String> response = client.send(get("/t/small").header("Origin", EdgeFixture.ALLOWED_ORIGIN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(EdgeFixture.ALLOWED_ORIGIN);
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElse("")).containsIgnoringCase("X-Request-Id");
        assertThat(response.headers().firstValue("Vary").orElse("")).containsIgnoringCase("Origin");
    }

    @Test
    void aRefusedOriginIsNeverReflected() throws Exception {
        for (String origin : new String[] {"https://evil.example.com", "https://app.example.com.evil.io", "null", "http://app.example.com"}) {
            HttpResponse<String> response = client.send(get("/t/small").header("Origin", origin).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).as(origin).isEmpty();
            assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).as(origin).isEmpty();
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(origin).isPresent();
        }
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnswered() throws Exception {
        HttpResponse<String> response = client.send(request("/t/echo").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", EdgeFixture.ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, authorization").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isBetween(200, 204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(EdgeFixture.ALLOWED_ORIGIN);
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase(java.util.Locale.ROOT))
                .contains("content-type").contains("authorization");
        assertThat(response.headers().firstValue("Strict-Transport-Security")).isPresent();
    }

    @Test
    void aPreflightFromARefusedOriginGetsNoCorsHeaders() throws Exception {
        HttpResponse<String> response = client.send(request("/t/echo").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.com")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
    }

    // ---- request ids ----

    @Test
    void aWellFormedRequestIdIsEchoed() throws Exception {
        HttpResponse<String> response = client.send(get("/t/small").header("X-Request-Id", "abc-123.def:9").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("abc-123.def:9");
    }

    @Test
    void aMalformedOrMissingRequestIdIsReplacedByAGeneratedOne() throws Exception {
        HttpResponse<String> bad = client.send(get("/t/small").header("X-Request-Id", "<script>alert(1)</script>").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> none = client.send(get("/t/small").build(), HttpResponse.BodyHandlers.ofString());
        String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
        assertThat(bad.headers().firstValue("X-Request-Id").orElseThrow()).matches(uuid);
        assertThat(none.headers().firstValue("X-Request-Id").orElseThrow()).matches(uuid)
                .isNotEqualTo(bad.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void theRequestIdIsInTheLogsContext() throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger("http.access");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        access.addAppender(appender);
        try {
            client.send(get("/t/small").header("X-Request-Id", "log-me-42").build(), HttpResponse.BodyHandlers.ofString());
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(appender.list)
                    .anySatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("request_id", "log-me-42")));
        } finally {
            access.detachAppender(appender);
        }
    }

    @Test
    void bodiesWithinTheLimitAreAccepted() throws Exception {
        HttpResponse<String> response = client.send(request("/t/echo").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[32 * 1024])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readValue(response.body(), Map.class)).containsEntry("bytes", 32 * 1024);
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(edge.url(path))).timeout(Duration.ofSeconds(10));
    }

    static HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    static byte[] gunzip(byte[] bytes) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
