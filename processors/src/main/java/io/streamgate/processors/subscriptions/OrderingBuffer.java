package io.streamgate.processors.subscriptions;

import io.streamgate.schemas.JsonSerde;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Cancellable;
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
 *       time of this task. Every event of one subscription reaches this task through one
 *       partition, in arrival order (the edge keys it by subscription), so by then every event
 *       that arrived within the grace before it has been read, however far behind the task is;
 *   <li>buffer time: the wall-clock time it entered this buffer + grace <= now. Records the
 *       forwarder copies from the retired webhooks.received during an upgrade come from six
 *       partitions of that topic and land in v2 in the forwarder's order, not their arrival
 *       order; this condition keeps them waiting until their neighbours, a few records away,
 *       have been read too. (In steady state it adds only the few milliseconds from ingest to
 *       this buffer.)
 * </ul>
 * Two punctuators check: stream time (records arriving) and wall-clock time (an idle task
 * still releases; there record time is "the latest record time plus how long we have been
 * idle", so a task reading a backlog of old records never releases them early). Idle means the
 * task ran and found nothing: a task that just started, or whose thread did not run for a while
 * (a rebalance can hold its poll for many seconds, for instance when a stopped instance's
 * member expires), waits one grace before idle time counts, so records that were waiting for
 * it are read before anything is released by idle time. So does a task that reads a record
 * more than {@link #STALL} after ingest received it: it is catching up on a backlog (after a
 * restart, a rebalance, or while the forwarder copies an upgrade's records), and a pause
 * between its records then means its partition's next records are not fetched yet, not that
 * none arrived. A record read on time lets idle time count from then on: the partition gives
 * its oldest records first, so nothing older waited behind it.
 *
 * <p>A second store indexes the buffer by buffer time (8 bytes big-endian, then the buffer key),
 * so a punctuation reads only the subscriptions that have something due instead of the whole
 * buffer: that keeps a short punctuation interval (a few tens of milliseconds, which is most of
 * what the grace costs on top) cheap however many events wait. Both stores are changelogged,
 * so they move and roll back together. The wall-clock punctuator runs only while something is
 * buffered.
 */
final class OrderingBuffer implements Processor<String, SubscriptionEvent, String, SubscriptionEvent> {
    static final String STORE = "subscription-order-buffer";
    static final String DUE_INDEX = "subscription-order-due";
    private static final byte[] NOTHING = new byte[0];
    /**
     * A gap between wall-clock punctuations longer than this means the task was not running; a
     * record read this long after ingest received it means the task is behind its partition.
     */
    static final Duration STALL = Duration.ofSeconds(1);

    /** A buffered event, its record timestamp and the wall-clock time it entered the buffer. */
    record Buffered(SubscriptionEvent event, long arrivedAt, long bufferedAt) {}

    static final Serde<Buffered> SERDE = JsonSerde.of(Buffered.class);

    private final Duration grace;
    private final Duration every;
    private ProcessorContext<String, SubscriptionEvent> context;
    private KeyValueStore<Bytes, Buffered> store;
    private KeyValueStore<Bytes, byte[]> dueIndex;
    private Cancellable wallClock;
    private long latestRecordTime = Long.MIN_VALUE;
    private long latestRecordWallClock;
    private long lastWallClockPunctuation;

    OrderingBuffer(Duration grace) {
        this.grace = grace;
        this.every = punctuationInterval(grace);
    }

    static Duration punctuationInterval(Duration grace) {
        long ms = Math.max(5, Math.min(20, grace.toMillis() / 10));
        return Duration.ofMillis(ms);
    }

    @Override
    public void init(ProcessorContext<String, SubscriptionEvent> context) {
        this.context = context;
        // Streams calls init again on this instance when it revives a task (its stores rolled
        // back to the last commit): nothing learnt before that may carry over.
        latestRecordTime = Long.MIN_VALUE;
        wallClock = null;
        this.store = context.getStateStore(STORE);
        this.dueIndex = context.getStateStore(DUE_INDEX);
        // A task that just started first reads its backlog: give it one grace before idle time
        // counts, so events buffered before a restart are not released ahead of their partners.
        latestRecordWallClock = context.currentSystemTimeMs() + grace.toMillis();
        // After a restart the buffer may hold events already; their arrival is the latest time we know.
        boolean any = false;
        try (KeyValueIterator<Bytes, Buffered> it = store.all()) {
            while (it.hasNext()) {
                latestRecordTime = Math.max(latestRecordTime, it.next().value.arrivedAt());
                any = true;
            }
        }
        context.schedule(every, PunctuationType.STREAM_TIME, streamTime -> release(streamTime, context.currentSystemTimeMs()));
        if (any) scheduleWallClock();
    }

    private void scheduleWallClock() {
        lastWallClockPunctuation = context.currentSystemTimeMs();
        wallClock = context.schedule(every, PunctuationType.WALL_CLOCK_TIME, wall -> {
            if (wall - lastWallClockPunctuation > STALL.toMillis()) {
                // Not idle: stalled. What waited in the partition meanwhile is read first.
                latestRecordWallClock = Math.max(latestRecordWallClock, wall + grace.toMillis());
            }
            lastWallClockPunctuation = wall;
            if (latestRecordTime == Long.MIN_VALUE) return;
            release(latestRecordTime + Math.max(0, wall - latestRecordWallClock), wall);
        });
    }

    @Override
    public void process(Record<String, SubscriptionEvent> record) {
        SubscriptionEvent e = record.value();
        Bytes key = key(e);
        long now = context.currentSystemTimeMs();
        Buffered previous = store.get(key);
        if (previous != null) dueIndex.delete(indexKey(previous.bufferedAt(), key));
        store.put(key, new Buffered(e, record.timestamp(), now));
        dueIndex.put(indexKey(now, key), NOTHING);
        if (record.timestamp() > latestRecordTime) {
            latestRecordTime = record.timestamp();
        }
        boolean catchingUp = now - record.timestamp() > STALL.toMillis();
        latestRecordWallClock = catchingUp ? now + grace.toMillis() : now;
        if (wallClock == null) scheduleWallClock();
    }

    private void release(long recordNow, long wallNow) {
        // Subscriptions with an event that has waited the grace by the wall clock, oldest first.
        Set<Bytes> candidates = new LinkedHashSet<>();
        long dueUpTo = wallNow - grace.toMillis();
        try (KeyValueIterator<Bytes, byte[]> it = dueIndex.range(indexKey(0, null), indexKey(dueUpTo + 1, null))) {
            while (it.hasNext()) candidates.add(subscriptionRange(it.next().key));
        }
        List<Map.Entry<Bytes, Buffered>> due = new ArrayList<>();
        for (Bytes from : candidates) {
            try (KeyValueIterator<Bytes, Buffered> it = store.range(from, upperBound(from))) {
                while (it.hasNext()) {
                    var entry = it.next();
                    Buffered b = entry.value;
                    if (b.arrivedAt() + grace.toMillis() > recordNow || b.bufferedAt() + grace.toMillis() > wallNow) break;
                    due.add(Map.entry(entry.key, b));
                }
            }
        }
        for (Map.Entry<Bytes, Buffered> d : due) {
            store.delete(d.getKey());
            dueIndex.delete(indexKey(d.getValue().bufferedAt(), d.getKey()));
            Buffered b = d.getValue();
            context.forward(new Record<>(b.event().subscriptionId(), b.event(), b.arrivedAt()));
        }
        if (wallClock != null && !due.isEmpty()) {
            try (KeyValueIterator<Bytes, byte[]> it = dueIndex.all()) {
                if (!it.hasNext()) {
                    wallClock.cancel();
                    wallClock = null;
                }
            }
        }
    }

    static Bytes key(SubscriptionEvent e) {
        byte[] sub = e.subscriptionId().getBytes(StandardCharsets.UTF_8);
        byte[] id = e.eventId().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(sub.length + 1 + 8 + 1 + id.length);
        b.put(sub).put((byte) 0).putLong(e.created().getEpochSecond()).put((byte) Precedence.rank(e.eventType())).put(id);
        return Bytes.wrap(b.array());
    }

    /**
     * Buffer time (8 bytes big-endian), then the buffer key. Without a key it bounds a range:
     * the bare 8 bytes of t sort after every entry of an earlier time and before every entry of
     * t itself, so {@code range(indexKey(0), indexKey(t + 1))} holds exactly the entries up to t.
     */
    static Bytes indexKey(long bufferedAt, Bytes key) {
        byte[] k = key == null ? new byte[0] : key.get();
        return Bytes.wrap(ByteBuffer.allocate(8 + k.length).putLong(bufferedAt).put(k).array());
    }

    /** The first possible buffer key of the subscription an index entry points to: subscription id + 0x00. */
    private static Bytes subscriptionRange(Bytes indexKey) {
        byte[] k = indexKey.get();
        for (int i = 8; i < k.length; i++) {
            if (k[i] == 0) return Bytes.wrap(Arrays.copyOfRange(k, 8, i + 1));
        }
        return Bytes.wrap(Arrays.copyOfRange(k, 8, k.length));
    }

    /** Just past every key starting with {@code prefix} (subscription id + 0x00): subscription id + 0x01. */
    private static Bytes upperBound(Bytes prefix) {
        byte[] p = prefix.get().clone();
        p[p.length - 1] = 1;
        return Bytes.wrap(p);
    }
}
