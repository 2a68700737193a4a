package io.streamgate.ingest.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixed-window counters per key (an IP, an account). In memory, per instance: with N edge
 * instances behind a balancer an attacker gets at most N times the limit, which still turns
 * an online guessing attack from millions of tries into hundreds.
 */
final class RateLimiter {
    private record Window(long startMillis, int count) {}

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    RateLimiter(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Seconds until {@code key} may try again, or 0 if it is under the limit now (nothing counted). */
    long retryAfterSeconds(String key) {
        Window w = windows.get(key);
        long now = clock.millis();
        if (w == null || now - w.startMillis() >= window.toMillis() || w.count() < limit) return 0;
        return Math.max(1, (w.startMillis() + window.toMillis() - now + 999) / 1000);
    }

    /** Counts one attempt for {@code key}. */
    void record(String key) {
        long now = clock.millis();
        if (windows.size() > 100_000) windows.values().removeIf(w -> now - w.startMillis() >= window.toMillis());
        windows.compute(key, (k, w) -> w == null || now - w.startMillis() >= window.toMillis()
                ? new Window(now, 1) : new Window(w.startMillis(), w.count() + 1));
    }

    void reset(String key) {
        windows.remove(key);
    }
}
