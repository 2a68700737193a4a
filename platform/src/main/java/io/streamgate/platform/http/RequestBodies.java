package io.streamgate.platform.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request body whole, the one way every handler does: a body that stops arriving
 * fails when the edge's idle timeout ({@code HTTP_IDLE_TIMEOUT}) expires and is a 408, a
 * connection that ends before its {@code Content-Length} is a 400; neither is a 500, and
 * neither holds a thread longer than the idle timeout. Bodies over the edge's limit are 413.
 */
public final class RequestBodies {
    private RequestBodies() {}

    public static byte[] bytes(Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (Exception e) {
            ProblemException unreadable = unreadable(e);
            if (unreadable != null) throw unreadable;
            throw e;
        }
    }

    /** The problem for a failed body read, or null when {@code e} is not one. */
    static ProblemException unreadable(Throwable e) {
        boolean io = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException) {
                return new ProblemException(408, "request_timeout", "Request Timeout",
                        "the request body stopped arriving before it was complete; send it again");
            }
            io |= t instanceof IOException;
        }
        return io ? ProblemException.badRequest("unreadable_body", "the request body ended before its declared length") : null;
    }
}
