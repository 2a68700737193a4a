package io.streamgate.platform.http;

import io.streamgate.platform.config.Env;
import java.time.Duration;

/**
 * How many requests the edge handles at once, and how the rest wait ({@link PriorityAdmission}).
 *
 * @param maxActive requests handled at once; the rest wait in a queue ordered by priority.
 *     Enough to keep every core busy while some requests wait on Postgres or Kafka, few enough
 *     that a request taken from the queue is not sharing the cores with dozens of others
 * @param maxQueued requests that may wait at once; beyond that 503 with {@code Retry-After}
 * @param maxWait how long a request may wait before it is answered 503 with {@code Retry-After}
 * @param refusedDelay how long each request of a client refused a moment ago waits before it is
 *     handled ({@link RefusedClientDelay}); zero turns the delay off
 * @param refusalMemory how long a refused client waits behind the others (not a setting: long
 *     enough to span a flood's next requests, short enough that a user who mistyped a password
 *     is not held back)
 */
public record AdmissionConfig(int maxActive, int maxQueued, Duration maxWait, Duration refusedDelay, Duration refusalMemory) {
    public static final Duration REFUSAL_MEMORY = Duration.ofSeconds(2);
    /** Long enough to cut a closed-loop flood to a few requests a second per connection; short beside a human's retry. */
    public static final Duration REFUSED_DELAY = Duration.ofMillis(250);

    public AdmissionConfig {
        if (maxActive < 1 || maxQueued < 1 || maxWait.isNegative() || maxWait.isZero() || refusedDelay.isNegative()
                || refusalMemory.isNegative() || refusalMemory.isZero()) {
            throw new IllegalArgumentException("admission needs at least one active and one queued request and positive durations");
        }
    }

    public AdmissionConfig(int maxActive, int maxQueued, Duration maxWait) {
        this(maxActive, maxQueued, maxWait, REFUSED_DELAY, REFUSAL_MEMORY);
    }

    /** Four per core: requests blocked on I/O leave room, and a waiting request is admitted after a few others, not dozens. */
    public static AdmissionConfig defaults() {
        return new AdmissionConfig(4 * Runtime.getRuntime().availableProcessors(), 1024, Duration.ofSeconds(5));
    }

    static AdmissionConfig from(Env env) {
        AdmissionConfig defaults = defaults();
        return new AdmissionConfig(
                env.integer("HTTP_MAX_ACTIVE_REQUESTS", defaults.maxActive(), 1, 100_000),
                env.integer("HTTP_MAX_QUEUED_REQUESTS", defaults.maxQueued(), 1, 1_000_000),
                env.duration("HTTP_MAX_QUEUE_WAIT", defaults.maxWait(), false),
                env.duration("HTTP_REFUSED_CLIENT_DELAY", defaults.refusedDelay(), true),
                REFUSAL_MEMORY);
    }
}
