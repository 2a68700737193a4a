package io.streamgate.processors.subscriptions;

import io.streamgate.processors.webhooks.Routed;
import io.streamgate.processors.webhooks.WebhookRouteTopology;
import io.streamgate.schemas.JsonSerde;
import io.streamgate.schemas.webhooks.SubscriptionState;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * webhooks.subscription-events (keyed by subscription id) → ordering grace buffer → state
 * machine → webhooks.subscription-state (every applied state), audit.webhook-deliveries (one
 * outcome per event) and webhooks.dead-letter.
 */
public final class SubscriptionTopology {
    public static final String APPLICATION_ID = "streamgate-subscriptions";

    private SubscriptionTopology() {}

    public static Topology build(StreamsBuilder builder, Duration orderingGrace, Duration renewalGrace) {
        var events = WebhookTopics.SUBSCRIPTION_EVENTS;
        var states = WebhookTopics.SUBSCRIPTION_STATE;
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OrderingBuffer.STORE), Serdes.Bytes(), OrderingBuffer.SERDE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OrderingBuffer.DUE_INDEX), Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SubscriptionStateProcessor.STORE),
                Serdes.String(), JsonSerde.of(SubscriptionState.class)));
        KStream<String, Routed> decided = builder
                .stream(events.name(), Consumed.with(events.keySerde(), events.valueSerde()).withName("subscription-events"))
                .process(() -> new OrderingBuffer(orderingGrace), OrderingBuffer.STORE, OrderingBuffer.DUE_INDEX)
                .process(() -> new SubscriptionStateProcessor(renewalGrace), SubscriptionStateProcessor.STORE);
        decided.filter((k, r) -> r.state() != null)
                .mapValues(Routed::state)
                .to(states.name(), Produced.with(states.keySerde(), states.valueSerde()));
        WebhookRouteTopology.sendAuditAndDeadLetters(decided);
        return builder.build();
    }
}
