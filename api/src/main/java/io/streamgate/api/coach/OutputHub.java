package io.streamgate.api.coach;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.platform.kafka.PollingThreads;
import io.streamgate.schemas.coach.CoachOutput;
import io.streamgate.schemas.coach.CoachTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live half of coach streaming, one per API instance: a consumer assigned every
 * partition of {@code coach.output} (no group: every instance sees every record, so any
 * instance can serve any session), starting at the end, that hands each record to the
 * streams subscribed to its session. Only records with a subscriber are deserialised.
 *
 * <p>Gap-free hand-over to replay: {@link #subscribe} returns, atomically with the
 * registration, the offset up to which this hub has already dispatched records of the
 * session's partition. Everything below it must come from a replay, everything from it on
 * will be delivered live; the stream de-duplicates the overlap by sequence number.
 */
final class OutputHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutputHub.class);

    private final KafkaSettings kafka;
    private final MeterRegistry metrics;
    private final Object lock = new Object();
    private final Map<UUID, List<Consumer<CoachOutput>>> subscribers = new ConcurrentHashMap<>();
    private final Map<Integer, Long> dispatched = new HashMap<>(); // guarded by lock
    private final AtomicBoolean running = new AtomicBoolean();
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaClientMetrics consumerMetrics;
    private Thread thread;
    private int partitions;

    OutputHub(KafkaSettings kafka, MeterRegistry metrics) {
        this.kafka = kafka;
        this.metrics = metrics;
    }

    /** Assigns all partitions at their end and starts dispatching; returns when positions are known. */
    void start() {
        consumer = new KafkaConsumer<>(kafka.consumer("coach-hub", null));
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(metrics);
        List<TopicPartition> tps = consumer.partitionsFor(CoachTopics.OUTPUT.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        partitions = tps.size();
        consumer.assign(tps);
        consumer.seekToEnd(tps);
        synchronized (lock) {
            for (TopicPartition tp : tps) dispatched.put(tp.partition(), consumer.position(tp, Duration.ofSeconds(30)));
        }
        running.set(true);
        thread = new Thread(this::loop, "coach-output-hub");
        thread.setDaemon(true);
        thread.start();
    }

    boolean healthy() {
        return running.get() && thread != null && thread.isAlive();
    }

    private void loop() {
        try {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(100));
                synchronized (lock) {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        if (record.key() == null) continue;
                        UUID session;
                        try {
                            session = UUID.fromString(new String(record.key(), StandardCharsets.UTF_8));
                        } catch (IllegalArgumentException e) {
                            continue;
                        }
                        List<Consumer<CoachOutput>> subs = subscribers.get(session);
                        if (subs == null || subs.isEmpty()) continue;
                        CoachOutput output = CoachTopics.OUTPUT.valueSerde().deserializer().deserialize(record.topic(), record.value());
                        for (Consumer<CoachOutput> s : subs) s.accept(output);
                    }
                    for (TopicPartition tp : consumer.assignment()) dispatched.put(tp.partition(), consumer.position(tp));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("coach output hub stopped", e);
            running.set(false);
        }
    }

    /** The partition the worker's producer writes this session's output to (Kafka's key hash). */
    int partitionFor(UUID session) {
        return Utils.toPositive(Utils.murmur2(session.toString().getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * An offset at or below every output record a session created now will have: what this hub
     * has dispatched is at most the partition's end, and the session's records come later.
     */
    long lowerBound(int partition) {
        synchronized (lock) {
            return dispatched.get(partition);
        }
    }

    /** Subscribes; returns the offset from which this hub delivers the session's records live. */
    long subscribe(UUID session, int partition, Consumer<CoachOutput> subscriber) {
        synchronized (lock) {
            subscribers.computeIfAbsent(session, k -> new CopyOnWriteArrayList<>()).add(subscriber);
            return dispatched.get(partition);
        }
    }

    void unsubscribe(UUID session, Consumer<CoachOutput> subscriber) {
        subscribers.computeIfPresent(session, (k, list) -> {
            list.remove(subscriber);
            return list.isEmpty() ? null : list;
        });
    }

    int subscriberCount() {
        return subscribers.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public void close() {
        running.set(false);
        PollingThreads.stop(consumer, thread, Duration.ofSeconds(5));
        if (consumerMetrics != null) consumerMetrics.close();
        if (consumer != null) consumer.close(Duration.ofSeconds(5));
    }
}
