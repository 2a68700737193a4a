package io.streamgate.platform.http;

import java.util.List;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Admission in front of every handler, so that while handlers are the bottleneck the users a
 * flood is not go first. At most {@link AdmissionConfig#maxActive} requests are handled at
 * once (Jetty's {@link QoSHandler}); the rest wait, and the waiting request whose client has
 * the best {@link ClientStanding} goes next (first come, first served within a standing).
 *
 * <p>A request that waited longer than {@link AdmissionConfig#maxWait}, or finds
 * {@link AdmissionConfig#maxQueued} already waiting, is answered 503 with {@code Retry-After}.
 * Paths whose requests stay open for minutes (event streams, {@code streamingPaths}) skip
 * admission: a stream would hold one of the few slots for its whole life. Their handlers
 * bound their own connects.
 */
final class PriorityAdmission extends QoSHandler {
    static final String RETRY_AFTER_SECONDS = "1";

    private final int maxQueued;
    private final ClientStanding standing;

    PriorityAdmission(AdmissionConfig config, ClientStanding standing, List<String> streamingPaths) {
        this.maxQueued = config.maxQueued();
        this.standing = standing;
        setMaxRequestCount(config.maxActive());
        // Counted here rather than by QoSHandler, whose own refusal has no Retry-After.
        setMaxSuspendedRequestCount(-1);
        setMaxSuspend(config.maxWait());
        for (String path : streamingPaths) excludePath(path);
    }

    @Override
    public boolean onConditionsMet(Request request, Response response, Callback callback) throws Exception {
        // At least one waiting (maxQueued >= 1) means no slot is free: this one would wait too.
        if (getSuspendedRequestCount() >= maxQueued) {
            busy(request, response, callback, null);
            return true;
        }
        return super.onConditionsMet(request, response, callback);
    }

    /** Called only for a request that has to wait, so the lookups cost nothing while the edge keeps up. */
    @Override
    protected int getPriority(Request request) {
        return standing.of(request).ordinal();
    }

    @Override
    protected void failSuspended(Request request, Response response, Callback callback, int status, Throwable failure) {
        if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
            busy(request, response, callback, failure);
        } else {
            super.failSuspended(request, response, callback, status, failure);
        }
    }

    /** 503 with a problem body and {@code Retry-After} ({@link EdgeErrorHandler}). */
    static void busy(Request request, Response response, Callback callback, Throwable failure) {
        Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, EdgeErrorHandler.BUSY, failure);
    }
}
