package io.streamgate.processors.subscriptions;

import io.streamgate.schemas.JsonSerde;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import io.streamgate.schemas.webhooks.SubscriptionState;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.state.Stores;

/**
 * The subscription part of the webhook topology: subscription events keyed by subscription id
 * → ordering grace buffer → state machine → what became of each (the applied state, one audit
 * outcome, or a dead letter). It runs in the task that reads the events, so the stores are
 * partitioned like the events' topic. The events come from one webhook {@code source}, which
 * their audit records name.
 */
public final class SubscriptionTopology {
    /** The dead letters' {@code stage} for events the state machine cannot apply. */
    public static final String DEAD_LETTER_STAGE = "subscription-state";
    private SubscriptionTopology() {}

    public static KStream<String, Routed> orderAndApply(StreamsBuilder builder, KStream<String, SubscriptionEvent> events,
                                                        String source, Duration orderingGrace, Duration renewalGrace) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OrderingBuffer.STORE), Serdes.Bytes(), OrderingBuffer.SERDE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OrderingBuffer.DUE_INDEX), Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SubscriptionStateProcessor.STORE),
                Serdes.String(), JsonSerde.of(SubscriptionState.class)));
        return events
                .process(() -> new OrderingBuffer(orderingGrace), OrderingBuffer.STORE, OrderingBuffer.DUE_INDEX)
                .process(() -> new SubscriptionStateProcessor(source, renewalGrace), SubscriptionStateProcessor.STORE);
    }
}
