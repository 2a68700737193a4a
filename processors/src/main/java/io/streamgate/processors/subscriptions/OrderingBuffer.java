package io.streamgate.processors.subscriptions;

import io.streamgate.schemas.JsonSerde;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Holds each subscription's events for the ordering grace window and releases them in
 * version order (created, {@link Precedence}, event id), so a burst delivered out of order is
 * applied in order.
 *
 * <p>Store key = subscription id, 0x00, created (8 bytes big-endian), precedence (1 byte),
 * event id: a range scan returns one subscription's events in apply order. Per subscription,
 * events are released from the head while due; a head that is not due yet holds back the
 * later ones, which keeps the order.
 *
 * <p>An event is due when both clocks say it waited the grace:
 * <ul>
 *   <li>record time: its record timestamp (ingest's receive time) + grace <= the latest record
 *       time of this task, so a backlog read after a restart is ordered as it arrived at ingest;
 *   <li>buffer time: the wall-clock time it entered this buffer + grace <= now, so events of
 *       one subscription that reach this task through different partitions of the route stage
 *       (at different speeds) still meet here.
 * </ul>
 * Two punctuators check: stream time (records arriving) and wall-clock time (an idle task
 * still releases; there record time is "the latest record time plus how long we have been
 * idle", so a task reading a backlog of old records never releases them early).
 */
final class OrderingBuffer implements Processor<String, SubscriptionEvent, String, SubscriptionEvent> {
    static final String STORE = "subscription-order-buffer";

    /** A buffered event, its record timestamp and the wall-clock time it entered the buffer. */
    record Buffered(SubscriptionEvent event, long arrivedAt, long bufferedAt) {}

    static final Serde<Buffered> SERDE = JsonSerde.of(Buffered.class);

    private final Duration grace;
    private ProcessorContext<String, SubscriptionEvent> context;
    private KeyValueStore<Bytes, Buffered> store;
    private long latestRecordTime = Long.MIN_VALUE;
    private long latestRecordWallClock;

    OrderingBuffer(Duration grace) {
        this.grace = grace;
    }

    static Duration punctuationInterval(Duration grace) {
        long ms = Math.max(20, Math.min(100, grace.toMillis() / 10));
        return Duration.ofMillis(ms);
    }

    @Override
    public void init(ProcessorContext<String, SubscriptionEvent> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        // A task that just started first reads its backlog: give it one grace before idle time
        // counts, so events buffered before a restart are not released ahead of their partners.
        latestRecordWallClock = context.currentSystemTimeMs() + grace.toMillis();
        // After a restart the buffer may hold events already; their arrival is the latest time we know.
        try (KeyValueIterator<Bytes, Buffered> it = store.all()) {
            while (it.hasNext()) latestRecordTime = Math.max(latestRecordTime, it.next().value.arrivedAt());
        }
        Duration every = punctuationInterval(grace);
        context.schedule(every, PunctuationType.STREAM_TIME, streamTime -> release(streamTime, context.currentSystemTimeMs()));
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, wall -> {
            if (latestRecordTime == Long.MIN_VALUE) return;
            release(latestRecordTime + Math.max(0, wall - latestRecordWallClock), wall);
        });
    }

    @Override
    public void process(Record<String, SubscriptionEvent> record) {
        SubscriptionEvent e = record.value();
        store.put(key(e), new Buffered(e, record.timestamp(), context.currentSystemTimeMs()));
        if (record.timestamp() > latestRecordTime) {
            latestRecordTime = record.timestamp();
        }
        latestRecordWallClock = context.currentSystemTimeMs();
    }

    private void release(long recordNow, long wallNow) {
        List<Bytes> done = new ArrayList<>();
        List<Buffered> due = new ArrayList<>();
        byte[] currentSubscription = null;
        boolean blocked = false;
        try (KeyValueIterator<Bytes, Buffered> it = store.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                byte[] subscription = subscriptionPart(entry.key.get());
                if (currentSubscription == null || !Arrays.equals(subscription, currentSubscription)) {
                    currentSubscription = subscription;
                    blocked = false;
                }
                if (blocked) continue;
                if (entry.value.arrivedAt() + grace.toMillis() <= recordNow && entry.value.bufferedAt() + grace.toMillis() <= wallNow) {
                    done.add(entry.key);
                    due.add(entry.value);
                } else {
                    blocked = true;
                }
            }
        }
        for (int i = 0; i < done.size(); i++) {
            store.delete(done.get(i));
            Buffered b = due.get(i);
            context.forward(new Record<>(b.event().subscriptionId(), b.event(), b.arrivedAt()));
        }
    }

    static Bytes key(SubscriptionEvent e) {
        byte[] sub = e.subscriptionId().getBytes(StandardCharsets.UTF_8);
        byte[] id = e.eventId().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(sub.length + 1 + 8 + 1 + id.length);
        b.put(sub).put((byte) 0).putLong(e.created().getEpochSecond()).put((byte) Precedence.rank(e.eventType())).put(id);
        return Bytes.wrap(b.array());
    }

    private static byte[] subscriptionPart(byte[] key) {
        for (int i = 0; i < key.length; i++) {
            if (key[i] == 0) return Arrays.copyOf(key, i);
        }
        return key;
    }
}
