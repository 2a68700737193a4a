package io.streamgate.client.coach;

import java.time.Duration;
import java.util.Random;

/**
 * Reconnection delays: exponential from a base (the server's {@code retry:} hint when it sent
 * one) up to a cap, with jitter so that many clients dropped by the same incident do not
 * reconnect in lockstep. With jitter j, attempt n waits a uniformly random time in
 * {@code [d·(1-j), d]} where {@code d = min(cap, base·multiplier^(n-1))}.
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) throw new IllegalArgumentException("need 0 <= initial <= max");
        if (multiplier < 1) throw new IllegalArgumentException("multiplier must be >= 1");
        if (jitter < 0 || jitter > 1) throw new IllegalArgumentException("jitter must be within [0, 1]");
    }

    public static Backoff defaults() {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.5);
    }

    /** The delay before reconnection attempt {@code attempt} (1-based), from {@code base}. */
    public Duration delay(int attempt, Duration base, Random random) {
        double d = base.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double capped = Math.min(d, max.toMillis());
        double jittered = capped * (1 - jitter * random.nextDouble());
        return Duration.ofMillis(Math.round(jittered));
    }

    /** The upper bound of {@link #delay} for an attempt: what the delay is without jitter. */
    public Duration ceiling(int attempt, Duration base) {
        double d = base.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.round(Math.min(d, max.toMillis())));
    }
}
