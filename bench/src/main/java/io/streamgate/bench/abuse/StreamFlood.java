package io.streamgate.bench.abuse;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A flood of event-stream connects: {@code concurrency} attempts in flight at once, each
 * finished when its status line and headers arrive; a stream the server accepts (200) is held
 * open and its slot starts the next attempt at once, so held streams pile up the way a hostile
 * client's would. At {@code maxHeld} the oldest held stream is closed for each new one (the
 * client's own sockets are finite too). An attempt with no headers within the timeout was left
 * hanging. Streams the server ends during the phase (a maximum duration, a finished session)
 * are counted apart from those the client closed.
 */
final class StreamFlood implements Flood {
    private final int concurrency;
    private final int maxHeld;
    private final IntFunction<CompletableFuture<Request>> attempts;
    private final Executor executor;
    private final Scheduler scheduler;
    private final Duration timeout;
    private final Tally tally;
    private final ConcurrentLinkedDeque<Held> held = new ConcurrentLinkedDeque<>();
    private final AtomicInteger heldCount = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicLong heldPeak = new AtomicLong();
    private final AtomicLong closedByServer = new AtomicLong();
    private final AtomicLong closedAtCap = new AtomicLong();
    private volatile boolean running;

    private static final class Held {
        final Request request;
        final AtomicBoolean closedByUs = new AtomicBoolean();

        Held(Request request) {
            this.request = request;
        }

        void close() {
            if (closedByUs.compareAndSet(false, true)) request.abort(new ClosedByClient());
        }
    }

    /** Why the client ended a held stream: not a failure of the server. */
    static final class ClosedByClient extends Exception {
        ClosedByClient() {
            super("closed by the bench", null, false, false);
        }
    }

    /**
     * @param attempts the next stream request (attempt number given), or a future of null when
     *     a step before it (a ticket) already failed; such steps record their answers in {@code tally}
     */
    StreamFlood(int concurrency, int maxHeld, IntFunction<CompletableFuture<Request>> attempts, Executor executor, Scheduler scheduler,
                Duration timeout, Tally tally) {
        this.concurrency = concurrency;
        this.maxHeld = maxHeld;
        this.attempts = attempts;
        this.executor = executor;
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.tally = tally;
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < concurrency; i++) executor.execute(this::attempt);
    }

    private void attempt() {
        if (!running) return;
        inFlight.incrementAndGet();
        CompletableFuture<Request> next;
        try {
            next = attempts.apply(counter.getAndIncrement());
        } catch (RuntimeException e) {
            next = CompletableFuture.failedFuture(e);
        }
        next.whenComplete((request, error) -> {
            if (error != null || request == null) {
                if (error != null) tally.failed(error);
                finished();
                return;
            }
            open(request);
        });
    }

    private void open(Request request) {
        AtomicBoolean answered = new AtomicBoolean();
        Held stream = new Held(request);
        var noAnswer = scheduler.schedule(() -> {
            if (!answered.get()) request.abort(new TimeoutException("no status line within " + timeout));
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        request.onResponseHeaders(response -> {
            answered.set(true);
            noAnswer.cancel();
            tally.answered(response);
            if (response.getStatus() == 200) {
                held.add(stream);
                long now = heldCount.incrementAndGet();
                heldPeak.accumulateAndGet(now, Math::max);
                while (heldCount.get() > maxHeld) {
                    Held oldest = held.poll();
                    if (oldest == null) break;
                    heldCount.decrementAndGet();
                    closedAtCap.incrementAndGet();
                    oldest.close();
                }
                finished();
            }
        }).send(result -> {
            if (!answered.get()) {
                noAnswer.cancel();
                tally.failed(result.getFailure());
                finished();
                return;
            }
            Response response = result.getResponse();
            if (response.getStatus() != 200) {
                finished();
                return;
            }
            // a stream the client closed left the held set (and its count) when it was closed
            if (!held.remove(stream)) return;
            heldCount.decrementAndGet();
            if (running) closedByServer.incrementAndGet();
        });
    }

    private void finished() {
        inFlight.decrementAndGet();
        executor.execute(this::attempt);
    }

    @Override
    public Outcome stop(Duration drain) throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + drain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        long left = inFlight.get();
        Map<String, Long> extra = new LinkedHashMap<>();
        extra.put("streams_held_peak", heldPeak.get());
        extra.put("streams_held_at_end", (long) heldCount.get());
        extra.put("streams_closed_by_server", closedByServer.get());
        extra.put("streams_closed_at_client_cap", closedAtCap.get());
        Held h;
        while ((h = held.poll()) != null) {
            heldCount.decrementAndGet();
            h.close();
        }
        return new Outcome(tally, left, extra);
    }
}
