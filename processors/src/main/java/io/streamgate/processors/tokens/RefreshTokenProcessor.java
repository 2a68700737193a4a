package io.streamgate.processors.tokens;

import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.StreamsComponent;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs {@link RefreshTokenTopology} as the {@code streamgate-auth} Streams application.
 *
 * <p>Processing guarantee: exactly_once_v2 by default, with the latency knobs of
 * KAFKA-NOTES.md (linger 0, commit every 10 ms, poll 5 ms, no record cache), because /auth/refresh
 * waits for the verdict and a read_committed reader sees it only after the commit. The
 * alternative, at-least-once (AUTH_PROCESSING_GUARANTEE=at_least_once), is kept correct by the
 * store's request-id idempotency ({@link UserTokens#recent()}): a replayed event gets its first
 * verdict again instead of being judged as a reuse of the token it already rotated. Measured
 * side by side in BENCHMARKS.md (## Auth): EOS meets the refresh latency goal on this machine,
 * so it stays the default and at-least-once is not worth its weaker guarantees (a replay may
 * emit a duplicate audit or revocation record, harmless but noisy).
 */
public final class RefreshTokenProcessor {
    private RefreshTokenProcessor() {}

    public static StreamsComponent component(Platform platform) {
        TokenRules rules = TokenRules.from(platform.env());
        String guarantee = platform.env().string("AUTH_PROCESSING_GUARANTEE", StreamsConfig.EXACTLY_ONCE_V2);
        if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            platform.env().problem("AUTH_PROCESSING_GUARANTEE must be exactly_once_v2 or at_least_once, got '" + guarantee + "'");
        }
        return new StreamsComponent(platform, RefreshTokenTopology.APPLICATION_ID,
                RefreshTokenTopology.build(new StreamsBuilder(), rules, platform.clock()), latencyOverrides(guarantee));
    }

    /** The request/reply latency knobs measured in ../shared/KAFKA-NOTES.md. */
    public static Properties latencyOverrides(String guarantee) {
        Properties p = new Properties();
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 10);
        p.put(StreamsConfig.POLL_MS_CONFIG, 5);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // A crashed or restarted instance holds its partitions (and every refresh of their users
        // waits, then gets 503) until its session times out: 10 s instead of the default 45 s.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        return p;
    }
}
