package io.streamgate.bench.abuse;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A flood of {@code concurrency} workers, each sending its next request as soon as its last one
 * finished (what an attacker's {@code -c 64} does), on Jetty's asynchronous client: no thread
 * waits for an answer, so 64 workers cost the driver a few callbacks, not 64 blocked threads.
 * With a rate above zero, starts are spaced so the whole flood stays at or under that many per
 * second. Each request carries the client's timeout; every one ends in the {@link Tally}.
 */
final class ClosedLoop implements Flood {
    private final int concurrency;
    private final IntFunction<Request> next;
    private final Executor executor;
    private final Scheduler scheduler;
    private final long intervalNanos;
    private final Tally tally = new Tally();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong nextSlot = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean running;

    /**
     * @param next the request worker {@code i} sends next, timeout set (called once per request)
     * @param ratePerSecond the whole flood's ceiling; 0 for none
     */
    ClosedLoop(int concurrency, IntFunction<Request> next, Executor executor, Scheduler scheduler, double ratePerSecond) {
        this.concurrency = concurrency;
        this.next = next;
        this.executor = executor;
        this.scheduler = scheduler;
        this.intervalNanos = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < concurrency; i++) {
            int worker = i;
            executor.execute(() -> send(worker));
        }
    }

    private void send(int worker) {
        if (!running) return;
        long wait = paced();
        if (wait > 0) {
            scheduler.schedule(() -> fire(worker), wait, TimeUnit.NANOSECONDS);
        } else {
            fire(worker);
        }
    }

    /** Nanoseconds until this start's slot; 0 when unpaced. */
    private long paced() {
        if (intervalNanos == 0) return 0;
        long now = System.nanoTime();
        while (true) {
            long previous = nextSlot.get();
            long slot = previous == Long.MIN_VALUE ? now : Math.max(previous, now);
            if (nextSlot.compareAndSet(previous, slot + intervalNanos)) return slot - now;
        }
    }

    private void fire(int worker) {
        if (!running) return;
        Request request;
        try {
            request = next.apply(worker);
        } catch (RuntimeException e) {
            tally.failed(e);
            executor.execute(() -> send(worker));
            return;
        }
        inFlight.incrementAndGet();
        request.send(result -> {
            tally.completed(result);
            inFlight.decrementAndGet();
            // a new task, not a nested call: an answer that fails at once would otherwise recurse
            executor.execute(() -> send(worker));
        });
    }

    @Override
    public Outcome stop(Duration drain) throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + drain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        return new Outcome(tally, inFlight.get(), java.util.Map.of());
    }
}
