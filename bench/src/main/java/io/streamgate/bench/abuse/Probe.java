package io.streamgate.bench.abuse;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The user the floods must not hurt: one signed-in user's GET every {@code interval}, open loop
 * (sent on schedule whether or not earlier ones have answered), latency counted from the
 * scheduled time, so a server that stalls cannot hide its queue behind a waiting client. Every
 * request is in the percentiles: one that failed or timed out counts with the time it took to
 * fail. Its own client and threads, so the floods' client work does not queue it.
 */
final class Probe {
    private final HttpClient client;
    private final URI uri;
    private final Supplier<String> bearer;
    private final Duration interval;
    private final Duration timeout;

    Probe(HttpClient client, URI uri, Supplier<String> bearer, Duration interval, Duration timeout) {
        this.client = client;
        this.uri = uri;
        this.bearer = bearer;
        this.interval = interval;
        this.timeout = timeout;
    }

    /** One window's latencies (ms) and outcomes. */
    record Window(int requests, long ok, long failed, long timeouts, double p50Ms, double p99Ms, double maxMs, Tally tally) {
        String brief() {
            return String.format(Locale.ROOT, "%d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms, failed %s",
                    requests, p50Ms, p99Ms, maxMs, failures());
        }

        /** e.g. {@code 0}, or {@code 28 (500: 25 · timeout: 3)}. */
        String failures() {
            if (failed == 0) return "0";
            StringBuilder out = new StringBuilder();
            tally.statuses().forEach((status, n) -> {
                if (status != 200) out.append(out.length() > 0 ? " · " : "").append(status).append(": ").append(n);
            });
            if (tally.timeouts() > 0) out.append(out.length() > 0 ? " · " : "").append("timeout: ").append(tally.timeouts());
            if (tally.transportFailures() > 0) out.append(out.length() > 0 ? " · " : "").append("no answer: ").append(tally.transportFailures());
            return failed + " (" + out + ")";
        }
    }

    /** Probes for {@code duration}, then waits for the last answers (each bounded by the timeout). */
    Window run(Duration duration) throws InterruptedException {
        long start = System.nanoTime();
        long step = interval.toNanos();
        int total = (int) (duration.toNanos() / step);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong ok = new AtomicLong();
        Tally tally = new Tally();
        CountDownLatch done = new CountDownLatch(total);
        String token = bearer.get();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * step;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            client.newRequest(uri).headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + token))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send((Result result) -> {
                        latencies.add(System.nanoTime() - scheduled);
                        tally.completed(result);
                        if (!result.isFailed() && result.getResponse().getStatus() == 200) ok.incrementAndGet();
                        done.countDown();
                    });
        }
        if (!done.await(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
            // past the client's own timeout: counted as hanging, at the time waited for them
            long missing = done.getCount();
            long waited = System.nanoTime() - (start + (total - 1) * step);
            for (long i = 0; i < missing; i++) latencies.add(waited);
            tally.timedOut(missing);
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Window(total, ok.get(), total - ok.get(), tally.timeouts(), pct(sorted, 0.50), pct(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, tally);
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int at = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, at))] / 1e6;
    }
}
