package io.streamgate.platform.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Slows the clients the edge has just refused: while a client's {@link ClientStanding} is
 * {@code REFUSED}, each of its requests waits {@link AdmissionConfig#refusedDelay} before it
 * is handled. A flood that retries its refusals at once, in a closed loop, then sends a few
 * requests a second per connection instead of thousands, and the cores go to everyone else;
 * a cheap refusal is still a parsed request, a handler, a written answer and the flood's own
 * next request, all on the cores the other users need.
 *
 * <p>Nothing is refused here: after the wait the request is handled as any other and may
 * succeed (its window has passed). The wait holds no thread, only a scheduler entry; at most
 * {@link AdmissionConfig#maxQueued} requests wait at once, beyond that 503 with
 * {@code Retry-After}. While no client is refused, nothing is looked up.
 */
final class RefusedClientDelay extends Handler.Wrapper {
    private final ClientStanding standing;
    private final long delayMillis;
    private final int maxDelayed;
    private final AtomicInteger delayed = new AtomicInteger();

    RefusedClientDelay(AdmissionConfig config, ClientStanding standing, Handler next) {
        super(next);
        this.standing = standing;
        this.delayMillis = config.refusedDelay().toMillis();
        this.maxDelayed = config.maxQueued();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (delayMillis == 0 || !standing.anyRefused() || standing.of(request) != ClientStanding.Standing.REFUSED) {
            return super.handle(request, response, callback);
        }
        if (delayed.incrementAndGet() > maxDelayed) {
            delayed.decrementAndGet();
            PriorityAdmission.busy(request, response, callback, null);
            return true;
        }
        // The scheduler has one thread: it only hands the request back to the pool.
        request.getComponents().getScheduler().schedule(
                () -> request.getComponents().getExecutor().execute(() -> handleDelayed(request, response, callback)),
                delayMillis, TimeUnit.MILLISECONDS);
        return true;
    }

    /** Requests waiting out their delay now. */
    int delayedRequestCount() {
        return delayed.get();
    }

    private void handleDelayed(Request request, Response response, Callback callback) {
        delayed.decrementAndGet();
        try {
            Handler next = getHandler();
            if (next == null || !next.handle(request, response, callback)) {
                Response.writeError(request, response, callback, 404);
            }
        } catch (Throwable failure) {
            Response.writeError(request, response, callback, failure);
        }
    }
}
