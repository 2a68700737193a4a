package io.streamgate.ingest.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.platform.http.ProblemException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * At most {@code concurrency} password hashes at once in this process. Each Argon2 run holds
 * about 19 MiB and a core for tens of milliseconds, so without a bound enough simultaneous
 * sign-ins from enough addresses exhaust the heap and starve every other request of CPU. A
 * request that finds every permit taken waits at most {@code maxWait} (a fair queue, so no one
 * starves) and is then refused with a retryable 503: a thread parked in a queue is a thread the
 * rest of the API cannot use.
 */
final class PasswordHashing {
    static final int RETRY_AFTER_SECONDS = 1;

    private final Semaphore permits;
    private final int concurrency;
    private final long maxWaitNanos;
    private final Counter hashed;
    private final Counter refused;

    PasswordHashing(int concurrency, Duration maxWait, MeterRegistry metrics) {
        this.concurrency = concurrency;
        this.permits = new Semaphore(concurrency, true);
        this.maxWaitNanos = maxWait.toNanos();
        this.hashed = Counter.builder("auth.password.hashes")
                .description("password hashes run (registrations and sign-ins, unknown emails included)").register(metrics);
        this.refused = Counter.builder("auth.password.hashes.refused")
                .description("password hashes refused because every permit was taken (answered 503)").register(metrics);
        Gauge.builder("auth.password.hashes.active", this, PasswordHashing::active)
                .description("password hashes running now").register(metrics);
    }

    /** Runs {@code hashing} under a permit, or throws a 503 problem with Retry-After when none frees up in time. */
    <T> T run(Supplier<T> hashing) {
        boolean acquired;
        try {
            acquired = maxWaitNanos == 0 ? permits.tryAcquire() : permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            refused.increment();
            throw ProblemException.unavailable("password_hashing_busy",
                    "too many sign-ins are being checked at once; retry shortly", RETRY_AFTER_SECONDS);
        }
        try {
            hashed.increment();
            return hashing.get();
        } finally {
            permits.release();
        }
    }

    int active() {
        return concurrency - permits.availablePermits();
    }
}
