package io.streamgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * A small closed-loop HTTP load driver: {@code connections} workers, each with its own
 * HTTP/1.1 client (so its own keep-alive connection), send the next request as soon as the
 * previous answer is read, for a warm-up (not recorded) and then a measured duration.
 * Reports throughput and latency percentiles from every request (no sampling).
 *
 * <pre>{@code
 * HttpLoad.Result bare = HttpLoad.of("bare", URI.create(base + "/bare")).connections(16).run();
 * HttpLoad.Result mine = HttpLoad.of("mine", () -> HttpRequest.newBuilder(uri).POST(...).build()).run();
 * System.out.println(HttpLoad.Result.HEADER); System.out.println(mine.row(bare));
 * }</pre>
 *
 * Compare only results of one run on one machine: ratios to a same-run baseline, never
 * absolute numbers across machines.
 */
public final class HttpLoad {
    private final String name;
    private final Supplier<HttpRequest> requests;
    private int connections = 16;
    private Duration warmup = Duration.ofSeconds(3);
    private Duration duration = Duration.ofSeconds(10);
    private IntPredicate expectedStatus = s -> s >= 200 && s < 300;

    private HttpLoad(String name, Supplier<HttpRequest> requests) {
        this.name = name;
        this.requests = requests;
    }

    /** Load from a request factory (called once per request; may vary the request). */
    public static HttpLoad of(String name, Supplier<HttpRequest> requests) {
        return new HttpLoad(name, requests);
    }

    /** GETs of one URI. */
    public static HttpLoad of(String name, URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30)).build();
        return new HttpLoad(name, () -> request);
    }

    public String name() {
        return name;
    }

    public HttpLoad connections(int n) {
        this.connections = n;
        return this;
    }

    public HttpLoad warmup(Duration d) {
        this.warmup = d;
        return this;
    }

    public HttpLoad duration(Duration d) {
        this.duration = d;
        return this;
    }

    /** Which statuses count as success (default 2xx); others are counted as errors. */
    public HttpLoad expectStatus(IntPredicate statuses) {
        this.expectedStatus = statuses;
        return this;
    }

    public Result run() throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        List<Worker> workers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            Worker w = new Worker(measureFrom, end, done);
            workers.add(w);
            Thread t = new Thread(w, "load-" + name + "-" + i);
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        Map<String, ThreadCpu.ThreadTime> cpuBefore = ThreadCpu.snapshot();
        done.await();
        Map<String, Double> cpu = ThreadCpu.between(cpuBefore, ThreadCpu.snapshot());
        long total = workers.stream().mapToLong(w -> w.count).sum();
        long[] all = new long[(int) total];
        int at = 0;
        long errors = 0;
        for (Worker w : workers) {
            System.arraycopy(w.latencies, 0, all, at, w.count);
            at += w.count;
            errors += w.errors;
        }
        Arrays.sort(all);
        double seconds = duration.toNanos() / 1e9;
        return new Result(name, connections, total, errors, seconds, total / seconds,
                percentile(all, 0.50), percentile(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6, cpu);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private final class Worker implements Runnable {
        final long measureFrom;
        final long end;
        final CountDownLatch done;
        long[] latencies = new long[1 << 14];
        int count;
        long errors;

        Worker(long measureFrom, long end, CountDownLatch done) {
            this.measureFrom = measureFrom;
            this.end = end;
            this.done = done;
        }

        @Override
        public void run() {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            try {
                long now;
                while ((now = System.nanoTime()) < end) {
                    boolean ok;
                    try {
                        HttpResponse<byte[]> response = client.send(requests.get(), HttpResponse.BodyHandlers.ofByteArray());
                        ok = expectedStatus.test(response.statusCode());
                    } catch (java.io.IOException e) {
                        ok = false;
                    }
                    long after = System.nanoTime();
                    if (now >= measureFrom && after <= end) {
                        if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
                        latencies[count++] = after - now;
                        if (!ok) errors++;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        }
    }

    /**
     * One measured run. Latencies in milliseconds, throughput in requests per second;
     * {@code cpuSeconds} is this process's CPU time by {@link ThreadCpu} role over the measured window.
     */
    public record Result(String name, int connections, long requests, long errors, double seconds,
                         double throughput, double p50Ms, double p99Ms, double maxMs,
                         Map<String, Double> cpuSeconds) {

        public static final String HEADER = "| run | connections | requests | errors | req/s | p50 ms | p99 ms | max ms | req/s vs baseline |\n"
                + "|---|---|---|---|---|---|---|---|---|";

        /** CPU microseconds per request of each role, e.g. {@code http server 120 · broker 40 · ...}. */
        public String cpuPerRequest() {
            StringBuilder out = new StringBuilder();
            double totalUs = 0;
            for (var e : cpuSeconds.entrySet()) {
                double us = e.getValue() * 1e6 / Math.max(1, requests);
                totalUs += us;
                if (out.length() > 0) out.append(" · ");
                out.append(e.getKey()).append(' ').append(Math.round(us));
            }
            return "CPU µs per request, " + name + ": " + out + " · total " + Math.round(totalUs);
        }

        /** A markdown table row; {@code baseline} may be null (or this result itself). */
        public String row(Result baseline) {
            String ratio = baseline == null || baseline == this ? "1.00 (baseline)" : String.format(Locale.ROOT, "%.2f", throughput / baseline.throughput);
            return String.format(Locale.ROOT, "| %s | %d | %,d | %d | %,.0f | %.2f | %.2f | %.1f | %s |",
                    name, connections, requests, errors, throughput, p50Ms, p99Ms, maxMs, ratio);
        }
    }
}
