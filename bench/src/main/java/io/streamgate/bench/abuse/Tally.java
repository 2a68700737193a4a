package io.streamgate.bench.abuse;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * What a flood got back: answers by status, refusals (429 and 503) that came without a
 * {@code Retry-After} header, requests the client gave up on (its timeout: the server left them
 * hanging) and transport failures (connection refused or reset before an answer). Every request a
 * flood sends ends in exactly one of these, so the counts add up to what was sent.
 */
final class Tally {
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder refusedWithoutRetryAfter = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder transportFailures = new LongAdder();
    private final Map<String, LongAdder> failureKinds = new ConcurrentHashMap<>();

    /** An answer's status line and headers arrived. */
    void answered(Response response) {
        int status = response.getStatus();
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        if ((status == 429 || status == 503) && response.getHeaders().get(HttpHeader.RETRY_AFTER) == null) {
            refusedWithoutRetryAfter.increment();
        }
    }

    /**
     * A finished exchange: its answer if one came, otherwise why not. A body still incomplete at
     * the client's timeout is a timeout (the server left it hanging); an answer whose body failed
     * otherwise after the headers (the server closed mid-body) counts as answered with its status.
     */
    void completed(Result result) {
        Response response = result.getResponse();
        if (result.isFailed() && isTimeout(result.getFailure())) {
            timeouts.increment();
        } else if (response != null && response.getStatus() > 0) {
            answered(response);
        } else {
            failed(result.getFailure());
        }
    }

    /** No answer: the client's timeout (hanging) or a transport failure. */
    void failed(Throwable failure) {
        if (isTimeout(failure)) {
            timeouts.increment();
        } else {
            transportFailures.increment();
            String kind = failure == null ? "unknown" : failure.getClass().getSimpleName();
            failureKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }
    }

    /** Requests still unanswered when the client stopped waiting for them. */
    void timedOut(long n) {
        timeouts.add(n);
    }

    static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) return true;
        }
        return false;
    }

    long total() {
        return answered() + timeouts.sum() + transportFailures.sum();
    }

    long answered() {
        return byStatus.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long count(int status) {
        LongAdder a = byStatus.get(status);
        return a == null ? 0 : a.sum();
    }

    long refused() {
        return count(429) + count(503);
    }

    /** Answers 500-599 other than 503: errors, not refusals. */
    long serverErrors() {
        return byStatus.entrySet().stream().filter(e -> e.getKey() >= 500 && e.getKey() != 503).mapToLong(e -> e.getValue().sum()).sum();
    }

    long refusedWithoutRetryAfter() {
        return refusedWithoutRetryAfter.sum();
    }

    long timeouts() {
        return timeouts.sum();
    }

    long transportFailures() {
        return transportFailures.sum();
    }

    /** Status → count, in status order. */
    Map<Integer, Long> statuses() {
        Map<Integer, Long> out = new TreeMap<>();
        byStatus.forEach((status, n) -> out.put(status, n.sum()));
        return out;
    }

    Map<String, Long> failureKinds() {
        Map<String, Long> out = new TreeMap<>();
        failureKinds.forEach((kind, n) -> out.put(kind, n.sum()));
        return out;
    }

    /** e.g. {@code 200: 1,204 · 429: 88,311}. */
    String statusSummary() {
        StringBuilder out = new StringBuilder();
        statuses().forEach((status, n) -> {
            if (out.length() > 0) out.append(" · ");
            out.append(status).append(": ").append(String.format(java.util.Locale.ROOT, "%,d", n));
        });
        return out.length() == 0 ? "none" : out.toString();
    }
}
