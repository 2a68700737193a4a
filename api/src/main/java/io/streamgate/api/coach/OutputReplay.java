package io.streamgate.api.coach;

import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.schemas.coach.CoachOutput;
import io.streamgate.schemas.coach.CoachTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The history half of coach streaming: reads one session's records from its output
 * partition between the offset recorded when the session was created and the offset from
 * which the hub delivers live, stopping early at the session's terminal record. A small
 * pool of consumers (no group, {@code assign} + {@code seek}) serves every replay, so a
 * reconnect never waits for a rebalance and never scans the whole topic.
 *
 * <p>Admission is bounded: a stream first {@link #reserve reserves} a place (one of
 * {@code threads + queue}) before its response starts, so a flood of connects is refused up
 * front (503) instead of lining up replays without end; the executor's own queue is bounded
 * too and, the reservations being fewer than its capacity, never overflows.
 */
final class OutputReplay implements AutoCloseable {
    private static final Duration MAX_REPLAY = Duration.ofSeconds(30);

    private final BlockingQueue<KafkaConsumer<byte[], byte[]>> consumers;
    private final Semaphore places;
    private final ThreadPoolExecutor pool;

    OutputReplay(KafkaSettings kafka, int threads, int queue) {
        consumers = new ArrayBlockingQueue<>(threads);
        for (int i = 0; i < threads; i++) {
            var props = kafka.consumer("coach-replay-" + i, null);
            // The last poll of a replay pipelines a fetch at the old position, which the broker parks
            // at the log end for fetch.max.wait.ms (500 ms by default); the next replay's fetch to that
            // broker waits behind it. A short wait keeps reconnects fast.
            props.put(org.apache.kafka.clients.consumer.ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
            consumers.add(new KafkaConsumer<>(props));
        }
        places = new Semaphore(threads + queue);
        // Capacity threads + queue: a finished replay gives its place back a moment before its
        // thread takes the next task, so up to threads + queue tasks can briefly be waiting.
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(threads + queue), r -> {
            Thread t = new Thread(r, "coach-replay");
            t.setDaemon(true);
            return t;
        });
    }

    /** A place for one replay, held from before the stream's response starts until its replay ends. */
    final class Reservation implements AutoCloseable {
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Reservation() {}

        /** {@link OutputReplay#replay} under this reservation, which it gives back when done. */
        CompletableFuture<Boolean> replay(UUID session, int partition, long from, long until, boolean toEnd, Consumer<CoachOutput> sink) {
            CompletableFuture<Boolean> result;
            try {
                result = OutputReplay.this.replay(session, partition, from, until, toEnd, sink);
            } catch (RejectedExecutionException e) {
                result = CompletableFuture.failedFuture(e);
            }
            return result.whenComplete((r, e) -> close());
        }

        /** Gives the place back (once, however often called). */
        @Override
        public void close() {
            if (held.compareAndSet(true, false)) places.release();
        }
    }

    /** A place for one replay, or null when every thread is busy and the queue is full. */
    Reservation reserve() {
        return places.tryAcquire() ? new Reservation() : null;
    }

    /**
     * Feeds {@code sink} the session's records at offsets [from, until) in order. With
     * {@code toEnd} (the session is known to have ended) it reads on to the partition's end if
     * needed, so the result says for certain whether the terminal record is still in Kafka.
     *
     * @return whether the session's terminal record was read
     */
    private CompletableFuture<Boolean> replay(UUID session, int partition, long from, long until, boolean toEnd, Consumer<CoachOutput> sink) {
        if (from >= until && !toEnd) return CompletableFuture.completedFuture(false);
        return CompletableFuture.supplyAsync(() -> {
            KafkaConsumer<byte[], byte[]> consumer = consumers.poll();
            try {
                TopicPartition tp = new TopicPartition(CoachTopics.OUTPUT.name(), partition);
                long end = toEnd ? Math.max(until, consumer.endOffsets(java.util.List.of(tp)).get(tp)) : until;
                if (from >= end) return false;
                return read(consumer, session, tp, from, end, sink);
            } finally {
                consumer.unsubscribe();
                consumers.add(consumer);
            }
        }, pool);
    }

    private static boolean read(KafkaConsumer<byte[], byte[]> consumer, UUID session, TopicPartition tp, long from, long until,
            Consumer<CoachOutput> sink) {
        byte[] key = session.toString().getBytes(StandardCharsets.UTF_8);
        consumer.assign(List.of(tp));
        consumer.seek(tp, from);
        long deadline = System.nanoTime() + MAX_REPLAY.toNanos();
        while (consumer.position(tp) < until) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("replay of " + session + " did not reach offset " + until);
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.offset() >= until) return false;
                if (!java.util.Arrays.equals(key, record.key())) continue;
                CoachOutput output = CoachTopics.OUTPUT.valueSerde().deserializer().deserialize(record.topic(), record.value());
                sink.accept(output);
                if (output.terminal()) return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        KafkaConsumer<byte[], byte[]> c;
        while ((c = consumers.poll()) != null) c.close(Duration.ofSeconds(2));
    }
}
