package io.streamgate.platform.kafka;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one topology as one Kafka Streams application: readiness ({@code streams:<app id>} is
 * up only while RUNNING), Micrometer metrics, and a clean close that commits, flushes and
 * leaves the group.
 * A processing error replaces the stream thread instead of killing the application.
 */
public class StreamsComponent implements Component {
    private static final Logger log = LoggerFactory.getLogger(StreamsComponent.class);

    private final String applicationId;
    private final KafkaStreams streams;
    private KafkaStreamsMetrics metrics;
    private final Platform platform;

    public StreamsComponent(Platform platform, String applicationId, Topology topology, Properties overrides) {
        this.platform = platform;
        this.applicationId = applicationId;
        Properties props = platform.kafka().streams(applicationId);
        props.putAll(overrides);
        this.streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread of {} failed; replacing it", applicationId, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        platform.health().register("streams:" + applicationId, () -> streams.state() == KafkaStreams.State.RUNNING);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public String applicationId() {
        return applicationId;
    }

    @Override
    public void start() {
        metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(platform.metrics());
        streams.start();
    }

    /**
     * Commits, flushes and leaves the consumer group: without the leave, the group keeps this
     * member's partitions assigned until its session times out (45 s), so a restart, a rolling
     * upgrade or a scale-down stalls them that long; with it, the group rebalances at once.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        if (metrics != null) metrics.close();
    }
}
