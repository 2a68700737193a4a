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
 * <p>Processing guarantee: at-least-once, made effectively exactly-once by the store's request-id
 * idempotency ({@link RefreshTokenTopology#REQUESTS_STORE}), chosen by measurement: exactly_once_v2,
 * even with every knob of {@link #latencyOverrides}, was several times slower at the median and
 * p99 and sustained fewer refreshes/s (the figures: BENCHMARKS.md, ## Auth, "Guarantee choice").
 * /auth/refresh waits for the verdict, and under EOS a read_committed edge sees it only after the
 * transaction commits, so EOS puts its commit latency on every refresh.
 *
 * <p>Why at-least-once stays correct: every decision is a pure function of (store, event), times
 * come from the event, and the successor is derived from the request, not random. After a crash,
 * events since the last commit are processed again: if the store already holds their effect (the
 * changelog was flushed), the verdict remembered under its request id is re-emitted instead of judging the event as a
 * second presentation of the token it rotated; if it does not, the event is judged again against
 * the same state and gives the same verdict and successor. What can repeat is output: a verdict
 * (the edge takes the first), an audit record (the sink ignores a known event id), a revocation
 * (the view is a set). {@code AUTH_PROCESSING_GUARANTEE=exactly_once_v2} switches back.
 */
public final class RefreshTokenProcessor {
    private RefreshTokenProcessor() {}

    public static StreamsComponent component(Platform platform) {
        AuthProcessorSettings settings = AuthProcessorSettings.from(platform.env());
        Properties overrides = latencyOverrides(settings.guarantee());
        return new StreamsComponent(platform, RefreshTokenTopology.APPLICATION_ID,
                RefreshTokenTopology.build(new StreamsBuilder(), settings.rules(), platform.clock(), platform.metrics()),
                overrides);
    }

    /** The request/reply latency knobs, as measured in BENCHMARKS.md, ## Auth. */
    public static Properties latencyOverrides(String guarantee) {
        Properties p = new Properties();
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        // Under EOS the edge sees a verdict only once its transaction commits, so commit often.
        // Under at-least-once a verdict is visible as soon as it is written; a commit there only
        // flushes the producer and records offsets, blocking the stream thread meanwhile, and a
        // longer interval only widens the replay after a crash, which idempotency absorbs.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) ? 10 : 200);
        p.put(StreamsConfig.POLL_MS_CONFIG, 5);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // A crashed or restarted instance holds its partitions (and every refresh of their users
        // waits, then gets 503) until its session times out: 10 s instead of the default 45 s.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        return p;
    }
}
