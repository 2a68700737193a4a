package io.streamgate.processors.webhooks;

import io.streamgate.platform.Component;
import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.platform.kafka.StreamsComponent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the webhook app only once the forwarder has caught up with the retired topic: its
 * committed offsets reached end offsets read less than a second before. The retired records
 * are older than what ingest now writes to v2, so they must reach v2 first, or they would meet
 * their subscription's newer events later than the ordering grace; and the forwarder itself
 * may take a while to get its partitions (the stopped release's group members linger until
 * their session times out). On a deployment that never had the retired topic, or once it is
 * drained, that is one look at the offsets. Until then {@code streams:<app id>} is down in
 * {@code /health/ready}; records keep arriving in Kafka, nothing is refused.
 */
final class StartAfterDrain implements Component {
    private static final Logger log = LoggerFactory.getLogger(StartAfterDrain.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** Reaching end offsets read at most this long before counts as keeping pace with the topic. */
    private static final Duration CAUGHT_UP = Duration.ofSeconds(1);

    private final KafkaSettings kafka;
    private final String topic;
    private final String group;
    private final StreamsComponent app;
    private Thread waiter;
    private boolean started;
    private boolean closed;

    /** Starts {@code app} once consumer group {@code group} keeps pace with {@code topic}. */
    StartAfterDrain(KafkaSettings kafka, String topic, String group, StreamsComponent app) {
        this.kafka = kafka;
        this.topic = topic;
        this.group = group;
        this.app = app;
    }

    @Override
    public void start() {
        waiter = new Thread(this::awaitDrainThenStart, "drain-" + topic);
        waiter.setDaemon(true);
        waiter.start();
    }

    private void awaitDrainThenStart() {
        try (Admin admin = Admin.create(kafka.common("drain-" + topic))) {
            boolean announced = false;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Map<TopicPartition, Long> target = recordsToForward(admin);
                    long since = System.nanoTime();
                    for (long left; (left = left(admin, target)) > 0; Thread.sleep(POLL.toMillis())) {
                        if (!announced) {
                            log.info("{}: {} records of the retired topic {} to forward before {} starts", group, left, topic, app.applicationId());
                            announced = true;
                        }
                    }
                    if (System.nanoTime() - since <= CAUGHT_UP.toNanos()) break;
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    log.warn("cannot read the offsets of {} yet ({}); retrying", topic, e.toString());
                    Thread.sleep(POLL.toMillis());
                }
            }
            if (announced) log.info("{}: retired topic {} forwarded; starting {}", group, topic, app.applicationId());
        } catch (InterruptedException e) {
            return;
        }
        synchronized (this) {
            if (closed) return;
            app.start();
            started = true;
        }
    }

    /** The end offset of each partition that holds records now (a partition emptied by retention has nothing to forward). */
    private Map<TopicPartition, Long> recordsToForward(Admin admin) throws Exception {
        var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        description.partitions().forEach(p -> {
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
        });
        var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> target = new HashMap<>();
        ends.forEach((tp, end) -> {
            if (end.offset() > starts.get(tp).offset()) target.put(tp, end.offset());
        });
        return target;
    }

    private long left(Admin admin, Map<TopicPartition, Long> target) throws Exception {
        if (target.isEmpty()) return 0;
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long left = 0;
        for (var e : target.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            left += Math.max(0, e.getValue() - (c == null ? 0 : c.offset()));
        }
        return left;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (waiter != null) {
            waiter.interrupt();
            try {
                waiter.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (started) app.close();
        }
    }
}
