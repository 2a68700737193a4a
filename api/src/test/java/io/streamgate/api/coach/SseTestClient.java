package io.streamgate.api.coach;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.streamgate.testkit.OpenApiValidator;

/** A minimal Server-Sent Events reader over java.net.http, parsing frames as the WHATWG spec does. */
final class SseTestClient implements AutoCloseable {
    record Event(String name, String id, String data) {}

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final int status;
    final HttpHeaders headers;
    final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
    Integer retry;
    private final InputStream body;
    private final BufferedReader reader;

    private SseTestClient(HttpResponse<InputStream> response) {
        this.status = response.statusCode();
        this.headers = response.headers();
        this.body = response.body();
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    static SseTestClient open(String url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
        headers.forEach(b::header);
        return new SseTestClient(OpenApiValidator.require(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream())));
    }

    /** The next event, or null when the server closed the stream. */
    Event next() throws IOException {
        String name = null;
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    Event event = new Event(name == null ? "message" : name, id, data.toString());
                    OpenApiValidator.requireEvent(event.name(), event.data());
                    return event;
                }
                name = null;
                id = null;
                continue;
            }
            if (line.startsWith(":")) {
                comments.add(line.substring(1).trim());
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "event" -> name = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "retry" -> retry = Integer.parseInt(value);
                default -> { }
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
