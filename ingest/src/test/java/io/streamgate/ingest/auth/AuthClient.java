package io.streamgate.ingest.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.OpenApiValidator;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

/** A real HTTP client for the /auth endpoints, speaking JSON; every response is checked against openapi.json. */
final class AuthClient {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        String text(String field) {
            JsonNode n = body == null ? null : body.get(field);
            return n == null ? null : n.asText();
        }

        String type() {
            return text("type");
        }
    }

    record Session(String userId, String accessToken, String refreshToken, String sessionId) {}

    final String base;
    /** Sent as X-Forwarded-For, as a proxy in front of the edge would; null for none. */
    final String forwardedFor;

    AuthClient(int port) {
        this(port, null);
    }

    AuthClient(int port, String forwardedFor) {
        this.base = "http://127.0.0.1:" + port;
        this.forwardedFor = forwardedFor;
    }

    Reply post(String path, Object body, String bearer) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "auth-test")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body)));
            if (bearer != null) b.header("Authorization", "Bearer " + bearer);
            if (forwardedFor != null) b.header("X-Forwarded-For", forwardedFor);
            return reply(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    Reply send(String method, String path, String bearer) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody());
            if (bearer != null) b.header("Authorization", "Bearer " + bearer);
            return reply(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    private static Reply reply(HttpResponse<String> r) throws IOException {
        OpenApiValidator.require(r);
        JsonNode body = r.body() == null || r.body().isEmpty() ? null : Json.mapper().readTree(r.body());
        return new Reply(r.statusCode(), body, r);
    }

    static String newEmail() {
        return "u-" + UUID.randomUUID() + "@example.com";
    }

    Reply register(String email, String password) {
        return post("/auth/register", Map.of("email", email, "password", password), null);
    }

    Reply login(String email, String password) {
        return post("/auth/login", Map.of("email", email, "password", password), null);
    }

    Reply refresh(String refreshToken) {
        return post("/auth/refresh", Map.of("refresh_token", refreshToken), null);
    }

    /** Registers a fresh user and signs in. */
    Session signUp() {
        String email = newEmail();
        Reply reg = register(email, "correct horse battery");
        if (reg.status() != 201) throw new AssertionError("register: " + reg.status() + " " + reg.body());
        return signIn(email, reg.text("user_id"));
    }

    Session signIn(String email, String userId) {
        Reply login = login(email, "correct horse battery");
        if (login.status() != 200) throw new AssertionError("login: " + login.status() + " " + login.body());
        return new Session(userId, login.text("access_token"), login.text("refresh_token"), login.text("session_id"));
    }

    // --- coach streams, for the tests of stream tickets ------------------------------------------

    /** Creates a coach session (no processor needs to run) and returns its id. */
    String coachSession(String accessToken) {
        Reply created = post("/v1/coach/sessions", Map.of("prompt", "a cat streamer", "asset_type", "thumbnail"), accessToken);
        if (created.status() != 202) throw new AssertionError("coach session: " + created.status() + " " + created.body());
        return created.text("session_id");
    }

    String streamTicket(String session, String accessToken) {
        Reply issued = post("/v1/coach/sessions/" + session + "/stream-tickets", Map.of(), accessToken);
        if (issued.status() != 201) throw new AssertionError("stream ticket: " + issued.status() + " " + issued.body());
        return issued.text("ticket");
    }

    /** Opens a session's event stream with a ticket, as EventSource does; the caller closes the body. */
    HttpResponse<InputStream> eventStream(String session, String ticket) throws IOException, InterruptedException {
        return OpenApiValidator.require(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/coach/sessions/" + session + "/events?ticket=" + ticket))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    }
}
