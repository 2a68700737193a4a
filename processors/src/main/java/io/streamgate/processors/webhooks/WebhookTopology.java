package io.streamgate.processors.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamgate.platform.metrics.CounterFamily;
import io.streamgate.processors.subscriptions.Routed;
import io.streamgate.processors.subscriptions.SubscriptionTopology;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * webhooks.received.v2 (keyed by ordering key) → dedup by event id → subscription events →
 * ordering grace buffer → state machine, all in the task of the partition the edge chose: a
 * subscription's events are deduplicated, ordered and applied in arrival order with no
 * repartition in between. Out: webhooks.subscription-state (every applied state),
 * audit.webhook-deliveries (one outcome per delivery) and webhooks.dead-letter.
 *
 * <p>It also drains the retired webhooks.subscription-events (keyed by subscription id too, so
 * its partition p meets v2's partition p in one task) straight into the ordering buffer, and it
 * recognises the ids the previous release's dedup store saw (read from that store's changelog
 * as a global store, when the topic exists).
 */
public final class WebhookTopology {
    /**
     * The previous release's subscriptions app id: this app keeps its ordering buffer and
     * subscription state stores (same names, same partitioning by subscription id), so an
     * upgrade carries them over in place, and resumes its retired input where it stopped.
     */
    public static final String APPLICATION_ID = "streamgate-subscriptions";
    /** The changelog of the previous release's dedup store (app {@value LegacyForwardTopology#APPLICATION_ID}). */
    public static final String PREVIOUS_DEDUP_CHANGELOG = LegacyForwardTopology.APPLICATION_ID + "-" + DedupRouter.STORE + "-changelog";
    static final String PREVIOUS_SEEN = "webhook-dedup-previous-release";

    private WebhookTopology() {}

    /** @param previousReleaseIds whether {@link #PREVIOUS_DEDUP_CHANGELOG} exists (an upgraded deployment) */
    public static Topology build(StreamsBuilder builder, WebhookProcessorsConfig config, MeterRegistry metrics, boolean previousReleaseIds) {
        var received = WebhookTopics.RECEIVED;
        var retired = WebhookTopics.LEGACY_SUBSCRIPTION_EVENTS;
        var states = WebhookTopics.SUBSCRIPTION_STATE;
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DedupRouter.STORE), Serdes.String(), Serdes.Long()));
        Counter duplicates = Counter.builder("webhooks.duplicates").description("deliveries of an event id already seen").register(metrics);
        CounterFamily deadLetters = new CounterFamily(metrics, "webhooks.dead_letters", "records written to webhooks.dead-letter",
                "stage", List.of(DedupRouter.DEAD_LETTER_STAGE, SubscriptionTopology.DEAD_LETTER_STAGE));
        KStream<String, Routed> routed = builder
                .stream(received.name(), Consumed.with(received.keySerde(), received.valueSerde()).withName("received-webhooks"))
                .process(() -> new DedupRouter(config.dedupRetention(), duplicates, previousReleaseIds ? PREVIOUS_SEEN : null), DedupRouter.STORE);
        KStream<String, SubscriptionEvent> events = routed
                .filter((k, r) -> r.subscriptionEvent() != null)
                .mapValues(Routed::subscriptionEvent)
                .merge(builder.stream(retired.name(), Consumed.with(retired.keySerde(), retired.valueSerde()).withName("retired-subscription-events")));
        KStream<String, Routed> decided = SubscriptionTopology.orderAndApply(builder, events, StripeEvents.SOURCE, config.orderingGrace(), config.renewalGrace());
        decided.filter((k, r) -> r.state() != null)
                .mapValues(Routed::state)
                .to(states.name(), Produced.with(states.keySerde(), states.valueSerde()));
        KStream<String, Routed> outcomes = routed.merge(decided);
        outcomes.filter((k, r) -> r.audit() != null)
                .map((k, r) -> KeyValue.pair(r.audit().eventId(), r.audit()))
                .to(WebhookTopics.AUDIT_DELIVERIES.name(), Produced.with(WebhookTopics.AUDIT_DELIVERIES.keySerde(), WebhookTopics.AUDIT_DELIVERIES.valueSerde()));
        // Counted inside the existing map rather than in a peek of its own: a new node would
        // renumber the generated node names after it and so change the topology's description.
        outcomes.filter((k, r) -> r.deadLetter() != null)
                .map((k, r) -> {
                    deadLetters.increment(r.deadLetter().stage());
                    return KeyValue.pair(r.deadLetter().eventId(), r.deadLetter());
                })
                .to(WebhookTopics.DEAD_LETTER.name(), Produced.with(WebhookTopics.DEAD_LETTER.keySerde(), WebhookTopics.DEAD_LETTER.valueSerde()));
        // Added last on purpose: sub-topologies are numbered in the order their nodes were added,
        // and the tasks above must stay 0_0..0_5, the previous release's task directories; a
        // global store added first would take number 0 and Streams would open those
        // directories as its own at start.
        if (previousReleaseIds) {
            builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PREVIOUS_SEEN), Serdes.String(), Serdes.Long())
                    .withLoggingDisabled(), PREVIOUS_DEDUP_CHANGELOG,
                    Consumed.with(Serdes.String(), Serdes.Long()).withName("previous-release-dedup-ids"), PreviousIds::new);
        }
        return builder.build();
    }

    /** Keeps the global store of the previous release's seen ids as its changelog says (a null value deletes). */
    static final class PreviousIds implements Processor<String, Long, Void, Void> {
        private KeyValueStore<String, Long> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(PREVIOUS_SEEN);
        }

        @Override
        public void process(Record<String, Long> record) {
            if (record.value() == null) store.delete(record.key());
            else store.put(record.key(), record.value());
        }
    }
}
