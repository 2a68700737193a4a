package io.streamgate.platform.db;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.PollingThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies topics into Postgres with the worker pool: one database transaction per poll, then
 * the offsets. A database write cannot join a Kafka transaction, so exactly-once comes from
 * the writer being idempotent (read_committed input, rows keyed by event id or version): a
 * crash between the database commit and the offset commit replays a batch that changes
 * nothing. A failed batch (Postgres down, a bug) is rewound and retried a second later.
 */
public final class PostgresSink implements Component {
    private static final Logger log = LoggerFactory.getLogger(PostgresSink.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    /** Writes one batch inside the sink's transaction; must be safe to run again for the same records. */
    @FunctionalInterface
    public interface BatchWriter {
        void write(Connection connection, ConsumerRecords<byte[], byte[]> records) throws SQLException;
    }

    private final Platform platform;
    private final String name;
    private final String groupId;
    private final List<String> topics;
    private final int maxPollRecords;
    private final BatchWriter writer;
    private final Counter failures;
    private volatile boolean running;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaClientMetrics metrics;
    private Thread thread;

    /**
     * @param name names the thread, the client and the readiness check
     */
    public PostgresSink(Platform platform, String name, String groupId, List<String> topics, int maxPollRecords, BatchWriter writer) {
        this.platform = platform;
        this.name = name;
        this.groupId = groupId;
        this.topics = List.copyOf(topics);
        this.maxPollRecords = maxPollRecords;
        this.writer = writer;
        // Registered now, not at the first failure, so the alert's rate has a 0 series to read.
        this.failures = Counter.builder("sink.batch.failures").tag("sink", name)
                .description("batches the sink could not write to Postgres and rewound to retry").register(platform.metrics());
        platform.health().register(name, () -> running && thread != null && thread.isAlive());
    }

    @Override
    public void start() {
        Map<String, Object> props = platform.kafka().consumer(name, groupId);
        props.put("max.poll.records", maxPollRecords);
        consumer = new KafkaConsumer<>(props);
        metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(platform.metrics());
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(topics);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) continue;
                try {
                    platform.db().inWorkerTransaction(c -> {
                        writer.write(c, records);
                        return null;
                    });
                    consumer.commitSync();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    failures.increment();
                    log.warn("{} could not write a batch of {} records; retrying", name, records.count(), e);
                    rewind(records);
                    Thread.sleep(RETRY_AFTER.toMillis());
                }
            }
        } catch (WakeupException e) {
            if (running) log.error("{} woken up while running; stopped", name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("{} stopped; this instance is no longer ready", name, e);
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Seeks back to the first record of the failed batch on each partition. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        first.forEach(consumer::seek);
    }

    @Override
    public void close() {
        running = false;
        PollingThreads.stop(consumer, thread, Duration.ofSeconds(10));
        if (metrics != null) metrics.close();
    }
}
