package io.streamgate.platform.http;

import io.javalin.http.Context;
import jakarta.servlet.AsyncContext;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.slf4j.MDC;

/**
 * Answers a request once some work completes, without a request thread waiting for it: the
 * handler returns, its thread goes back to the pool, and the answer is written from the
 * container's pool when the work is done. For waits on another system (a broker's
 * acknowledgement): a thread parked per request in flight costs two context switches per
 * request and grows the pool with the load.
 *
 * <p>The answer never runs on the thread that completed the work (a Kafka producer's one I/O
 * thread, say, where writing to a slow client would hold up every other send), and it runs
 * with the request id in the logging MDC. An exception it throws (a {@link ProblemException})
 * becomes the problem response, as in a synchronous handler.
 */
public final class AsyncReplies {
    private AsyncReplies() {}

    /**
     * @param answer called with the work's value, or with its failure (then value is null); writes
     *     the response or throws
     */
    public static <T> void whenDone(Context ctx, CompletionStage<T> work, BiConsumer<T, Throwable> answer) {
        String requestId = RequestIds.of(ctx);
        ctx.future(() -> {
            // Javalin has started the servlet's async mode before it asks for this future. Its
            // start() runs the answer on the container's pool; if the pool refuses (stopping), the
            // future fails and the request still gets an error answer, never hangs.
            AsyncContext async = ctx.req().getAsyncContext();
            MDC.remove(RequestIds.MDC_KEY); // this thread is done with the request
            return work.handleAsync((value, failure) -> {
                MDC.put(RequestIds.MDC_KEY, requestId);
                answer.accept(value, failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
                return null;
            }, async::start).toCompletableFuture();
        });
    }
}
