package io.streamgate.ingest.auth;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.PollingThreads;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.TokenVerdict;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reply side of /auth/refresh's request/reply. Each edge instance names one partition of the
 * verdicts topic in its requests and {@code assign()}s that partition alone (no consumer group,
 * so no rebalance ever delays a reply), reading from its end. Two instances may share a partition
 * (more instances than partitions, or a hash collision): each then completes only the requests it
 * is waiting for and ignores the rest, so sharing costs some reading, never a wrong answer.
 * Reading every partition on every instance would also be correct, but multiplies the reading by
 * the number of instances.
 */
final class VerdictReplies implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VerdictReplies.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<TokenVerdict> values = AuthTopics.TOKEN_VERDICTS.valueSerde().deserializer();
    private final Map<String, CompletableFuture<TokenVerdict>> waiting = new ConcurrentHashMap<>();
    private final TopicPartition partition;
    private final KafkaClientMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;

    VerdictReplies(Platform platform, int partition) {
        Map<String, Object> props = platform.kafka().consumer("auth-verdicts", null);
        props.put("fetch.max.wait.ms", 100);
        this.consumer = new KafkaConsumer<>(props);
        this.partition = new TopicPartition(AuthTopics.TOKEN_VERDICTS.name(), partition);
        consumer.assign(List.of(this.partition));
        consumer.seekToEnd(List.of(this.partition));
        // Resolve the end offset now, before any request is sent, so no verdict is skipped.
        consumer.position(this.partition, Duration.ofSeconds(30));
        this.metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(platform.metrics());
        this.thread = new Thread(this::run, "auth-verdicts-" + partition);
        thread.setDaemon(true);
    }

    int partition() {
        return partition.partition();
    }

    void start() {
        thread.start();
    }

    boolean running() {
        return thread.isAlive();
    }

    /** Registers interest before the request is sent, so a fast verdict cannot be missed. */
    CompletableFuture<TokenVerdict> expect(String requestId) {
        CompletableFuture<TokenVerdict> f = new CompletableFuture<>();
        waiting.put(requestId, f);
        return f;
    }

    void forget(String requestId) {
        waiting.remove(requestId);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TokenVerdict verdict;
                    try {
                        verdict = values.deserialize(r.topic(), r.value());
                    } catch (RuntimeException e) {
                        log.warn("unreadable verdict at offset {}", r.offset());
                        continue;
                    }
                    CompletableFuture<TokenVerdict> f = verdict == null ? null : waiting.remove(verdict.requestId());
                    if (f != null) f.complete(verdict);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("verdict reader stopped; refreshes will time out until restart", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
            metrics.close();
            return;
        }
        PollingThreads.stop(consumer, thread, Duration.ofSeconds(10));
        metrics.close();
    }
}
