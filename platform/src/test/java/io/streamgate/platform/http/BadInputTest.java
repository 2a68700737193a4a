package io.streamgate.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.Component;
import io.streamgate.platform.health.Health;
import io.streamgate.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input at the edge, on a real Jetty: JSON parser limits and syntax errors are 400
 * problems naming the limit or the place, text Postgres cannot store is a 422 naming the
 * field (in bodies, query and path parameters), and a body that stalls or ends early is a 4xx,
 * never a 500 and never a thread held past the idle timeout.
 */
class BadInputTest {
    static final Duration IDLE = Duration.ofSeconds(1);
    static final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    static final Javalin app = HttpEdge.create(new HttpConfig("127.0.0.1", 0, List.of(), 1024, 6, 1 << 20, null, null, IDLE, TrustedProxies.none(), AdmissionConfig.defaults()),
            metrics, new Health(), List.of(new Routes())).start();
    static final HttpClient client = HttpClient.newHttpClient();

    record Credentials(String email, String password) {}

    static final class Routes implements Component {
        @Override
        public void http(JavalinConfig config) {
            config.routes.post("/t/typed", ctx -> ctx.json(JsonBodies.read(ctx, Credentials.class)));
            config.routes.post("/t/tree", ctx -> ctx.json(JsonBodies.tree(ctx)));
            config.routes.post("/t/bytes", ctx -> ctx.json(Map.of("bytes", RequestBodies.bytes(ctx).length)));
            config.routes.get("/t/items/{id}", ctx -> ctx.json(Map.of("id", ctx.pathParam("id"))));
            config.routes.get("/t/query", ctx -> ctx.json(ctx.queryParamMap()));
        }
    }

    @AfterAll
    static void stop() {
        app.stop();
        metrics.close();
    }

    // ---- parser limits ----

    @Test
    void deepNestingIsRefusedNamingTheLimit() throws Exception {
        for (String deep : new String[] {"[".repeat(100_000) + "]".repeat(100_000), "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)}) {
            JsonNode problem = problem(post("/t/tree", deep), 400);
            assertThat(problem.get("type").asText()).isEqualTo("json_limit_exceeded");
            assertThat(problem.get("limit").asText()).isEqualTo("nesting_depth");
            assertThat(problem.get("max").asInt()).isEqualTo(JsonBodies.MAX_NESTING_DEPTH);
            assertThat(problem.get("detail").asText()).contains("deeper than " + JsonBodies.MAX_NESTING_DEPTH);
        }
        String atTheLimit = "{\"a\":" + "[".repeat(JsonBodies.MAX_NESTING_DEPTH - 1) + "]".repeat(JsonBodies.MAX_NESTING_DEPTH - 1) + "}";
        assertThat(post("/t/tree", atTheLimit).statusCode()).isEqualTo(200);
        String overTheLimit = "{\"a\":" + "[".repeat(JsonBodies.MAX_NESTING_DEPTH) + "]".repeat(JsonBodies.MAX_NESTING_DEPTH) + "}";
        assertThat(problem(post("/t/tree", overTheLimit), 400).get("limit").asText()).isEqualTo("nesting_depth");
    }

    @Test
    void longStringsNamesAndNumbersAndTooManyTokensAreRefusedNamingTheLimit() throws Exception {
        assertLimit("{\"a\":\"" + "x".repeat(JsonBodies.MAX_STRING_LENGTH + 1) + "\"}", "string_length", JsonBodies.MAX_STRING_LENGTH);
        assertLimit("{\"" + "k".repeat(JsonBodies.MAX_NAME_LENGTH + 1) + "\":1}", "name_length", JsonBodies.MAX_NAME_LENGTH);
        assertLimit("{\"a\":" + "9".repeat(JsonBodies.MAX_NUMBER_LENGTH + 1) + "}", "number_length", JsonBodies.MAX_NUMBER_LENGTH);
        assertLimit("{\"a\":[" + "0,".repeat((int) JsonBodies.MAX_TOKEN_COUNT) + "0]}", "token_count", JsonBodies.MAX_TOKEN_COUNT);

        assertThat(post("/t/tree", "{\"a\":\"" + "x".repeat(4000) + "\",\"n\":" + "9".repeat(19) + "}").statusCode()).isEqualTo(200);
    }

    @Test
    void aSyntaxErrorNamesWhereItIs() throws Exception {
        JsonNode problem = problem(post("/t/typed", "{\"email\": \"a@b.c\",\n \"password\": }"), 400);
        assertThat(problem.get("type").asText()).isEqualTo("malformed_json");
        assertThat(problem.get("detail").asText()).contains("line 2");
    }

    @Test
    void trailingContentAfterTheDocumentIsRefused() throws Exception {
        assertThat(problem(post("/t/typed", "{\"email\":\"a@b.c\"} {\"email\":\"x\"}"), 400).get("type").asText()).isEqualTo("malformed_json");
    }

    @Test
    void rawControlBytesAndInvalidUtf8AreMalformedJson() throws Exception {
        byte[] nulByte = "{\"email\":\"a\u0000b\"}".getBytes(StandardCharsets.UTF_8);
        byte[] notUtf8 = {'{', '"', 'e', 'm', 'a', 'i', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
        for (byte[] body : new byte[][] {nulByte, notUtf8}) {
            assertThat(problem(post("/t/typed", body), 400).get("type").asText()).isEqualTo("malformed_json");
        }
    }

    // ---- text Postgres cannot store ----

    @Test
    void nulInABodyIsA422NamingTheField() throws Exception {
        JsonNode problem = problem(post("/t/typed", "{\"email\":\"a@b.c\",\"password\":\"pass\\u0000word\"}"), 422);
        assertThat(problem.get("type").asText()).isEqualTo("validation_failed");
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("password");
        assertThat(problem.get("errors").get(0).get("message").asText()).contains("U+0000");

        JsonNode nested = problem(post("/t/tree", "{\"kit\":{\"colors\":[\"#ffffff\",\"\\u0000\"]},\"name\":\"ok\"}"), 422);
        assertThat(nested.get("errors")).hasSize(1);
        assertThat(nested.get("errors").get(0).get("field").asText()).isEqualTo("kit.colors[1]");
    }

    @Test
    void anUnpairedSurrogateIsA422AndAPairIsText() throws Exception {
        for (String lone : new String[] {"\\ud800", "\\udc00", "a\\ud83d"}) {
            JsonNode problem = problem(post("/t/typed", "{\"email\":\"" + lone + "\"}"), 422);
            assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("email");
            assertThat(problem.get("errors").get(0).get("message").asText()).contains("unpaired surrogate");
        }
        HttpResponse<String> emoji = post("/t/typed", "{\"email\":\"\\ud83d\\ude00\"}");
        assertThat(emoji.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(emoji.body()).get("email").asText()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void aFieldNameThatCannotBeStoredIsNamedAsSuch() throws Exception {
        JsonNode problem = problem(post("/t/tree", "{\"na\\u0000me\":\"x\"}"), 422);
        assertThat(problem.get("errors").get(0).get("message").asText()).startsWith("field name contains U+0000");
    }

    @Test
    void aBodyFullOfNulsListsABoundedNumberOfFields() throws Exception {
        String body = "{\"a\":[" + "\"\\u0000\",".repeat(1000) + "\"x\"]}";
        assertThat(problem(post("/t/tree", body), 422).get("errors")).hasSize(JsonBodies.MAX_REPORTED);
    }

    @Test
    void queryParametersMustBeStorableUtf8() throws Exception {
        for (String query : new String[] {"q=%00", "q=a%C3%28", "q=%E2%82", "q=%ED%A0%80"}) {
            JsonNode problem = problem(get("/t/query?" + query), 422);
            assertThat(problem.get("type").asText()).as(query).isEqualTo("validation_failed");
            assertThat(problem.get("errors").get(0).get("field").asText()).as(query).isEqualTo("q");
        }
        // A broken escape, which no HTTP client library sends, and which Javalin alone would drop.
        String answer = raw("GET /t/query?q=%zz&r=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", false);
        assertThat(answer).startsWith("HTTP/1.1 422").contains("\"field\":\"q\"");
        HttpResponse<String> euro = get("/t/query?q=%E2%82%AC+%2B&r=plain");
        assertThat(euro.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(euro.body()).get("q").get(0).asText()).isEqualTo("\u20ac +");
    }

    @Test
    void pathParametersMustBeStorable() throws Exception {
        HttpResponse<String> response = get("/t/items/a%00b");
        assertThat(response.statusCode()).isBetween(400, 499);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith(Problem.CONTENT_TYPE);
        if (response.statusCode() == 422) {
            assertThat(Json.mapper().readTree(response.body()).get("errors").get(0).get("field").asText()).isEqualTo("id");
        }
    }

    @Test
    void aConnectionTheEdgeClosesAfterARefusedRequestSaysSo() throws Exception {
        // A keep-alive request Jetty refuses before Javalin: the edge closes the connection after
        // answering, so the answer must say "Connection: close", or the client's pool sends the
        // next request into the closed socket.
        String answer = raw("GET /t/items/a%00b HTTP/1.1\r\nHost: localhost\r\n\r\n", false);
        assertThat(answer).startsWith("HTTP/1.1 4");
        assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("\r\nconnection: close\r\n");
    }

    // ---- bodies that do not arrive ----

    @Test
    void aStalledBodyTimesOutWithA408() throws Exception {
        for (String path : new String[] {"/t/typed", "/t/bytes"}) {
            String answer = raw("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\nConnection: close\r\n\r\n{\"email\":", false);
            assertThat(answer).as(path).startsWith("HTTP/1.1 408");
            assertThat(answer.toLowerCase(java.util.Locale.ROOT)).as(path).contains("content-type: application/problem+json").contains("\"request_timeout\"");
        }
    }

    @Test
    void aBodyEndingBeforeItsLengthIsA400() throws Exception {
        String answer = raw("POST /t/typed HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\nConnection: close\r\n\r\n{\"email\":", true);
        // The client said it sends no more: either the edge answers 400, or it closes without one.
        if (!answer.isEmpty()) {
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(answer).contains("\"unreadable_body\"");
        }
    }

    @Test
    void aSenderThatWritesATooLargeBodyWholeStillReadsThe413() throws Exception {
        // Most senders (payment providers included) send the whole body without waiting for
        // 100-continue; a server that answered without reading it would close on unread bytes,
        // and the reset could destroy the answer before it is read.
        for (int round = 0; round < 5; round++) {
            byte[] body = new byte[3 << 20];
            java.util.Arrays.fill(body, (byte) 'x');
            try (Socket socket = new Socket("127.0.0.1", app.port())) {
                socket.setSoTimeout(10_000);
                var out = socket.getOutputStream();
                out.write(("POST /t/bytes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                var in = socket.getInputStream();
                assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 413");
                // The body was read, so the connection carries on: nothing was left to reset it.
                skipResponse(in);
                out.write("GET /t/query?a=1 HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            }
        }
    }

    /** Reads the rest of a response with a Content-Length body. */
    static void skipResponse(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("closed in the headers");
            head.append((char) c);
        }
        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertThat(m.find()).as(head.toString()).isTrue();
        in.readNBytes(Integer.parseInt(m.group(1)));
    }

    // ---- helpers ----

    private static void assertLimit(String body, String limit, long max) throws Exception {
        JsonNode problem = problem(post("/t/tree", body), 400);
        assertThat(problem.get("type").asText()).as(limit).isEqualTo("json_limit_exceeded");
        assertThat(problem.get("limit").asText()).as(limit).isEqualTo(limit);
        assertThat(problem.get("max").asLong()).as(limit).isEqualTo(max);
    }

    private static JsonNode problem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith(Problem.CONTENT_TYPE);
        JsonNode problem = Json.mapper().readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        return problem;
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(String path, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends a request whose body is shorter than its Content-Length, then waits (a generous
     * multiple of the idle timeout only detects a hang) for the answer.
     */
    private static String raw(String request, boolean endOutput) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout((int) IDLE.multipliedBy(20).toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            if (endOutput) socket.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) != -1; ) answer.write(buffer, 0, n);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the edge held the connection open past " + IDLE.multipliedBy(20) + " with a stalled body");
            } catch (IOException e) {
                // reset after the answer: what was read is the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
