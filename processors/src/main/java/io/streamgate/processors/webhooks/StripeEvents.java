package io.streamgate.processors.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.platform.http.StorableText;
import io.streamgate.processors.subscriptions.Precedence;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.UUID;

/**
 * Reads what subscription state needs out of a Stripe event, in both current and older API
 * versions: an invoice names its subscription under {@code parent.subscription_details} (since
 * 2025-03-31) or top-level {@code subscription} (before); a subscription's period end lives on
 * its items (since 2025-03-31) or on the subscription itself (before). Ids may be expanded
 * objects.
 */
public final class StripeEvents {
    /** The {@code source} of Stripe deliveries, as ingest names them. */
    public static final String SOURCE = "stripe";

    private StripeEvents() {}

    /** The event cannot be processed; the reason goes to the dead-letter topic. */
    public static final class Unprocessable extends Exception {
        public Unprocessable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** @return the subscription event, or null when this event is about no subscription */
    public static SubscriptionEvent extract(ReceivedWebhook w) throws Unprocessable {
        if (!Precedence.isSubscriptionEvent(w.eventType())) return null;
        JsonNode event;
        try {
            event = Json.mapper().readTree(w.payload());
        } catch (IOException e) {
            throw new Unprocessable("payload is not JSON");
        }
        JsonNode object = event.path("data").path("object");
        JsonNode created = event.get("created");
        if (!object.isObject() || created == null || !created.canConvertToLong()) {
            throw new Unprocessable("event has no data.object or created");
        }
        String type = w.eventType();
        String subscription;
        String user = null;
        String status = null;
        Instant periodEnd = null;
        Instant endedAt = null;
        if (type.startsWith("customer.subscription.")) {
            subscription = id(object);
            if (subscription == null) throw new Unprocessable("subscription object has no id");
            status = text(object.get("status"));
            periodEnd = subscriptionPeriodEnd(object);
            endedAt = seconds(object.get("ended_at"));
            if (endedAt == null && type.equals("customer.subscription.deleted")) endedAt = seconds(object.get("canceled_at"));
        } else if (type.startsWith("invoice.")) {
            subscription = id(object.path("parent").path("subscription_details").get("subscription"));
            if (subscription == null) subscription = id(object.get("subscription"));
            if (subscription == null) return null; // a one-off invoice: no subscription to update
            periodEnd = invoicePeriodEnd(object);
        } else { // checkout.session.completed
            subscription = id(object.get("subscription"));
            if (subscription == null) return null; // a one-time payment checkout
            user = text(object.get("client_reference_id"));
            if (user == null) throw new Unprocessable("checkout session has no client_reference_id (the user id)");
            try {
                user = UUID.fromString(user).toString();
            } catch (IllegalArgumentException e) {
                throw new Unprocessable("checkout session's client_reference_id is not a user id");
            }
        }
        String customer = id(object.get("customer"));
        storable("data.object.customer", customer);
        storable("data.object.status", status);
        return new SubscriptionEvent(w.eventId(), w.deliveryId(), type, Instant.ofEpochSecond(created.asLong()), w.receivedAt(),
                subscription, customer, user, status, periodEnd, endedAt);
    }

    static Instant subscriptionPeriodEnd(JsonNode subscription) {
        Instant latest = null;
        for (JsonNode item : subscription.path("items").path("data")) {
            Instant end = seconds(item.get("current_period_end"));
            if (end != null && (latest == null || end.isAfter(latest))) latest = end;
        }
        return latest != null ? latest : seconds(subscription.get("current_period_end"));
    }

    static Instant invoicePeriodEnd(JsonNode invoice) {
        Instant latest = null;
        for (JsonNode line : invoice.path("lines").path("data")) {
            Instant end = seconds(line.path("period").get("end"));
            if (end != null && (latest == null || end.isAfter(latest))) latest = end;
        }
        return latest;
    }

    /**
     * Ingest checks the fields it reads (ids, type, subscription); these it does not read, and
     * text Postgres refuses would fail the sink's batch on every retry, stalling it.
     */
    private static void storable(String field, String value) throws Unprocessable {
        String problem = value == null ? null : StorableText.problem(value);
        if (problem != null) throw new Unprocessable(field + " " + problem);
    }

    /** A string id, or the id of an expanded object. */
    static String id(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (node.isObject()) return text(node.get("id"));
        return text(node);
    }

    static String text(JsonNode node) {
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    static Instant seconds(JsonNode node) {
        return node != null && node.canConvertToLong() && !node.isNull() && node.isNumber() ? Instant.ofEpochSecond(node.asLong()) : null;
    }
}
