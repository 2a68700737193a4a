package io.streamgate.platform.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thrown by a handler to answer with a problem body; the edge renders it with the
 * security headers and the request id. Never carries secrets.
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> extensions = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ProblemException(int status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public static ProblemException badRequest(String type, String detail) {
        return new ProblemException(400, type, "Bad Request", detail);
    }

    public static ProblemException unauthorized(String type, String detail) {
        return new ProblemException(401, type, "Unauthorized", detail).header("WWW-Authenticate", "Bearer");
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not_found", "Not Found", detail);
    }

    public static ProblemException unavailable(String type, String detail, int retryAfterSeconds) {
        return new ProblemException(503, type, "Service Unavailable", detail)
                .header("Retry-After", Integer.toString(retryAfterSeconds));
    }

    /** Adds a member to the problem body (RFC 9457 extension member). */
    public ProblemException with(String name, Object value) {
        extensions.put(name, value);
        return this;
    }

    public ProblemException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
