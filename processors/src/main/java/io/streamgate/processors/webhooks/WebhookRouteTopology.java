package io.streamgate.processors.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
 * webhooks.received → dedup by event id → subscription events re-keyed by subscription id to
 * webhooks.subscription-events; duplicates and ignored events to audit.webhook-deliveries;
 * unreadable ones to webhooks.dead-letter (and audited as rejected).
 */
public final class WebhookRouteTopology {
    public static final String APPLICATION_ID = "streamgate-webhooks";

    private WebhookRouteTopology() {}

    public static Topology build(StreamsBuilder builder, Duration dedupRetention, MeterRegistry metrics) {
        var received = WebhookTopics.RECEIVED;
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DedupRouter.STORE), Serdes.String(), Serdes.Long()));
        Counter duplicates = Counter.builder("webhooks.duplicates").description("deliveries of an event id already seen").register(metrics);
        KStream<String, Routed> routed = builder
                .stream(received.name(), Consumed.with(received.keySerde(), received.valueSerde()).withName("received-webhooks"))
                .process(() -> new DedupRouter(dedupRetention, duplicates), DedupRouter.STORE);
        routed.filter((k, r) -> r.subscriptionEvent() != null)
                .map((k, r) -> org.apache.kafka.streams.KeyValue.pair(r.subscriptionEvent().subscriptionId(), r.subscriptionEvent()))
                .to(WebhookTopics.SUBSCRIPTION_EVENTS.name(), Produced.with(WebhookTopics.SUBSCRIPTION_EVENTS.keySerde(), WebhookTopics.SUBSCRIPTION_EVENTS.valueSerde()));
        sendAuditAndDeadLetters(routed);
        return builder.build();
    }

    /** Shared with the subscription topology: the audit and dead-letter parts of a decision. */
    public static void sendAuditAndDeadLetters(KStream<String, Routed> routed) {
        routed.filter((k, r) -> r.audit() != null)
                .map((k, r) -> org.apache.kafka.streams.KeyValue.pair(r.audit().eventId(), r.audit()))
                .to(WebhookTopics.AUDIT_DELIVERIES.name(), Produced.with(WebhookTopics.AUDIT_DELIVERIES.keySerde(), WebhookTopics.AUDIT_DELIVERIES.valueSerde()));
        routed.filter((k, r) -> r.deadLetter() != null)
                .map((k, r) -> org.apache.kafka.streams.KeyValue.pair(r.deadLetter().eventId(), r.deadLetter()))
                .to(WebhookTopics.DEAD_LETTER.name(), Produced.with(WebhookTopics.DEAD_LETTER.keySerde(), WebhookTopics.DEAD_LETTER.valueSerde()));
    }
}
