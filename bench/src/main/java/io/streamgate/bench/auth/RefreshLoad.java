package io.streamgate.bench.auth;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Load for stateful calls such as refresh-token chains, where each request depends on the
 * previous answer (so {@link io.streamgate.bench.HttpLoad}'s fixed request factory does not fit),
 * and an open loop is needed for latency at a given rate: an open loop
 * at a fixed rate, where latency counts from the request's scheduled time so a slow server cannot
 * hide its queueing (no coordinated omission), and a closed loop of N workers for the sustained
 * maximum. Calls report success; anything else (errors, exceptions, no free user to send as)
 * counts as failed, and latency percentiles are over successful calls only.
 */
public final class RefreshLoad {
    private RefreshLoad() {}

    public record Result(String name, long ok, long failed, double seconds, double perSecond, double p50Ms, double p99Ms, double maxMs) {
        public String row() {
            return String.format("| %s | %,d | %,d | %.0f | %.1f | %.1f | %.1f |", name, ok, failed, perSecond, p50Ms, p99Ms, maxMs);
        }

        public static String header() {
            return "| run | ok | failed | req/s | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|";
        }
    }

    /** {@code call} starts one request and completes with whether it succeeded. */
    public static Result openLoop(String name, double perSecond, Duration duration, Supplier<CompletableFuture<Boolean>> call) {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long interval = (long) (1_000_000_000L / perSecond);
        long total = (long) (perSecond * duration.toNanos() / 1e9);
        CompletableFuture<?>[] all = new CompletableFuture<?>[(int) total];
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                if (wait > 200_000) sleepNanos(wait - 100_000);
                else Thread.onSpinWait();
            }
            CompletableFuture<Boolean> f;
            try {
                f = call.get();
            } catch (RuntimeException e) {
                f = CompletableFuture.completedFuture(false);
            }
            all[i] = f.handle((success, error) -> {
                if (error == null && Boolean.TRUE.equals(success)) {
                    latencies.add(System.nanoTime() - scheduled);
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                return null;
            });
        }
        CompletableFuture.allOf(all).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        return result(name, ok.get(), failed.get(), seconds, latencies);
    }

    /** {@code concurrency} workers calling {@code call} back to back for {@code duration}. */
    public static Result closedLoop(String name, int concurrency, Duration duration, Supplier<Boolean> call) {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Thread[] workers = new Thread[concurrency];
        for (int w = 0; w < concurrency; w++) {
            workers[w] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    boolean success;
                    try {
                        success = call.get();
                    } catch (RuntimeException e) {
                        success = false;
                    }
                    if (success) latencies.add(System.nanoTime() - t0);
                    (success ? ok : failed).incrementAndGet();
                }
            });
            workers[w].start();
        }
        for (Thread t : workers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return result(name, ok.get(), failed.get(), (System.nanoTime() - start) / 1e9, latencies);
    }

    private static Result result(String name, long ok, long failed, double seconds, ConcurrentLinkedQueue<Long> latencies) {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(name, ok, failed, seconds, ok / seconds, pct(sorted, 0.50), pct(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
