package io.streamgate.schemas.webhooks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.schemas.Json;
import java.io.IOException;

/**
 * The key of {@code webhooks.received.v2}: the subscription a Stripe event is about, else the
 * event id. Keying by it at the edge puts every event of one subscription in one partition, in
 * arrival order, so deduplication, the ordering grace and the state machine run in one task
 * with no repartition between them (docs/webhooks.md, "Why the edge picks the partition").
 *
 * <p>The subscription is found where the processors' Stripe reader finds it, with the same
 * rules (a non-blank string, or an expanded object's {@code id}; of a repeated field the last
 * occurrence counts, as a tree parser keeps it):
 * <ul>
 *   <li>{@code customer.subscription.*}: {@code data.object.id};
 *   <li>{@code invoice.*}: {@code data.object.parent.subscription_details.subscription}
 *       (API 2025-03-31 and later), else {@code data.object.subscription};
 *   <li>{@code checkout.session.*}: {@code data.object.subscription};
 *   <li>anything else, other providers, or no subscription named: the event id.
 * </ul>
 * A processor that reads a subscription event under another key dead-letters it rather than
 * apply it in a task that does not hold its state.
 */
public final class OrderingKey {
    private OrderingKey() {}

    /** The candidate subscription ids of one Stripe {@code data.object}, read while streaming. */
    public record ObjectIds(String id, String subscription, String parentSubscription) {
        static final ObjectIds NONE = new ObjectIds(null, null, null);
    }

    /** The key for a delivery of {@code source}; {@code ids} may be null (nothing read). */
    public static String of(String source, String eventId, String type, ObjectIds ids) {
        if (!"stripe".equals(source) || type == null || ids == null) return eventId;
        String subscription;
        if (type.startsWith("customer.subscription.")) subscription = ids.id();
        else if (type.startsWith("invoice.")) subscription = ids.parentSubscription() != null ? ids.parentSubscription() : ids.subscription();
        else if (type.startsWith("checkout.session.")) subscription = ids.subscription();
        else subscription = null;
        return subscription != null ? subscription : eventId;
    }

    /** The key of a delivery already read (the legacy forwarder, tests): streams its payload once. */
    public static String of(ReceivedWebhook w) {
        if (!"stripe".equals(w.source()) || w.payload() == null) return w.eventId();
        try (JsonParser p = Json.mapper().getFactory().createParser(w.payload())) {
            ObjectIds ids = ObjectIds.NONE;
            if (p.nextToken() != JsonToken.START_OBJECT) return w.eventId();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("data") && value == JsonToken.START_OBJECT) ids = readData(p);
                else {
                    if (name.equals("data")) ids = ObjectIds.NONE;
                    p.skipChildren();
                }
            }
            return of(w.source(), w.eventId(), w.eventType(), ids);
        } catch (IOException e) {
            return w.eventId(); // not JSON: the processors dead-letter it, under any key
        }
    }

    /** Reads {@code data} (the parser is at its START_OBJECT) to its end; the ids of its last {@code object}. */
    public static ObjectIds readData(JsonParser p) throws IOException {
        ObjectIds ids = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("object")) ids = value == JsonToken.START_OBJECT ? readObject(p) : skip(p);
            else p.skipChildren();
        }
        return ids;
    }

    /** Reads a {@code data.object} (the parser is at its START_OBJECT) to its end. */
    static ObjectIds readObject(JsonParser p) throws IOException {
        String id = null;
        String subscription = null;
        String parent = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "id" -> id = text(p, value);
                case "subscription" -> subscription = idOf(p, value);
                case "parent" -> parent = value == JsonToken.START_OBJECT ? parentSubscription(p) : skipToNull(p);
                default -> p.skipChildren();
            }
        }
        return new ObjectIds(id, subscription, parent);
    }

    /** {@code parent.subscription_details.subscription}; the parser is at {@code parent}'s START_OBJECT. */
    private static String parentSubscription(JsonParser p) throws IOException {
        String subscription = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("subscription_details")) {
                subscription = null;
                if (value != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String inner = p.currentName();
                    JsonToken v = p.nextToken();
                    if (inner.equals("subscription")) subscription = idOf(p, v);
                    else p.skipChildren();
                }
            } else {
                p.skipChildren();
            }
        }
        return subscription;
    }

    /** A string id, or the {@code id} of an expanded object; null for anything else. */
    private static String idOf(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) return text(p, value);
        String id = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("id")) id = text(p, v);
            else p.skipChildren();
        }
        return id;
    }

    /** The string value the parser is at when it is not blank; null (its children skipped) for anything else. */
    public static String text(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return null;
        }
        String text = p.getText();
        return text.isBlank() ? null : text;
    }

    private static ObjectIds skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static String skipToNull(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }
}
