package io.streamgate.bench.abuse;

import java.time.Duration;
import java.util.Map;

/** One kind of hostile load, started beside the probe and stopped when its phase ends. */
interface Flood {
    void start();

    /**
     * Stops sending and waits up to {@code drain} for what is in flight; whatever is still in
     * flight then was left hanging past the client's own timeout.
     */
    Outcome stop(Duration drain) throws InterruptedException;

    /**
     * @param leftInFlight requests still unanswered after the drain (beyond the client timeout)
     * @param extra figures of this kind of flood (e.g. streams held), in report order
     */
    record Outcome(Tally tally, long leftInFlight, Map<String, Long> extra) {
        long hanging() {
            return tally.timeouts() + leftInFlight;
        }
    }
}
