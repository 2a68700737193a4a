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

    /**
     * A body refused as too large is still read and thrown away when its declared length is at
     * most this: the server closes a connection whose body it left unread, and a close with
     * unread bytes resets the connection, which can destroy the 413 before the sender reads it.
     * Bigger bodies are not worth the bandwidth; their senders may see a reset instead.
     */
    static final long MAX_DRAIN_BYTES = 8L * 1024 * 1024;

    public static byte[] bytes(Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (io.javalin.http.HttpResponseException e) {
            if (e.getStatus() == 413) discard(ctx);
            throw e;
        } catch (Exception e) {
            ProblemException unreadable = unreadable(e);
            if (unreadable != null) throw unreadable;
            throw e;
        }
    }

    /**
     * Reads and discards the body of a request being refused, when its declared length is known
     * and at most {@link #MAX_DRAIN_BYTES}; a body that stalls or breaks off ends the drain (the
     * idle timeout bounds it), and the refusal is answered anyway.
     */
    public static void discard(Context ctx) {
        long length = ctx.contentLength();
        if (length <= 0 || length > MAX_DRAIN_BYTES) return;
        try {
            var in = ctx.req().getInputStream();
            byte[] sink = new byte[64 * 1024];
            while (in.read(sink) >= 0) {
                // discarded
            }
        } catch (IOException | RuntimeException e) {
            // the sender stopped or went away: nothing left to protect
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
