package io.streamgate.platform.kafka;

import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Stops a thread that polls a Kafka consumer: a consumer is not thread-safe, so the only
 * safe way in from outside is {@code wakeup()}, which makes the blocked {@code poll} throw
 * and lets the polling thread close its own consumer; then wait for it, bounded.
 */
public final class PollingThreads {
    private PollingThreads() {}

    /** Wakes {@code consumer} (may be null) and waits up to {@code timeout} for {@code thread} (may be null). */
    public static void stop(Consumer<?, ?> consumer, Thread thread, Duration timeout) {
        if (consumer != null) consumer.wakeup();
        if (thread == null) return;
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
