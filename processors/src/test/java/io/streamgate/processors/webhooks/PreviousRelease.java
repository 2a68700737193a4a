package io.streamgate.processors.webhooks;

import io.streamgate.platform.Platform;
import io.streamgate.platform.kafka.StreamsComponent;
import io.streamgate.processors.subscriptions.Routed;
import io.streamgate.processors.subscriptions.SubscriptionTopology;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import io.streamgate.schemas.webhooks.WebhookDelivery;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
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
 * The previous release's webhook processors, as far as an upgrade sees them: app
 * {@code streamgate-webhooks} read webhooks.received (keyed by event id), deduplicated by event id
 * in store {@code webhook-dedup} and sent first deliveries of subscription events to
 * webhooks.subscription-events keyed by subscription id; app {@code streamgate-subscriptions} read
 * that topic into the ordering buffer and the state machine (stores {@code
 * subscription-order-buffer} and {@code subscription-state}). The app ids, store names, store
 * formats, topics and keys are the previous release's; the ordering buffer's release rule is
 * today's, which an upgrade does not depend on.
 */
final class PreviousRelease implements AutoCloseable {
    private final StreamsComponent route;
    private final StreamsComponent subscriptions;
    private boolean routeRunning = true;
    private boolean subscriptionsRunning = true;

    private PreviousRelease(StreamsComponent route, StreamsComponent subscriptions) {
        this.route = route;
        this.subscriptions = subscriptions;
    }

    static PreviousRelease start(Platform platform, WebhookProcessorsConfig config) {
        var route = new StreamsComponent(platform, LegacyForwardTopology.APPLICATION_ID, route(config.dedupRetention()), WebhookProcessors.lowLatency());
        var subscriptions = new StreamsComponent(platform, WebhookTopology.APPLICATION_ID, subscriptions(config), WebhookProcessors.lowLatency());
        route.start();
        subscriptions.start();
        // A running deployment: both apps have restored their state and process.
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() ->
                route.streams().state() == KafkaStreams.State.RUNNING && subscriptions.streams().state() == KafkaStreams.State.RUNNING);
        return new PreviousRelease(route, subscriptions);
    }

    static Topology route(Duration retention) {
        StreamsBuilder builder = new StreamsBuilder();
        var received = WebhookTopics.LEGACY_RECEIVED;
        var events = WebhookTopics.LEGACY_SUBSCRIPTION_EVENTS;
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DedupRouter.STORE), Serdes.String(), Serdes.Long()));
        KStream<String, Routed> routed = builder.stream(received.name(), Consumed.with(received.keySerde(), received.valueSerde()))
                .process(() -> new Route(retention), DedupRouter.STORE);
        routed.filter((k, r) -> r.subscriptionEvent() != null)
                .map((k, r) -> KeyValue.pair(r.subscriptionEvent().subscriptionId(), r.subscriptionEvent()))
                .to(events.name(), Produced.with(events.keySerde(), events.valueSerde()));
        routed.filter((k, r) -> r.audit() != null)
                .map((k, r) -> KeyValue.pair(r.audit().eventId(), r.audit()))
                .to(WebhookTopics.AUDIT_DELIVERIES.name(), Produced.with(WebhookTopics.AUDIT_DELIVERIES.keySerde(), WebhookTopics.AUDIT_DELIVERIES.valueSerde()));
        return builder.build();
    }

    static Topology subscriptions(WebhookProcessorsConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        var events = WebhookTopics.LEGACY_SUBSCRIPTION_EVENTS;
        var states = WebhookTopics.SUBSCRIPTION_STATE;
        KStream<String, SubscriptionEvent> in = builder.stream(events.name(), Consumed.with(events.keySerde(), events.valueSerde()));
        KStream<String, Routed> decided = SubscriptionTopology.orderAndApply(builder, in, StripeEvents.SOURCE, config.orderingGrace(), config.renewalGrace());
        decided.filter((k, r) -> r.state() != null).mapValues(Routed::state).to(states.name(), Produced.with(states.keySerde(), states.valueSerde()));
        decided.filter((k, r) -> r.audit() != null)
                .map((k, r) -> KeyValue.pair(r.audit().eventId(), r.audit()))
                .to(WebhookTopics.AUDIT_DELIVERIES.name(), Produced.with(WebhookTopics.AUDIT_DELIVERIES.keySerde(), WebhookTopics.AUDIT_DELIVERIES.valueSerde()));
        return builder.build();
    }

    /** The previous release's dedup and routing, keyed by event id (the test's events are all readable). */
    static final class Route implements Processor<String, ReceivedWebhook, String, Routed> {
        private final Duration retention;
        private ProcessorContext<String, Routed> context;
        private KeyValueStore<String, Long> seen;

        Route(Duration retention) {
            this.retention = retention;
        }

        @Override
        public void init(ProcessorContext<String, Routed> context) {
            this.context = context;
            this.seen = context.getStateStore(DedupRouter.STORE);
        }

        @Override
        public void process(Record<String, ReceivedWebhook> record) {
            ReceivedWebhook w = record.value();
            Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
            Long first = seen.get(w.eventId());
            if (first != null && first >= record.timestamp() - retention.toMillis()) {
                context.forward(record.withValue(new Routed(DedupRouter.audit(w, WebhookDelivery.DUPLICATE, "first delivered at " + Instant.ofEpochMilli(first), null, null, now), null, null, null)));
                return;
            }
            seen.put(w.eventId(), record.timestamp());
            SubscriptionEvent event;
            try {
                event = StripeEvents.extract(w);
            } catch (StripeEvents.Unprocessable e) {
                throw new IllegalStateException("the test's events are all readable: " + e.getMessage());
            }
            context.forward(record.withValue(event == null
                    ? new Routed(DedupRouter.audit(w, WebhookDelivery.IGNORED, "no handler for type " + w.eventType(), null, null, now), null, null, null)
                    : new Routed(null, event, null, null)));
        }
    }

    void stopSubscriptions() {
        if (subscriptionsRunning) stop(subscriptions);
        subscriptionsRunning = false;
    }

    void stopRoute() {
        if (routeRunning) stop(route);
        routeRunning = false;
    }

    /** A deploy stops the old instance for good: it must not go on processing beside the new release. */
    private static void stop(StreamsComponent app) {
        if (!app.streams().close(Duration.ofMinutes(2))) {
            throw new IllegalStateException("previous release " + app.applicationId() + " did not stop: " + app.streams().state());
        }
    }

    @Override
    public void close() {
        stopSubscriptions();
        stopRoute();
    }
}
