package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.OpenApiValidator;
import io.streamgate.testkit.RawHttp;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input never gets a 500. The whole system runs once (role {@code all}, real broker, real
 * Postgres, real sockets); the routes are read from the running HTTP server, so a route added
 * tomorrow is swept the day it is added. Every route gets every class of hostile input, with and
 * without a token: invalid JSON, wrong types, NUL bytes, unpaired surrogates, invalid UTF-8,
 * 100,000-deep nesting, 2 MB and 100 KB strings, huge numbers, SQL-like strings, tampered
 * cursors, hostile path ids, oversized headers and tokens, and a body that stalls. Each answer
 * must be a 4xx {@code application/problem+json} (or a success where the route rightly ignores
 * that input); none may be a 5xx, and a stalled body must end by the idle timeout.
 */
@StreamgateTest
class HostileInputSweepTest {
    /** Short, so the stalled bodies end quickly; the heartbeat must stay below it (checked at start). */
    static final Duration IDLE = Duration.ofSeconds(2);
    /** Waiting this long without an answer means the server hung: a hang detector, not a timing claim. */
    static final Duration HANG = Duration.ofSeconds(30);
    static final String OPERATOR_TOKEN = token();
    static final String STRIPE_SECRET = "whsec_" + token();
    static final String ACME_SECRET = "whsec_" + Base64.getEncoder().encodeToString(random(32));

    /** Routes every build must have; a sweep that found fewer has not read the server's routes. */
    static final Set<String> CORE_ROUTES = Set.of(
            "POST /auth/register", "POST /auth/login", "POST /auth/refresh", "POST /auth/logout",
            "POST /webhooks/stripe", "POST /webhooks/{source}",
            "GET /v1/brand-kits", "POST /v1/brand-kits", "PATCH /v1/brand-kits/{id}", "DELETE /v1/brand-kits/{id}",
            "GET /v1/assets", "GET /v1/generations", "POST /v1/generations",
            "POST /v1/coach/sessions", "GET /v1/coach/sessions/{id}/events",
            "GET /v1/sessions", "GET /v1/subscription", "GET /admin/webhooks/{eventId}", "GET /health/ready");

    static Streamgate running;
    static String accessToken;

    @BeforeAll
    static void start(TestEnv env) throws Exception {
        Map<String, String> values = RolesBootTest.productionEnv(env, "all");
        values.put("HTTP_IDLE_TIMEOUT", IDLE.toMillis() + "ms");
        values.put("COACH_SSE_HEARTBEAT", "1s");
        // The sweep sends hundreds of sign-in attempts from one address: they must reach the
        // body checks, not stop at the per-address limit.
        values.put("AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "1000000");
        // Likewise its 401s must not slow every later request from that address by the edge's
        // delay for refused clients (PriorityAdmissionTest covers that delay): it answers the
        // same after the wait, and hundreds of waits would only lengthen the sweep.
        values.put("HTTP_REFUSED_CLIENT_DELAY", "0");
        values.put("OPERATOR_TOKEN", OPERATOR_TOKEN);
        values.put("STRIPE_WEBHOOK_SECRETS", STRIPE_SECRET);
        values.put("WEBHOOK_SECRETS_ACME", ACME_SECRET);
        running = env.closeAfterClass(Streamgate.start(LaunchOptions.parse("all", "--port", "0"), values));

        String email = "sweep-" + UUID.randomUUID() + "@example.com";
        String credentials = "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}";
        assertThat(send("POST", "/auth/register", null, credentials).status()).isEqualTo(201);
        RawHttp.Response login = send("POST", "/auth/login", null, credentials);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        accessToken = Json.mapper().readTree(login.text()).get("access_token").asText();
    }

    // ---- the sweep ----

    record Route(String method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** One hostile request: where, what, and whether every route must refuse it. */
    record Probe(String kind, String target, Map<String, String> headers, byte[] body, boolean mustFail, boolean mayClose) {}

    @Test
    void everyRouteAnswersHostileInputWithA4xxProblemAndNever5xx() throws Exception {
        List<Route> routes = routes();
        List<String> failures = new ArrayList<>();
        Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
        int sent = 0;
        for (Route route : routes) {
            for (String auth : new String[] {null, authFor(route)}) {
                for (Probe probe : probes(route, auth)) {
                    RawHttp.Response response = exchange(route.method(), probe);
                    sent++;
                    statuses.computeIfAbsent(probe.kind(), k -> new TreeMap<>()).merge(response.status(), 1, Integer::sum);
                    String what = route + (auth == null ? " [no token]" : " [token]") + " " + probe.kind();
                    check(what, response, probe, failures);
                    contract(what, route.method(), probe.target(), response, failures);
                }
            }
        }
        System.out.printf("hostile input sweep: %d routes, %d requests; answers by input (status=count):%n", routes.size(), sent);
        statuses.forEach((kind, counts) -> System.out.printf("  %-32s %s%n", kind, counts));
        assertThat(failures).as("answers that are not a 4xx problem (of %d requests over %d routes)", sent, routes.size()).isEmpty();
        assertNo5xxInMetrics();
        // The system still works: nothing the sweep sent broke a table or a connection pool.
        assertThat(send("GET", "/v1/brand-kits", accessToken, null).status()).isEqualTo(200);
        assertThat(send("GET", "/health/ready", null, null).status()).isEqualTo(200);
    }

    @Test
    void aStalledBodyNeverHoldsAThreadPastTheIdleTimeout() throws Exception {
        List<Route> routes = routes();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            Map<String, Future<RawHttp.Response>> answers = new LinkedHashMap<>();
            for (Route route : routes) {
                for (String auth : new String[] {null, authFor(route)}) {
                    String target = fill(route.path(), UUID.randomUUID().toString());
                    Map<String, String> headers = headers(auth);
                    headers.put("Content-Type", "application/json");
                    headers.put("Content-Length", "100");
                    byte[] head = head(route.method(), target, headers);
                    byte[] partial = "{\"name\":".getBytes(StandardCharsets.UTF_8);
                    answers.put(route + (auth == null ? " [no token]" : " [token]"),
                            pool.submit(() -> RawHttp.exchange("127.0.0.1", running.port(), head, partial, HANG)));
                }
            }
            List<String> failures = new ArrayList<>();
            int timedOut = 0;
            for (var answer : answers.entrySet()) {
                RawHttp.Response r = answer.getValue().get();
                if (r.status() == 408) timedOut++;
                check(answer.getKey() + " stalled body", r, new Probe("stalled", "", Map.of(), null, false, true), failures);
            }
            assertThat(failures).isEmpty();
            // The routes that read a body while the client stalled said so with 408.
            assertThat(timedOut).as("stalled bodies answered 408").isGreaterThan(0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stalledHeadersEndTheConnectionByTheIdleTimeout() throws Exception {
        byte[] partial = "GET /v1/brand-kits HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ".getBytes(StandardCharsets.US_ASCII);
        RawHttp.Response r = RawHttp.exchange("127.0.0.1", running.port(), partial, null, HANG);
        assertThat(r.hung()).as("still open after " + HANG).isFalse();
        if (!r.closedWithoutAnswer()) {
            assertThat(r.status()).as(r.toString()).isBetween(400, 499);
            assertThat(problemError(r)).as(r.toString()).isNull();
        }
    }

    @Test
    void aLongUserAgentEndingInAMultiByteCharacterStillSignsIn() throws Exception {
        String email = "agent-" + UUID.randomUUID() + "@example.com";
        String credentials = "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}";
        assertThat(send("POST", "/auth/register", null, credentials).status()).isEqualTo(201);
        // 511 characters, then an emoji as UTF-8 bytes: a cut at 512 UTF-16 units would halve it.
        String agent = "a".repeat(511) + new String("\uD83D\uDE00".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", agent);
        headers.put("Content-Type", "application/json");
        headers.put("Content-Length", Integer.toString(credentials.length()));
        RawHttp.Response r = RawHttp.exchange("127.0.0.1", running.port(), head("POST", "/auth/login", headers),
                credentials.getBytes(StandardCharsets.UTF_8), HANG);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    // ---- the cases the issue reported, exactly ----

    @Test
    void nulInSignInAndRegistrationIsA422NamingTheField() throws Exception {
        JsonNode login = problem(send("POST", "/auth/login", null, "{\"email\":\"a\\u0000@example.com\",\"password\":\"whatever-123\"}"), 422);
        assertThat(login.get("errors").get(0).get("field").asText()).isEqualTo("email");
        JsonNode register = problem(send("POST", "/auth/register", null,
                "{\"email\":\"nul-" + UUID.randomUUID() + "@example.com\",\"password\":\"pass\\u0000word-long\"}"), 422);
        assertThat(register.get("errors").get(0).get("field").asText()).isEqualTo("password");
        JsonNode kit = problem(send("POST", "/v1/brand-kits", accessToken, "{\"name\":\"Sweep\",\"fonts\":[\"Inter\",\"\\ud800\"]}"), 422);
        assertThat(kit.get("errors").get(0).get("field").asText()).isEqualTo("fonts[1]");
    }

    @Test
    void deepJsonOnBrandKitsAndGenerationsIsA400NamingTheLimit() throws Exception {
        RawHttp.Response created = send("POST", "/v1/brand-kits", accessToken, "{\"name\":\"Deep\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = Json.mapper().readTree(created.text()).get("id").asText();
        String deep = "{\"name\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        for (String[] call : new String[][] {{"POST", "/v1/brand-kits"}, {"PATCH", "/v1/brand-kits/" + id}, {"POST", "/v1/generations"}}) {
            JsonNode problem = problem(send(call[0], call[1], accessToken, deep), 400);
            assertThat(problem.get("type").asText()).as(call[1]).isEqualTo("json_limit_exceeded");
            assertThat(problem.get("limit").asText()).as(call[1]).isEqualTo("nesting_depth");
        }
    }

    @Test
    void aTamperedCursorIsA422() throws Exception {
        for (String path : new String[] {"/v1/brand-kits", "/v1/assets", "/v1/generations"}) {
            for (String cursor : new String[] {cursor("-999999999999999999"), cursor("999999999999999999"), cursor("abc"), "%00", "' OR 1=1 --"}) {
                JsonNode problem = problem(send("GET", path + "?cursor=" + encode(cursor), accessToken, null), 422);
                assertThat(problem.get("errors").get(0).get("field").asText()).as(path + " " + cursor).isEqualTo("cursor");
            }
        }
    }

    @Test
    void signedWebhooksWithUnstorableOrAbsurdContentAreRefused() throws Exception {
        long now = Instant.now().getEpochSecond();
        String nulId = "{\"id\":\"evt_\\u0000\",\"type\":\"invoice.paid\",\"created\":" + now + ",\"data\":{\"object\":{\"id\":\"in_1\"}}}";
        JsonNode problem = problem(stripe(nulId.getBytes(StandardCharsets.UTF_8), now), 400);
        assertThat(problem.get("type").asText()).isEqualTo("malformed_event");
        assertThat(problem.get("field").asText()).isEqualTo("id");

        byte[] deep = ("{\"id\":\"evt_deep\",\"data\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(problem(stripe(deep, now), 400).get("type").asText()).isEqualTo("malformed_event");

        byte[] notUtf8 = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThat(problem(stripe(notUtf8, now), 400).get("type").asText()).isEqualTo("malformed_event");

        byte[] ok = "{\"id\":\"evt_far\",\"type\":\"invoice.paid\",\"created\":1,\"data\":{\"object\":{}}}".getBytes(StandardCharsets.UTF_8);
        for (long absurd : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 99_999_999_999_999_999L}) {
            assertThat(problem(stripe(ok, absurd), 400).get("type").asText()).as("t=" + absurd).isEqualTo("timestamp_out_of_tolerance");
        }

        String nulType = "{\"type\":\"payment.\\u0000\"}";
        assertThat(problem(acme(nulType.getBytes(StandardCharsets.UTF_8), now), 400).get("field").asText()).isEqualTo("type");
    }

    // ---- probes ----

    /** Hostile input of every class for one route: bodies, query strings, path values, headers. */
    static List<Probe> probes(Route route, String auth) {
        List<Probe> probes = new ArrayList<>();
        String target = fill(route.path(), UUID.randomUUID().toString());
        // A route that takes a body must refuse every hostile one; others may rightly ignore it.
        boolean readsBody = Set.of("POST", "PUT", "PATCH").contains(route.method());
        String json = "application/json";
        body(probes, "invalid JSON", target, auth, json, "{\"name\": \"x\",", readsBody, false);
        body(probes, "wrong types", target, auth, json, "{\"email\":1,\"password\":[],\"name\":{},\"prompt\":true,\"asset_type\":7,"
                + "\"colors\":\"red\",\"fonts\":{},\"refresh_token\":{},\"brand_kit_id\":5,\"logo_asset_id\":[1]}", readsBody, false);
        body(probes, "NUL escapes", target, auth, json, "{\"email\":\"a\\u0000@example.com\",\"password\":\"pass\\u0000word-long\","
                + "\"name\":\"n\\u0000\",\"prompt\":\"p\\u0000\",\"asset_type\":\"thumbnail\",\"refresh_token\":\"t\\u0000\"}", readsBody, false);
        body(probes, "NUL raw byte", target, auth, json, "{\"email\":\"a\u0000@example.com\",\"name\":\"n\u0000\"}", readsBody, false);
        body(probes, "unpaired surrogates", target, auth, json, "{\"email\":\"\\ud800@example.com\",\"name\":\"\\udc00\",\"prompt\":\"\\ud83d\"}",
                readsBody, false);
        probes.add(new Probe("invalid UTF-8", target, contentType(auth, json),
                new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'}, readsBody, false));
        body(probes, "100,000-deep arrays", target, auth, json, "{\"name\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", readsBody, false);
        body(probes, "100,000-deep objects", target, auth, json, "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000), readsBody, false);
        body(probes, "2 MB string", target, auth, json, "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}", readsBody, true);
        body(probes, "100 KB string", target, auth, json, "{\"prompt\":\"" + "x".repeat(100 * 1024) + "\"}", readsBody, false);
        body(probes, "huge number", target, auth, json, "{\"limit\":" + "9".repeat(5000) + ",\"created\":1e999999999}", readsBody, false);
        body(probes, "SQL-like strings", target, auth, json, "{\"email\":\"x'--@example.com\",\"password\":\"' OR '1'='1' --\","
                + "\"name\":\"Robert'); DROP TABLE brand_kits;--\",\"prompt\":\"'; DELETE FROM users; --\",\"asset_type\":\"thumbnail' OR 1=1 --\","
                + "\"refresh_token\":\"' UNION SELECT password_hash FROM users --\"}", false, false);
        body(probes, "empty body", target, auth, json, "", readsBody, false);
        body(probes, "null body", target, auth, json, "null", readsBody, false);
        body(probes, "trailing garbage", target, auth, json, "{\"name\":\"x\"} {\"name\":\"y\"}", readsBody, false);
        body(probes, "form body", target, auth, "application/x-www-form-urlencoded", "email=a%00%40example.com&password=x%00", readsBody, false);
        body(probes, "text body", target, auth, "text/plain; charset=utf-8", "hello", readsBody, false);

        // Query strings. NUL, broken escapes and invalid UTF-8 are refused on every route by the edge.
        query(probes, "NUL in query", target, auth, "cursor=%00&limit=%00&type=%00&ticket=%00&lastEventId=%00", true);
        query(probes, "invalid UTF-8 in query", target, auth, "cursor=%C3%28&type=%FF", true);
        query(probes, "broken escape in query", target, auth, "cursor=%zz", true);
        query(probes, "tampered cursor (far past)", target, auth, "cursor=" + cursor("-999999999999999999"), false);
        query(probes, "tampered cursor (garbage)", target, auth, "cursor=" + cursor("x:y"), false);
        query(probes, "SQL-like query", target, auth, "cursor=" + encode("' OR 1=1 --") + "&type=" + encode("thumbnail' OR '1'='1")
                + "&brand_kit_id=" + encode("1 OR 1=1") + "&limit=" + encode("1; DROP TABLE assets"), false);
        query(probes, "huge limit", target, auth, "limit=99999999999999999999999", false);
        query(probes, "negative limit", target, auth, "limit=-5", false);
        query(probes, "hostile ticket and lastEventId", target, auth, "ticket=" + "A".repeat(5000) + "&lastEventId=-1", false);

        // Path values: no hostile value names anything, so every route with a parameter refuses it.
        if (route.path().contains("{")) {
            for (String[] value : new String[][] {{"NUL in path", "%00"}, {"invalid UTF-8 in path", "%C3%28"},
                    {"raw bytes in path", "\u00C3\u0028\u00FF"}, {"SQL-like path", "1'%20OR%20'1'%3D'1"}, {"not a UUID", "not-a-uuid"},
                    {"long path value", "a".repeat(4000)}, {"traversal", "..%2F..%2Fetc%2Fpasswd"}, {"broken escape in path", "%zz"}}) {
                probes.add(new Probe(value[0], fill(route.path(), value[1]), headers(auth), null, true, false));
            }
        }

        // Headers.
        probes.add(withHeader(target, auth, "oversized header", "X-Padding", "a".repeat(64 * 1024), true));
        probes.add(withHeader(target, null, "oversized token", "Authorization", "Bearer " + "a".repeat(20 * 1024), true));
        probes.add(withHeader(target, null, "long token", "Authorization", "Bearer " + "a".repeat(12 * 1024), false));
        probes.add(withHeader(target, null, "tampered token", "Authorization", "Bearer " + tampered(accessToken), false));
        probes.add(withHeader(target, auth, "NUL in a header", "User-Agent", "sweep\u0000agent", true));
        probes.add(withHeader(target, auth, "raw bytes in a header", "User-Agent", "sweep \u00C3\u0028\u00FF", false));
        probes.add(withHeader(target, auth, "hostile Last-Event-ID", "Last-Event-ID", "99999999999999999999' OR 1=1 --", false));
        probes.add(withHeader(target, auth, "hostile If-Match", "If-Match", "W/\"x\", \"' OR 1=1\", *garbage", false));
        probes.add(withHeader(target, auth, "hostile X-Request-Id", "X-Request-Id", "<script>" + "x".repeat(500), false));
        probes.add(withHeader(target, auth, "negative Content-Length", "Content-Length", "-1", true));
        probes.add(withHeader(target, auth, "huge Content-Length", "Content-Length", "99999999999999999999", true));
        return probes;
    }

    private static void body(List<Probe> probes, String kind, String target, String auth, String contentType, String body,
                             boolean mustFail, boolean mayClose) {
        probes.add(new Probe(kind, target, contentType(auth, contentType), body.getBytes(StandardCharsets.UTF_8), mustFail, mayClose));
    }

    private static void query(List<Probe> probes, String kind, String target, String auth, String query, boolean mustFail) {
        probes.add(new Probe(kind, target + "?" + query, headers(auth), null, mustFail, false));
    }

    private static Probe withHeader(String target, String auth, String kind, String name, String value, boolean mustFail) {
        Map<String, String> headers = headers(auth);
        headers.put(name, value);
        return new Probe(kind, target, headers, null, mustFail, false);
    }

    private static Map<String, String> contentType(String auth, String contentType) {
        Map<String, String> headers = headers(auth);
        headers.put("Content-Type", contentType);
        return headers;
    }

    private static Map<String, String> headers(String auth) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (auth != null) headers.put("Authorization", "Bearer " + auth);
        return headers;
    }

    // ---- checking ----

    private static void check(String what, RawHttp.Response r, Probe probe, List<String> failures) {
        if (r.hung()) {
            failures.add(what + ": no answer within " + HANG + " and the connection still open");
        } else if (r.status() == 0) {
            if (!probe.mayClose()) failures.add(what + ": " + r);
        } else if (r.status() >= 500) {
            failures.add(what + ": " + r);
        } else if (r.status() >= 400) {
            String problem = problemError(r);
            if (problem != null) failures.add(what + ": " + problem + ": " + r);
        } else if (probe.mustFail()) {
            failures.add(what + ": expected a 4xx, got " + r);
        }
    }

    /** Every answer is one the OpenAPI document declares for the route (status, content type, body). */
    private static void contract(String what, String method, String target, RawHttp.Response r, List<String> failures) {
        if (r.hung() || r.status() == 0) return;
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        String contentType = r.header("Content-Type");
        String body = r.header("Content-Encoding").isEmpty() ? r.text() : null;
        for (String problem : OpenApiValidator.problems(method, path, r.status(), contentType.isEmpty() ? null : contentType, body)) {
            failures.add(what + ": openapi.json: " + problem);
        }
    }

    /** Why a 4xx answer is not a proper problem document, or null when it is one. */
    private static String problemError(RawHttp.Response r) {
        if (!r.header("Content-Type").startsWith("application/problem+json")) return "not application/problem+json";
        try {
            JsonNode body = Json.mapper().readTree(r.body());
            if (body == null || body.path("status").asInt() != r.status()) return "the body's status is not the answer's";
            if (body.path("type").asText().isBlank()) return "the body has no type";
        } catch (java.io.IOException e) {
            return "the body is not JSON";
        }
        return null;
    }

    private static JsonNode problem(RawHttp.Response r, int status) throws Exception {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(problemError(r)).as(r.toString()).isNull();
        return Json.mapper().readTree(r.body());
    }

    /** Every request the sweep sent that Javalin answered is in the request timer, by status. */
    private static void assertNo5xxInMetrics() throws Exception {
        String metrics = send("GET", "/metrics", null, null).text();
        Matcher m = Pattern.compile("http_server_requests_seconds_count\\{[^}]*status=\"5\\d\\d\"[^}]*}").matcher(metrics);
        List<String> series = new ArrayList<>();
        while (m.find()) series.add(m.group());
        assertThat(series).as("5xx answers counted by the server").isEmpty();
    }

    // ---- routes ----

    /** What the running server registered: every HTTP method route, as method and path template. */
    static List<Route> routes() {
        List<Route> routes = running.javalin().unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .map(endpoint -> new Route(endpoint.method.name(), endpoint.path))
                .distinct()
                .toList();
        assertThat(routes).as("routes read from the running server").isNotEmpty();
        assertThat(routes.stream().map(Route::toString)).as("the core routes").containsAll(CORE_ROUTES);
        return routes;
    }

    /** The operator token for operator routes, a user's access token for the rest. */
    static String authFor(Route route) {
        return route.path().startsWith("/admin/") ? OPERATOR_TOKEN : accessToken;
    }

    /** The path with every parameter ({@code {id}} or {@code <id>}) replaced by {@code value}, sent as is. */
    static String fill(String template, String value) {
        return template.replaceAll("\\{[^}/]+}|<[^>/]+>", Matcher.quoteReplacement(value));
    }

    // ---- HTTP ----

    private static RawHttp.Response exchange(String method, Probe probe) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(probe.headers());
        if (probe.body() != null && !headers.containsKey("Content-Length")) headers.put("Content-Length", Integer.toString(probe.body().length));
        return RawHttp.exchange("127.0.0.1", running.port(), head(method, probe.target(), headers), probe.body(), HANG);
    }

    static RawHttp.Response send(String method, String target, String token, String json) throws Exception {
        Map<String, String> headers = headers(token);
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            headers.put("Content-Type", "application/json");
            headers.put("Content-Length", Integer.toString(body.length));
        }
        return RawHttp.exchange("127.0.0.1", running.port(), head(method, target, headers), body, HANG);
    }

    /** The request line and headers as bytes; characters up to U+00FF become the byte of that value. */
    static byte[] head(String method, String target, Map<String, String> headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static RawHttp.Response stripe(byte[] body, long t) throws Exception {
        byte[] signed = concat((t + ".").getBytes(StandardCharsets.US_ASCII), body);
        String signature = "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(STRIPE_SECRET.getBytes(StandardCharsets.UTF_8), signed));
        return post("/webhooks/stripe", Map.of("Stripe-Signature", signature), body);
    }

    private static RawHttp.Response acme(byte[] body, long t) throws Exception {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        byte[] key = Base64.getDecoder().decode(ACME_SECRET.substring("whsec_".length()));
        byte[] signed = concat((id + "." + t + ".").getBytes(StandardCharsets.UTF_8), body);
        String signature = "v1," + Base64.getEncoder().encodeToString(hmac(key, signed));
        return post("/webhooks/acme", Map.of("webhook-id", id, "webhook-timestamp", Long.toString(t), "webhook-signature", signature), body);
    }

    private static RawHttp.Response post(String path, Map<String, String> extra, byte[] body) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(extra);
        headers.put("Content-Type", "application/json");
        headers.put("Content-Length", Integer.toString(body.length));
        return RawHttp.exchange("127.0.0.1", running.port(), head("POST", path, headers), body, HANG);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** A cursor in the API's own encoding ("v1:epoch micros:id") with the given position. */
    static String cursor(String micros) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("v1:" + micros + ":" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
    }

    /** The token with its signature changed: well-formed, signed by no one. */
    static String tampered(String token) {
        char last = token.charAt(token.length() - 2);
        return token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String token() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
