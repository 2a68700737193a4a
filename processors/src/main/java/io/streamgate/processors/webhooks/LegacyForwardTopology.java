package io.streamgate.processors.webhooks;

import io.streamgate.schemas.webhooks.OrderingKey;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The upgrade path from the release that keyed {@code webhooks.received} by event id: every
 * record of that retired topic is copied to {@code webhooks.received.v2} under its
 * {@link OrderingKey}, bytes, timestamp and headers unchanged, exactly once. It runs under the
 * previous release's route app id, so it resumes exactly where that app stopped reading: what
 * the old app processed is not forwarded, what it had not is. It also serves ingest instances
 * of the previous release still writing the old topic during a rolling upgrade. Once the topic
 * is empty and no old ingest runs, it idles (docs/webhooks.md, "Upgrading from
 * webhooks.received").
 */
public final class LegacyForwardTopology {
    public static final String APPLICATION_ID = "streamgate-webhooks";

    private LegacyForwardTopology() {}

    public static Topology build(StreamsBuilder builder) {
        var retired = WebhookTopics.LEGACY_RECEIVED;
        builder.stream(retired.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("retired-received-webhooks"))
                .selectKey(LegacyForwardTopology::orderingKey)
                .to(WebhookTopics.RECEIVED.name(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    /** The record's ordering key; a record that cannot be read keeps its key (the webhook app dead-letters it). */
    static byte[] orderingKey(byte[] key, byte[] value) {
        try {
            var topic = WebhookTopics.LEGACY_RECEIVED;
            ReceivedWebhook w = topic.valueSerde().deserializer().deserialize(topic.name(), value);
            if (w == null || w.eventId() == null) return key;
            return OrderingKey.of(w).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return key;
        }
    }
}
