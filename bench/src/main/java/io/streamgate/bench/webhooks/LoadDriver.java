package io.streamgate.bench.webhooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A minimal closed-loop HTTP load driver: N connections (one virtual user each, HTTP/1.1,
 * keep-alive) send requests back to back for a duration; throughput and latency percentiles.
 * Stand-in until the shared io.streamgate.bench.HttpLoad lands; to be reconciled with it.
 */
final class LoadDriver {
    record Result(long requests, long errors, double perSecond, double p50Ms, double p99Ms) {
        String row(String name) {
            return String.format("| %s | %,d | %,.0f | %.2f | %.2f | %d |", name, requests, perSecond, p50Ms, p99Ms, errors);
        }
    }

    private LoadDriver() {}

    /** @param request builds the i-th request of a user (called on that user's thread) */
    static Result run(int connections, Duration warmup, Duration measure, IntFunction<HttpRequest> request) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Runnable::run).build();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong errors = new AtomicLong();
        List<long[]> samples = new ArrayList<>();
        List<Thread> users = new ArrayList<>();
        AtomicLong counter = new AtomicLong();
        for (int u = 0; u < connections; u++) {
            long[] mine = new long[2_000_000];
            int[] n = {0};
            samples.add(mine);
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    HttpRequest r = request.apply((int) counter.getAndIncrement());
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<Void> resp = client.send(r, HttpResponse.BodyHandlers.discarding());
                        long took = System.nanoTime() - t0;
                        if (resp.statusCode() != 200) errors.incrementAndGet();
                        else if (measuring.get() && n[0] < mine.length - 1) mine[++n[0]] = took;
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                mine[0] = n[0];
            });
            t.setDaemon(true);
            users.add(t);
            t.start();
        }
        Thread.sleep(warmup.toMillis());
        errors.set(0);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(measure.toMillis());
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        for (Thread t : users) t.join(10_000);
        int total = 0;
        for (long[] s : samples) total += (int) s[0];
        long[] all = new long[total];
        int i = 0;
        for (long[] s : samples) {
            System.arraycopy(s, 1, all, i, (int) s[0]);
            i += (int) s[0];
        }
        Arrays.sort(all);
        return new Result(total, errors.get(), total / (elapsed / 1e9), pct(all, 0.50), pct(all, 0.99));
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    static HttpRequest post(URI uri, String body, String... headers) {
        var b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b.build();
    }
}
