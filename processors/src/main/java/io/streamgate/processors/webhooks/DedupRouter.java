package io.streamgate.processors.webhooks;

import io.micrometer.core.instrument.Counter;
import io.streamgate.processors.subscriptions.Precedence;
import io.streamgate.processors.subscriptions.Routed;
import io.streamgate.schemas.webhooks.DeadLetter;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import io.streamgate.schemas.webhooks.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * First sight of an event id passes, a repeat within the retention is a duplicate (audited,
 * counted, never applied again). Store {@value #STORE}: event id → first arrival time; a
 * wall-clock punctuator forgets ids older than the retention (compared with record time, so a
 * replay of old records does not purge what it still needs).
 *
 * <p>Ids the previous release's route app saw (its store, on its changelog topic, read here as a
 * global store when it exists) count as seen too, so a retry that straddles the upgrade is still
 * a duplicate.
 *
 * <p>A first delivery is then routed: subscription events go on under their key, which ingest
 * made the subscription id ({@code OrderingKey}); others (unknown types, other providers,
 * one-off invoices) are audited as ignored; events that cannot be read go to the dead-letter
 * topic, and so does a subscription event filed under another key, since this task does not
 * hold its subscription's state.
 */
final class DedupRouter implements Processor<String, ReceivedWebhook, String, Routed> {
    static final String STORE = "webhook-dedup";
    /** The dead letters' {@code stage} for records this router cannot route. */
    static final String DEAD_LETTER_STAGE = "route";
    static final Duration PURGE_EVERY = Duration.ofMinutes(10);

    private final Duration retention;
    private final Counter duplicates;
    private final String legacyStore;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, Long> seen;
    private ReadOnlyKeyValueStore<String, Long> legacySeen;
    private long latestRecordTime = Long.MIN_VALUE;

    /** @param legacyStore the global store of the previous release's seen ids, or null when there is none */
    DedupRouter(Duration retention, Counter duplicates, String legacyStore) {
        this.retention = retention;
        this.duplicates = duplicates;
        this.legacyStore = legacyStore;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
        this.legacySeen = legacyStore == null ? null : context.getStateStore(legacyStore);
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, ignored -> purge());
    }

    @Override
    public void process(Record<String, ReceivedWebhook> record) {
        ReceivedWebhook w = record.value();
        if (w != null && w.deliveryId() == null && context.recordMetadata().isPresent()) {
            // Written before ingest stamped delivery ids: the record's position is as unique and stable.
            var m = context.recordMetadata().get();
            w = new ReceivedWebhook(w.eventId(), w.source(), w.eventType(), w.payload(), w.signatureTimestamp(), w.receivedAt(),
                    w.requestId(), m.topic() + "-" + m.partition() + "-" + m.offset());
        }
        if (w == null || w.eventId() == null || w.deliveryId() == null || w.source() == null || w.eventType() == null
                || w.payload() == null || w.receivedAt() == null) {
            String key = record.key() != null && !record.key().isBlank() ? record.key() : "unknown";
            context.forward(record.withValue(new Routed(null, null, new DeadLetter(key, null, DEAD_LETTER_STAGE,
                    "not a valid webhooks.received record", null, Instant.ofEpochMilli(context.currentSystemTimeMs())), null)));
            return;
        }
        String id = w.eventId();
        long at = record.timestamp();
        latestRecordTime = Math.max(latestRecordTime, at);
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Long first = seen.get(id);
        if (first == null && legacySeen != null) first = legacySeen.get(id);
        if (first != null && first >= at - retention.toMillis()) {
            duplicates.increment();
            context.forward(record.withValue(new Routed(audit(w, WebhookDelivery.DUPLICATE, "first delivered at " + Instant.ofEpochMilli(first), null, null, now), null, null, null)));
            return;
        }
        seen.put(id, at);
        if (!StripeEvents.SOURCE.equals(w.source())) {
            context.forward(record.withValue(new Routed(audit(w, WebhookDelivery.IGNORED, "no processor for source " + w.source(), null, null, now), null, null, null)));
            return;
        }
        SubscriptionEvent event;
        try {
            event = StripeEvents.extract(w);
        } catch (StripeEvents.Unprocessable e) {
            context.forward(record.withValue(new Routed(audit(w, WebhookDelivery.REJECTED, e.getMessage(), null, null, now), null,
                    new DeadLetter(w.eventId(), w.deliveryId(), DEAD_LETTER_STAGE, e.getMessage(), w.payload(), now), null)));
            return;
        }
        if (event == null) {
            String why = Precedence.isSubscriptionEvent(w.eventType()) ? "names no subscription" : "no handler for type " + w.eventType();
            context.forward(record.withValue(new Routed(audit(w, WebhookDelivery.IGNORED, why, null, null, now), null, null, null)));
            return;
        }
        if (!event.subscriptionId().equals(record.key())) {
            String why = "filed under key '" + record.key() + "' but about subscription " + event.subscriptionId()
                    + ": not applied outside that subscription's partition";
            context.forward(record.withValue(new Routed(audit(w, WebhookDelivery.REJECTED, why, event.subscriptionId(), event.created(), now), null,
                    new DeadLetter(w.eventId(), w.deliveryId(), DEAD_LETTER_STAGE, why, w.payload(), now), null)));
            return;
        }
        context.forward(record.withValue(new Routed(null, event, null, null)));
    }

    private void purge() {
        if (latestRecordTime == Long.MIN_VALUE) return;
        long cutoff = latestRecordTime - retention.toMillis();
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = seen.all()) {
            while (it.hasNext()) {
                var e = it.next();
                if (e.value < cutoff) old.add(e.key);
            }
        }
        old.forEach(seen::delete);
    }

    static WebhookDelivery audit(ReceivedWebhook w, String outcome, String reason, String subscription, Instant created, Instant now) {
        return new WebhookDelivery(w.deliveryId(), w.eventId(), w.source(), w.eventType(), outcome, reason, subscription, created, w.receivedAt(), now);
    }
}
