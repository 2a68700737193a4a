package io.streamgate.processors.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.webhooks.OrderingKey;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The key ingest files a delivery under ({@link OrderingKey}) is the subscription the
 * processors' Stripe reader finds in it, for every event that reader turns into a subscription
 * event: otherwise the event would reach a task that does not hold its subscription's state
 * (the processors dead-letter it then).
 */
class OrderingKeyTest {
    static final long NOW = Instant.parse("2026-11-28T05:00:00Z").getEpochSecond();

    static void assertKeyIsTheSubscription(ReceivedWebhook w) throws StripeEvents.Unprocessable {
        SubscriptionEvent e = StripeEvents.extract(w);
        if (e != null) assertThat(OrderingKey.of(w)).as(w.payload()).isEqualTo(e.subscriptionId());
    }

    @Test
    void every_shape_of_every_subscription_event_type_in_both_api_versions() throws Exception {
        List<ReceivedWebhook> all = new ArrayList<>();
        for (String type : List.of("created", "updated", "deleted", "paused", "resumed", "trial_will_end")) {
            for (boolean current : List.of(true, false)) {
                String id = "evt_s_" + type + current;
                all.add(StripeFixtures.received(id, "customer.subscription." + type,
                        StripeFixtures.subscriptionEvent(id, "customer.subscription." + type, NOW, "sub_1", "cus_1", "active", NOW + 100, null, current), Instant.EPOCH));
            }
        }
        for (String type : List.of("paid", "payment_failed", "payment_action_required")) {
            for (boolean current : List.of(true, false)) {
                String id = "evt_i_" + type + current;
                all.add(StripeFixtures.received(id, "invoice." + type,
                        StripeFixtures.invoiceEvent(id, "invoice." + type, NOW, "sub_2", "cus_2", NOW + 100, current), Instant.EPOCH));
            }
        }
        all.add(StripeFixtures.received("evt_c", "checkout.session.completed",
                StripeFixtures.checkoutCompleted("evt_c", NOW, "sub_3", "cus_3", UUID.randomUUID().toString()), Instant.EPOCH));
        all.add(StripeFixtures.received("evt_c1", "checkout.session.completed",
                StripeFixtures.checkoutCompleted("evt_c1", NOW, null, "cus_3", UUID.randomUUID().toString()), Instant.EPOCH));
        // Expanded objects where Stripe allows them, and a one-off invoice.
        ObjectNode expanded = (ObjectNode) Json.mapper().readTree(StripeFixtures.invoiceEvent("evt_x", "invoice.paid", NOW, "sub_4", "cus_4", NOW, true));
        ((ObjectNode) expanded.path("data").path("object").path("parent").path("subscription_details"))
                .putObject("subscription").put("id", "sub_4").put("object", "subscription");
        all.add(StripeFixtures.received("evt_x", "invoice.paid", expanded.toString(), Instant.EPOCH));
        ObjectNode oneOff = (ObjectNode) Json.mapper().readTree(StripeFixtures.invoiceEvent("evt_o", "invoice.paid", NOW, "sub_5", "cus_5", NOW, false));
        ((ObjectNode) oneOff.path("data").path("object")).putNull("subscription");
        all.add(StripeFixtures.received("evt_o", "invoice.paid", oneOff.toString(), Instant.EPOCH));
        all.add(StripeFixtures.received("evt_u", "customer.updated",
                StripeFixtures.envelope("evt_u", "customer.updated", NOW, Json.mapper().createObjectNode().put("id", "cus_6"), null), Instant.EPOCH));
        for (ReceivedWebhook w : all) assertKeyIsTheSubscription(w);
        assertThat(OrderingKey.of(all.get(all.size() - 3))).isEqualTo("sub_4");
        assertThat(OrderingKey.of(all.get(all.size() - 2))).as("a one-off invoice names no subscription").isEqualTo("evt_o");
        assertThat(OrderingKey.of(all.get(all.size() - 1))).as("not about a subscription").isEqualTo("evt_u");
        assertThat(OrderingKey.of(all.get(all.size() - 4))).as("a payment-mode checkout").isEqualTo("evt_c1");
    }

    @Test
    void every_event_of_the_pipeline_tests_generated_runs() throws Exception {
        for (ReceivedWebhook w : WebhookPipelineTest.generate(7).deliveries()) assertKeyIsTheSubscription(w);
    }

    @Test
    void other_providers_keep_their_event_id() {
        var w = new ReceivedWebhook("acme:msg_1", "acme", "customer.subscription.updated", "{\"data\":{\"object\":{\"id\":\"sub_9\"}}}",
                Instant.EPOCH, Instant.EPOCH, null, "dlv");
        assertThat(OrderingKey.of(w)).isEqualTo("acme:msg_1");
    }
}
