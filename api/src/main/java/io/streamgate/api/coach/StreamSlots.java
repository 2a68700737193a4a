package io.streamgate.api.coach;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many event streams each user holds open on this instance, capped per user. A user is
 * in the map only while at least one of their streams is open, so the map never holds more
 * entries than there are open streams (each of which costs far more than its entry): memory
 * is bounded by the streams themselves, with nothing to expire or sweep.
 *
 * <p>Per instance, not across instances: what the cap protects (sockets, write queues, hub
 * fan-out, the scheduler's timers) belongs to the instance that holds the stream, and a shared
 * count would need leases renewed while streams live and reclaimed when an instance dies,
 * lest a crash lock its users out. With N instances a user holds at most N times the cap.
 */
final class StreamSlots {
    private final int perUser;
    private final Map<UUID, Integer> open = new ConcurrentHashMap<>();

    StreamSlots(int perUser) {
        this.perUser = perUser;
    }

    /** One open stream's place; {@link #release()} gives it back, once however often it is called. */
    final class Slot {
        private final UUID user;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(UUID user) {
            this.user = user;
        }

        void release() {
            if (released.compareAndSet(false, true)) open.computeIfPresent(user, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** A slot for one more stream of {@code user}, or null when they already hold {@link #perUser()}. */
    Slot tryAcquire(UUID user) {
        boolean[] granted = {false};
        open.compute(user, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= perUser) return n;
            granted[0] = true;
            return held + 1;
        });
        return granted[0] ? new Slot(user) : null;
    }

    int perUser() {
        return perUser;
    }
}
