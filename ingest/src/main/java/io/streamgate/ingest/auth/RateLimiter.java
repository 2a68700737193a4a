package io.streamgate.ingest.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.platform.RefusedUntil;
import io.streamgate.platform.db.DatabaseException;
import io.streamgate.platform.http.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code limit} attempts per key per window, across every ingest instance: the count
 * lives in Postgres ({@link AttemptCounters}), and an attempt is counted before the work it
 * guards. In front of it, a bounded in-memory pre-filter ({@link RefusedUntil}) remembers the
 * keys this instance has seen at their limit and until their window ends, so a flood from one address is
 * refused here without a database round trip. An attempt given back on another instance (a
 * right password) is not seen by this memory until the window ends: it errs on the side of the
 * limit, never past it.
 */
final class RateLimiter {
    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    /** An attempt that was counted; give it back with {@link #refund} when it turned out not to count. */
    record Slot(String digest, Instant windowStart) {}

    private final String scope;
    private final int limit;
    private final Duration window;
    private final AttemptCounters counters;
    private final Clock clock;
    private final RefusedUntil<String> full;
    private final Counter refusedLocally;
    private final Counter refusedShared;

    RateLimiter(String scope, int limit, Duration window, AttemptCounters counters, Clock clock, long maxKeys, MeterRegistry metrics) {
        this.scope = scope;
        this.limit = limit;
        this.window = window;
        this.counters = counters;
        this.clock = clock;
        this.full = new RefusedUntil<>(clock, maxKeys);
        this.refusedLocally = Counter.builder("auth.rate_limit.refused").tag("limit", scope).tag("where", "local")
                .description("attempts refused by the in-memory pre-filter, without a database round trip").register(metrics);
        this.refusedShared = Counter.builder("auth.rate_limit.refused").tag("limit", scope).tag("where", "shared")
                .description("attempts refused by the shared counter in Postgres").register(metrics);
    }

    /**
     * Counts one attempt of {@code key}, or throws a 429 problem with Retry-After when the key
     * has used its attempts for this window (then nothing is counted).
     */
    Slot acquire(String key, String refusal) {
        String digest = digest(key);
        Instant now = clock.instant();
        Duration refusedFor = full.refusedFor(digest);
        if (refusedFor != null) {
            refusedLocally.increment();
            throw tooMany(refusedFor, refusal);
        }
        AttemptCounters.Count count;
        try {
            count = counters.count(digest, limit, window, now);
        } catch (DatabaseException e) {
            log.warn("cannot count a {} attempt: {}", scope, e.getMessage());
            throw ProblemException.unavailable("database_unavailable", "the database is unavailable; retry shortly", 2);
        }
        if (count.attempts() >= limit) full.refuse(digest, count.expiresAt());
        if (!count.admitted()) {
            refusedShared.increment();
            throw tooMany(Duration.between(now, count.expiresAt()), refusal);
        }
        return new Slot(digest, count.windowStart());
    }

    /**
     * Gives the attempt back (it succeeded, or its work never ran). Best effort: when the
     * database refuses, the attempt stays counted until its window ends, which errs on the
     * side of the limit.
     */
    void refund(Slot slot) {
        full.forget(slot.digest());
        try {
            counters.refund(slot.digest(), slot.windowStart());
        } catch (DatabaseException e) {
            log.warn("cannot give back a {} attempt: {}", scope, e.getMessage());
        }
    }

    /** Keys remembered by the pre-filter now (after pending evictions). */
    long localKeys() {
        return full.size();
    }

    /** The scope and key hashed: fixed-size keys, and no address or email stored in clear. */
    private String digest(String key) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest((scope + '\n' + key).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    private static ProblemException tooMany(Duration left, String detail) {
        long seconds = Math.max(1, (left.toMillis() + 999) / 1000);
        return new ProblemException(429, "rate_limited", "Too Many Requests", detail)
                .header("Retry-After", Long.toString(seconds)).with("retry_after", seconds);
    }
}
