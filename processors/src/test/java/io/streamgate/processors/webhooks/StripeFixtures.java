package io.streamgate.processors.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;

/**
 * Stripe-shaped events for tests: the real fixture objects (src/test/resources/stripe) in an
 * event envelope, with ids, times and statuses set per case, in the current API version's
 * shape or the older one.
 */
public final class StripeFixtures {
    private static final ObjectNode SUBSCRIPTION = load("subscription.json");
    private static final ObjectNode INVOICE = load("invoice.json");
    private static final ObjectNode CHECKOUT = load("checkout_session.json");

    private StripeFixtures() {}

    private static ObjectNode load(String name) {
        try (InputStream in = StripeFixtures.class.getResourceAsStream("/stripe/" + name)) {
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String envelope(String eventId, String type, long created, JsonNode object, String apiVersion) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("id", eventId);
        e.put("object", "event");
        e.put("api_version", apiVersion);
        e.put("created", created);
        e.put("livemode", false);
        e.put("pending_webhooks", 1);
        e.put("type", type);
        e.putObject("data").set("object", object);
        return e.toString();
    }

    /** customer.subscription.* with period end on the items (2025-03-31 and later) or on the subscription (older). */
    public static String subscriptionEvent(String eventId, String type, long created, String subscription, String customer,
                                           String status, long periodEnd, Long endedAt, boolean currentApi) {
        ObjectNode s = SUBSCRIPTION.deepCopy();
        s.put("id", subscription);
        s.put("customer", customer);
        s.put("status", status);
        s.put("created", created);
        if (endedAt == null) s.putNull("ended_at"); else s.put("ended_at", endedAt);
        s.putNull("canceled_at");
        s.putNull("cancel_at");
        ArrayNode items = (ArrayNode) s.path("items").path("data");
        for (JsonNode item : items) {
            if (currentApi) ((ObjectNode) item).put("current_period_end", periodEnd);
            else ((ObjectNode) item).remove("current_period_end");
        }
        if (currentApi) s.remove("current_period_end"); else s.put("current_period_end", periodEnd);
        return envelope(eventId, type, created, s, currentApi ? "2025-03-31.basil" : "2024-06-20");
    }

    /** invoice.* naming the subscription under parent.subscription_details (current) or top-level (older). */
    public static String invoiceEvent(String eventId, String type, long created, String subscription, String customer,
                                      long periodEnd, boolean currentApi) {
        ObjectNode inv = INVOICE.deepCopy();
        inv.put("id", "in_" + eventId);
        inv.put("customer", customer);
        if (currentApi) {
            ObjectNode parent = inv.putObject("parent");
            parent.put("type", "subscription_details");
            parent.putObject("subscription_details").put("subscription", subscription);
            inv.remove("subscription");
        } else {
            inv.putNull("parent");
            inv.put("subscription", subscription);
        }
        for (JsonNode line : inv.path("lines").path("data")) {
            ((ObjectNode) line.path("period")).put("end", periodEnd);
            ((ObjectNode) line.path("period")).put("start", periodEnd - 30 * 86400);
        }
        return envelope(eventId, type, created, inv, currentApi ? "2025-03-31.basil" : "2024-06-20");
    }

    public static String checkoutCompleted(String eventId, long created, String subscription, String customer, String userId) {
        ObjectNode cs = CHECKOUT.deepCopy();
        cs.put("id", "cs_" + eventId);
        cs.put("mode", "subscription");
        if (subscription == null) cs.putNull("subscription"); else cs.put("subscription", subscription);
        cs.put("customer", customer);
        if (userId == null) cs.putNull("client_reference_id"); else cs.put("client_reference_id", userId);
        return envelope(eventId, "checkout.session.completed", created, cs, "2025-03-31.basil");
    }

    public static ReceivedWebhook received(String eventId, String type, String payload, Instant receivedAt) {
        return new ReceivedWebhook(eventId, "stripe", type, payload, receivedAt, receivedAt, null, UUID.randomUUID().toString());
    }
}
