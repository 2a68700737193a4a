package io.streamgate.processors.subscriptions;

import io.streamgate.schemas.Json;
import io.streamgate.schemas.webhooks.DeadLetter;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import io.streamgate.schemas.webhooks.SubscriptionState;
import io.streamgate.schemas.webhooks.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies ordered events to the subscription's state (store {@value #STORE}) with
 * {@link SubscriptionStateMachine}, and says what became of each: the new state plus an
 * {@code accepted} audit, a {@code stale} audit, or a dead letter plus a {@code rejected} audit.
 */
final class SubscriptionStateProcessor implements Processor<String, SubscriptionEvent, String, Routed> {
    static final String STORE = "subscription-state";

    private final String source;
    private final Duration renewalGrace;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, SubscriptionState> store;

    SubscriptionStateProcessor(String source, Duration renewalGrace) {
        this.source = source;
        this.renewalGrace = renewalGrace;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, SubscriptionEvent> record) {
        SubscriptionEvent e = record.value();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        var result = SubscriptionStateMachine.apply(store.get(e.subscriptionId()), e, renewalGrace, now);
        Routed out = switch (result.outcome()) {
            case ACCEPTED -> {
                store.put(e.subscriptionId(), result.state());
                yield new Routed(audit(e, WebhookDelivery.ACCEPTED, null, now), null, null, result.state());
            }
            case STALE -> new Routed(audit(e, WebhookDelivery.STALE, result.reason(), now), null, null, null);
            case REJECTED -> new Routed(audit(e, WebhookDelivery.REJECTED, result.reason(), now), null,
                    new DeadLetter(e.eventId(), e.deliveryId(), SubscriptionTopology.DEAD_LETTER_STAGE, result.reason(), Json.mapper().valueToTree(e).toString(), now),
                    null);
        };
        context.forward(record.withValue(out));
    }

    private WebhookDelivery audit(SubscriptionEvent e, String outcome, String reason, Instant now) {
        return new WebhookDelivery(e.deliveryId(), e.eventId(), source, e.eventType(), outcome, reason, e.subscriptionId(),
                e.created(), e.receivedAt(), now);
    }
}
