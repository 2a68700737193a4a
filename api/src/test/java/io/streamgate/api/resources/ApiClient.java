package io.streamgate.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.api.assets.AssetsApi;
import io.streamgate.api.brandkits.BrandKitsApi;
import io.streamgate.api.generations.GenerationsApi;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.OpenApiValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

/**
 * A real HTTP client signed in as one user (Bearer access JWT issued by the platform). Every
 * response is checked against openapi.json ({@link OpenApiValidator}), so these suites keep the
 * document true.
 */
final class ApiClient {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final UUID userId;
    private final String base;
    private final String token;

    ApiClient(Platform platform, int port, UUID userId) {
        this.userId = userId;
        this.base = "http://127.0.0.1:" + port;
        this.token = platform.auth().tokens().issue(userId, "family-" + userId).token();
    }

    /** The resources endpoints alone (the api role also serves the coach, which these tests do not need). */
    static List<Component> resources(Platform platform) {
        return List.of(new BrandKitsApi(platform), new AssetsApi(platform), new GenerationsApi(platform));
    }

    static ApiClient newUser(Platform platform, int port) {
        return new ApiClient(platform, port, UUID.randomUUID());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
    }

    static HttpRequest.Builder anonymous(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(request(path).headers(pairs(headers)).GET().build());
    }

    HttpResponse<String> post(String path, String json, String... headers) {
        return send(request(path).header("Content-Type", "application/json").headers(pairs(headers))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> patch(String path, String json, String... headers) {
        return send(request(path).header("Content-Type", "application/json").headers(pairs(headers))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> delete(String path, String... headers) {
        return send(request(path).headers(pairs(headers)).DELETE().build());
    }

    HttpResponse<String> send(String method, String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return OpenApiValidator.require(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> sendBytes(HttpRequest request) {
        try {
            return OpenApiValidator.require(HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** HttpRequest.Builder.headers() refuses an empty array. */
    private static String[] pairs(String[] headers) {
        return headers.length == 0 ? new String[] {"Accept", "application/json"} : headers;
    }
}
