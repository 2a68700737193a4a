package io.streamgate.bench.auth;

import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.platform.kafka.PollingThreads;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The floor under any request/reply over Kafka on this broker: a request record is produced
 * (linger 0, acks=all, idempotent, as the edge does), a plain consumer thread echoes it to a reply
 * topic at once (no state, no HTTP, no JSON), and a reply reader completes the caller. Two hops,
 * nothing else, on the same broker and in the same JVM as the refresh path it sits beside.
 */
final class KafkaEcho implements AutoCloseable {
    private static final String REQUESTS = "bench.echo-requests";
    private static final String REPLIES = "bench.echo-replies";

    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<Long, CompletableFuture<Boolean>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Loop echo;
    private final Loop replies;

    KafkaEcho(KafkaSettings kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.common("bench-echo-admin"))) {
            admin.createTopics(List.of(new NewTopic(REQUESTS, 1, (short) 1), new NewTopic(REPLIES, 1, (short) 1))).all().get();
        }
        Map<String, Object> props = kafka.producer("bench-echo");
        props.put("linger.ms", 0);
        producer = new KafkaProducer<>(props);
        echo = new Loop(kafka, REQUESTS, r -> producer.send(new ProducerRecord<>(REPLIES, r.key(), r.value())));
        replies = new Loop(kafka, REPLIES, r -> {
            CompletableFuture<Boolean> f = waiting.remove(ByteBuffer.wrap(r.value()).getLong());
            if (f != null) f.complete(true);
        });
    }

    CompletableFuture<Boolean> ask() {
        long id = ids.incrementAndGet();
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        waiting.put(id, f);
        producer.send(new ProducerRecord<>(REQUESTS, new byte[] {1}, ByteBuffer.allocate(8).putLong(id).array()), (m, e) -> {
            CompletableFuture<Boolean> failed = e == null ? null : waiting.remove(id);
            if (failed != null) failed.complete(false);
        });
        return f;
    }

    @Override
    public void close() {
        echo.close();
        replies.close();
        producer.close(Duration.ofSeconds(5));
    }

    /** One assigned partition, read from its end, each record handed to {@code onRecord}. */
    private static final class Loop implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;

        Loop(KafkaSettings kafka, String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
            Map<String, Object> props = kafka.consumer("bench-echo-" + topic, null);
            props.put("fetch.max.wait.ms", 100);
            consumer = new KafkaConsumer<>(props);
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            thread = new Thread(() -> {
                try {
                    while (true) consumer.poll(Duration.ofMillis(200)).forEach(onRecord);
                } catch (WakeupException e) {
                    // closing
                } finally {
                    consumer.close(Duration.ofSeconds(2));
                }
            }, "bench-echo-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            PollingThreads.stop(consumer, thread, Duration.ofSeconds(5));
        }
    }
}
