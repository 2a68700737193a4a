package io.streamgate.platform;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * An instance's memory of who a shared limit (counted in Postgres) has refused, and until
 * when: the next attempts are refused from here without a round trip. Bounded (Caffeine), each
 * entry gone when its time is up. It only ever refuses what the shared limit already refused,
 * so the limit still holds across instances; an entry this instance has not seen costs one
 * more round trip, never a request past the limit.
 *
 * @param <K> what is limited: a user, a hashed address
 */
public final class RefusedUntil<K> {
    private final Clock clock;
    private final Cache<K, Instant> until;

    public RefusedUntil(Clock clock, long maxKeys) {
        this.clock = clock;
        this.until = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfter(Expiry.<K, Instant>writing((key, value) -> left(value)))
                .build();
    }

    /** Remembers that {@code key} is refused until {@code instant}. */
    public void refuse(K key, Instant instant) {
        until.put(key, instant);
    }

    /** How long {@code key} is still refused, or null when it is not (or this instance does not know). */
    public Duration refusedFor(K key) {
        Instant known = until.getIfPresent(key);
        if (known == null) return null;
        Duration left = left(known);
        return left.isZero() ? null : left;
    }

    /** Forgets {@code key} (its attempt was given back). */
    public void forget(K key) {
        until.invalidate(key);
    }

    /** Keys remembered now, after pending evictions. */
    public long size() {
        until.cleanUp();
        return until.estimatedSize();
    }

    private Duration left(Instant instant) {
        Duration left = Duration.between(clock.instant(), instant);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
