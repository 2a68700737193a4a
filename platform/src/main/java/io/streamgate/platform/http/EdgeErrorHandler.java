package io.streamgate.platform.http;

import io.streamgate.platform.RandomIds;
import io.streamgate.schemas.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches Javalin (a malformed request line,
 * headers too large, a URI Jetty refuses): they carry the security headers and a problem
 * body too, never Jetty's HTML page.
 */
final class EdgeErrorHandler extends ErrorHandler {
    /** The detail of a 503 the edge answers itself: too many requests waiting ({@link PriorityAdmission}). */
    static final String BUSY = "the server is busy; retry after the number of seconds in Retry-After";

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        HttpFields.Mutable headers = response.getHeaders();
        String requestId = RandomIds.uuidString();
        decorate(headers, requestId);
        // The edge's own 503 (admission) is always a moment's overload: say when to come back.
        if (code == 503) headers.put(HttpHeader.RETRY_AFTER, PriorityAdmission.RETRY_AFTER_SECONDS);
        // Jetty closes the connection after a request it could not read (a URI it refuses, a
        // body that broke off), but decides so after this response is written: without the
        // header a keep-alive client sends its next request into a closed socket.
        if (code != 503) headers.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, ByteBuffer.wrap(body(code, requestId)), callback);
    }

    /** Jetty writes an error body for GET, POST and HEAD only; PATCH, DELETE and the rest get their problem too. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String requestId = RandomIds.uuidString();
        decorate(fields, requestId);
        return ByteBuffer.wrap(body(status, requestId));
    }

    private static void decorate(HttpFields.Mutable headers, String requestId) {
        SecurityHeaders.API_HEADERS.forEach(headers::put);
        headers.put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        headers.put(RequestIds.HEADER, requestId);
    }

    private static byte[] body(int status, String requestId) {
        String detail = status == 503 ? BUSY : "the request could not be read as HTTP";
        Problem problem = new Problem(HttpEdge.slug(status), HttpEdge.reason(status), status, detail, requestId, Map.of());
        return Json.mapper().valueToTree(problem).toString().getBytes(StandardCharsets.UTF_8);
    }
}
