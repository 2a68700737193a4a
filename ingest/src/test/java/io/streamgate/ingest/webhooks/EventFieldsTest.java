package io.streamgate.ingest.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.streamgate.schemas.webhooks.OrderingKey;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The streaming check of an event's top-level fields agrees with what a tree parser would see. */
class EventFieldsTest {
    static EventFields read(String json) throws Exception {
        return EventFields.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reads_a_stripe_event_and_skips_everything_else() throws Exception {
        var fields = read("{\"id\":\"evt_1\",\"object\":\"event\",\"created\":1700000000,\"livemode\":false,"
                + "\"data\":{\"previous_attributes\":{\"object\":[1,2]},\"object\":{\"id\":\"sub_1\",\"items\":{\"data\":[{\"x\":[{}]}]}}},"
                + "\"request\":{\"id\":null},\"type\":\"customer.subscription.updated\"}");
        assertThat(fields).isEqualTo(new EventFields("evt_1", "customer.subscription.updated", true, new OrderingKey.ObjectIds("sub_1", null, null)));
    }

    @Test
    void a_field_of_the_wrong_kind_counts_as_missing() throws Exception {
        assertThat(read("{\"id\":7,\"type\":\" \",\"created\":\"1700000000\",\"data\":{\"object\":[]}}"))
                .isEqualTo(new EventFields(null, null, false, null));
        assertThat(read("{\"id\":{\"a\":1},\"type\":[\"t\"],\"created\":99999999999999999999,\"data\":[{\"object\":{}}]}"))
                .isEqualTo(new EventFields(null, null, false, null));
        assertThat(read("{\"created\":1.5e3,\"data\":{\"object\":{}}}").integerCreated()).isTrue();
        assertThat(read("{}")).isEqualTo(new EventFields(null, null, false, null));
    }

    @Test
    void a_repeated_field_counts_as_its_last_occurrence() throws Exception {
        assertThat(read("{\"id\":\"a\",\"id\":\"b\",\"data\":{\"object\":{}},\"data\":{\"object\":1}}"))
                .isEqualTo(new EventFields("b", null, false, null));
    }

    @Test
    void anything_but_exactly_one_object_is_refused() {
        assertThatThrownBy(() -> read("[{\"id\":\"evt_1\"}]")).isInstanceOf(EventFields.NotAnObject.class);
        assertThatThrownBy(() -> read("\"evt\"")).isInstanceOf(EventFields.NotAnObject.class);
        assertThatThrownBy(() -> read("{\"id\":\"evt_1\"} {}")).isInstanceOf(EventFields.NotAnObject.class);
        assertThatThrownBy(() -> read("")).isInstanceOf(EventFields.NotAnObject.class);
    }

    @Test
    void a_syntax_error_anywhere_is_refused_even_inside_skipped_values() {
        assertThatThrownBy(() -> read("{\"id\":\"evt_1\",\"data\":{\"object\":{\"a\":[1,}}}")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> read("{\"id\":\"evt_1\",\"x\":\"bad \\q escape\"}")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> read("{\"id\":\"evt_1\",\"x\":{\"a\":1}")).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void the_ordering_key_is_the_subscription_the_event_is_about_read_in_the_same_pass() throws Exception {
        String sub = "{\"id\":\"evt_1\",\"type\":\"customer.subscription.updated\",\"created\":1,\"data\":{\"object\":{\"id\":\"sub_1\",\"customer\":\"cus_1\"}}}";
        String invoiceNow = "{\"id\":\"evt_2\",\"type\":\"invoice.paid\",\"created\":1,\"data\":{\"object\":{\"id\":\"in_1\",\"subscription\":\"sub_old\","
                + "\"parent\":{\"type\":\"subscription_details\",\"subscription_details\":{\"subscription\":{\"id\":\"sub_2\",\"object\":\"subscription\"}}}}}}";
        String invoiceBefore = "{\"id\":\"evt_3\",\"type\":\"invoice.payment_failed\",\"created\":1,\"data\":{\"object\":{\"id\":\"in_2\",\"subscription\":\"sub_3\",\"parent\":null}}}";
        String oneOff = "{\"id\":\"evt_4\",\"type\":\"invoice.paid\",\"created\":1,\"data\":{\"object\":{\"id\":\"in_3\",\"subscription\":null}}}";
        String checkout = "{\"id\":\"evt_5\",\"type\":\"checkout.session.completed\",\"created\":1,\"data\":{\"object\":{\"id\":\"cs_1\",\"subscription\":{\"id\":\"sub_5\"}}}}";
        String customer = "{\"id\":\"evt_6\",\"type\":\"customer.updated\",\"created\":1,\"data\":{\"object\":{\"id\":\"cus_6\",\"subscription\":\"sub_6\"}}}";
        String repeated = "{\"id\":\"evt_7\",\"type\":\"customer.subscription.deleted\",\"created\":1,\"data\":{\"object\":{\"id\":\"sub_a\",\"id\":\"sub_b\"}}}";
        String blank = "{\"id\":\"evt_8\",\"type\":\"customer.subscription.created\",\"created\":1,\"data\":{\"object\":{\"id\":\" \"}}}";
        assertThat(read(sub).orderingKey()).isEqualTo("sub_1");
        assertThat(read(invoiceNow).orderingKey()).as("the current API's parent wins over the old field").isEqualTo("sub_2");
        assertThat(read(invoiceBefore).orderingKey()).isEqualTo("sub_3");
        assertThat(read(oneOff).orderingKey()).as("a one-off invoice names no subscription").isEqualTo("evt_4");
        assertThat(read(checkout).orderingKey()).as("an expanded subscription").isEqualTo("sub_5");
        assertThat(read(customer).orderingKey()).as("not a subscription event type").isEqualTo("evt_6");
        assertThat(read(repeated).orderingKey()).isEqualTo("sub_b");
        assertThat(read(blank).orderingKey()).isEqualTo("evt_8");
        // The forwarder of the retired topic computes the same key from a stored delivery.
        for (String json : new String[] {sub, invoiceNow, invoiceBefore, oneOff, checkout, customer, repeated, blank}) {
            EventFields fields = read(json);
            var stored = new ReceivedWebhook(fields.id(), "stripe", fields.type(), json, Instant.EPOCH, Instant.EPOCH, null, "dlv");
            assertThat(OrderingKey.of(stored)).as(json).isEqualTo(fields.orderingKey());
        }
    }
}
