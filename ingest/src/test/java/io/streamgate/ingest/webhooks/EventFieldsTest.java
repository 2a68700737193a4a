package io.streamgate.ingest.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
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
        assertThat(fields).isEqualTo(new EventFields("evt_1", "customer.subscription.updated", true, true));
    }

    @Test
    void a_field_of_the_wrong_kind_counts_as_missing() throws Exception {
        assertThat(read("{\"id\":7,\"type\":\" \",\"created\":\"1700000000\",\"data\":{\"object\":[]}}"))
                .isEqualTo(new EventFields(null, null, false, false));
        assertThat(read("{\"id\":{\"a\":1},\"type\":[\"t\"],\"created\":99999999999999999999,\"data\":[{\"object\":{}}]}"))
                .isEqualTo(new EventFields(null, null, false, false));
        assertThat(read("{\"created\":1.5e3,\"data\":{\"object\":{}}}").integerCreated()).isTrue();
        assertThat(read("{}")).isEqualTo(new EventFields(null, null, false, false));
    }

    @Test
    void a_repeated_field_counts_as_its_last_occurrence() throws Exception {
        assertThat(read("{\"id\":\"a\",\"id\":\"b\",\"data\":{\"object\":{}},\"data\":{\"object\":1}}"))
                .isEqualTo(new EventFields("b", null, false, false));
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
}
