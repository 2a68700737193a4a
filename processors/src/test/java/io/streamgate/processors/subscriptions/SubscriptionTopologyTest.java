package io.streamgate.processors.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.processors.webhooks.WebhookProcessorsConfig;
import io.streamgate.processors.webhooks.WebhookTopologyDriver;
import io.streamgate.schemas.webhooks.DeadLetter;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import io.streamgate.schemas.webhooks.SubscriptionState;
import io.streamgate.schemas.webhooks.WebhookDelivery;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The subscription part of the webhook topology: events wait out the ordering grace, leave in
 * created order, and the state machine applies them; stale events change nothing; access runs
 * to the period end plus the renewal grace; a late checkout link attaches the user; bad events
 * are dead-lettered. Events are piped as already-routed subscription events, through the input
 * that drains the retired webhooks.subscription-events into the same buffer.
 */
class SubscriptionTopologyTest {
    static final Instant T0 = Instant.parse("2026-11-28T05:00:00Z");
    static final Duration GRACE = Duration.ofSeconds(10);
    static final Duration RENEWAL = Duration.ofDays(3);
    static final Instant PERIOD_END = Instant.parse("2026-12-28T05:00:00Z");
    static final String USER = UUID.randomUUID().toString();

    WebhookTopologyDriver topology;
    TopologyTestDriver driver;
    TestInputTopic<String, SubscriptionEvent> events;
    TestOutputTopic<String, SubscriptionState> states;
    TestOutputTopic<String, WebhookDelivery> audit;
    TestOutputTopic<String, DeadLetter> dead;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @BeforeEach
    void setUp() {
        var config = new WebhookProcessorsConfig(Duration.ofDays(7), GRACE, RENEWAL);
        topology = new WebhookTopologyDriver(config, metrics, false, T0);
        driver = topology.driver;
        events = topology.input(WebhookTopics.LEGACY_SUBSCRIPTION_EVENTS);
        states = topology.states;
        audit = topology.audit;
        dead = topology.dead;
    }

    void idle(Duration d) {
        topology.idle(d);
    }

    @AfterEach
    void tearDown() {
        topology.close();
    }

    static SubscriptionEvent event(String id, String type, Instant created, String status, Instant periodEnd) {
        return new SubscriptionEvent(id, "dlv_" + id, type, created, T0, "sub_1", "cus_1", null, status, periodEnd, null);
    }

    void arrive(SubscriptionEvent e, Instant at) {
        events.pipeInput(e.subscriptionId(), e, at);
    }

    SubscriptionState stored() {
        return driver.<String, SubscriptionState>getKeyValueStore(SubscriptionStateProcessor.STORE).get("sub_1");
    }

    @Test
    void a_burst_delivered_out_of_order_is_applied_in_created_order_once_the_grace_has_passed() {
        Instant c = T0.minusSeconds(60);
        arrive(event("evt_3", "customer.subscription.updated", c.plusSeconds(2), "past_due", PERIOD_END), T0);
        arrive(event("evt_1", "customer.subscription.created", c, "incomplete", PERIOD_END), T0.plusSeconds(1));
        arrive(event("evt_2", "invoice.paid", c.plusSeconds(1), null, PERIOD_END), T0.plusSeconds(2));
        assertThat(states.isEmpty()).as("held for the grace").isTrue();

        // Wall-clock time alone releases them (no more records arrive on this task).
        idle(GRACE.plusSeconds(3));
        assertThat(states.readValuesToList()).extracting(SubscriptionState::lastEventId).containsExactly("evt_1", "evt_2", "evt_3");
        assertThat(audit.readValuesToList()).extracting(WebhookDelivery::outcome).containsOnly(WebhookDelivery.ACCEPTED).hasSize(3);
        assertThat(stored().status()).isEqualTo("past_due");
    }

    @Test
    void a_head_not_yet_due_holds_back_later_events_and_both_clocks_must_agree() {
        Instant c = T0.minusSeconds(60);
        arrive(event("evt_2", "customer.subscription.updated", c.plusSeconds(5), "active", PERIOD_END), T0);
        idle(Duration.ofSeconds(8));
        arrive(event("evt_1", "customer.subscription.created", c, "active", PERIOD_END), T0.plusSeconds(8));
        idle(Duration.ofSeconds(3));
        assertThat(states.isEmpty()).as("evt_2 waited the grace, but evt_1 before it has not").isTrue();

        // Another subscription's record moves stream time far ahead, but evt_1 has been in the
        // buffer only 3 s of wall-clock time: still held.
        events.pipeInput("sub_other", new SubscriptionEvent("evt_o", "dlv_o", "customer.subscription.created", c, T0, "sub_other",
                "cus_o", null, "active", PERIOD_END, null), T0.plusSeconds(20));
        assertThat(states.isEmpty()).isTrue();

        idle(Duration.ofSeconds(8));
        assertThat(states.readValuesToList()).extracting(SubscriptionState::lastEventId).containsExactly("evt_1", "evt_2");
    }

    @Test
    void after_the_buffer_empties_a_new_event_is_still_released_by_the_wall_clock_and_nothing_is_left_behind() {
        Instant c = T0.minusSeconds(60);
        arrive(event("evt_1", "customer.subscription.created", c, "active", PERIOD_END), T0);
        idle(GRACE.plusSeconds(1));
        assertThat(states.readValuesToList()).extracting(SubscriptionState::lastEventId).containsExactly("evt_1");

        // the buffer was empty in between (its wall-clock punctuator stopped); a later event
        // starts it again
        idle(Duration.ofMinutes(5));
        arrive(event("evt_2", "customer.subscription.updated", c.plusSeconds(1), "past_due", PERIOD_END),
                T0.plus(GRACE).plusSeconds(1).plus(Duration.ofMinutes(5)));
        idle(GRACE.minusSeconds(1));
        assertThat(states.isEmpty()).isTrue();
        idle(Duration.ofSeconds(2));
        assertThat(states.readValuesToList()).extracting(SubscriptionState::lastEventId).containsExactly("evt_2");
        assertThat(bufferAndIndexAreEmpty()).isTrue();
    }

    @Test
    void many_subscriptions_interleaved_each_leave_in_their_own_order() {
        Instant c = T0.minusSeconds(600);
        int subscriptions = 50;
        for (int step = 2; step >= 0; step--) {
            for (int n = 0; n < subscriptions; n++) {
                String sub = "sub_" + n;
                String type = step == 0 ? "customer.subscription.created" : "customer.subscription.updated";
                events.pipeInput(sub, new SubscriptionEvent("evt_" + n + "_" + step, "dlv_" + n + "_" + step, type, c.plusSeconds(step), T0,
                        sub, "cus_" + n, null, step == 2 ? "past_due" : "active", PERIOD_END, null), T0);
            }
        }
        idle(GRACE.plusSeconds(1));
        var released = states.readKeyValuesToList();
        assertThat(released).hasSize(subscriptions * 3);
        for (int n = 0; n < subscriptions; n++) {
            String sub = "sub_" + n;
            assertThat(released.stream().filter(kv -> kv.key.equals(sub)).map(kv -> kv.value.lastEventId()))
                    .containsExactly("evt_" + n + "_0", "evt_" + n + "_1", "evt_" + n + "_2");
        }
        assertThat(bufferAndIndexAreEmpty()).isTrue();
    }

    boolean bufferAndIndexAreEmpty() {
        try (var buffer = driver.getKeyValueStore(OrderingBuffer.STORE).all();
             var index = driver.getKeyValueStore(OrderingBuffer.DUE_INDEX).all()) {
            return !buffer.hasNext() && !index.hasNext();
        }
    }

    @Test
    void events_of_the_same_second_follow_the_documented_precedence() {
        Instant same = T0.minusSeconds(30);
        arrive(event("evt_z_updated", "customer.subscription.updated", same, "active", PERIOD_END), T0);
        arrive(event("evt_a_failed", "invoice.payment_failed", same, null, null), T0);
        arrive(event("evt_m_created", "customer.subscription.created", same, "incomplete", PERIOD_END), T0);
        idle(GRACE.plusSeconds(1));
        assertThat(states.readValuesToList()).extracting(SubscriptionState::lastEventType)
                .containsExactly("customer.subscription.created", "invoice.payment_failed", "customer.subscription.updated");
        assertThat(stored().status()).isEqualTo("active");
    }

    @Test
    void a_stale_event_arriving_after_the_grace_never_overwrites_newer_state() {
        Instant c = T0.minusSeconds(60);
        arrive(event("evt_new", "customer.subscription.updated", c.plusSeconds(10), "canceled", PERIOD_END), T0);
        idle(GRACE.plusSeconds(1));
        audit.readValuesToList();
        arrive(event("evt_old", "customer.subscription.updated", c, "active", PERIOD_END), T0.plusSeconds(30));
        idle(GRACE.plusSeconds(1));

        assertThat(audit.readValuesToList()).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(WebhookDelivery.STALE);
            assertThat(a.eventId()).isEqualTo("evt_old");
            assertThat(a.source()).as("the source the topology was built for").isEqualTo("stripe");
        });
        assertThat(stored().status()).isEqualTo("canceled");
        assertThat(stored().lastEventId()).isEqualTo("evt_new");
    }

    @Test
    void access_runs_to_period_end_plus_renewal_grace_past_due_keeps_it_and_deleted_ends_it() {
        Instant c = T0.minusSeconds(600);
        arrive(event("evt_1", "customer.subscription.created", c, "active", PERIOD_END), T0);
        arrive(event("evt_2", "invoice.payment_failed", c.plusSeconds(100), null, null), T0);
        idle(GRACE.plusSeconds(1));
        var afterFailure = states.readValuesToList();
        assertThat(afterFailure.get(0).accessUntil()).isEqualTo(PERIOD_END.plus(RENEWAL));
        assertThat(afterFailure.get(1).status()).isEqualTo("past_due");
        assertThat(afterFailure.get(1).accessUntil()).as("a failed payment keeps access until the grace ends").isEqualTo(PERIOD_END.plus(RENEWAL));

        // A renewal paid late (after the period end, inside the grace) extends access.
        Instant nextEnd = PERIOD_END.plus(Duration.ofDays(30));
        arrive(event("evt_3", "invoice.paid", c.plusSeconds(200), null, nextEnd), T0.plusSeconds(20));
        idle(GRACE.plusSeconds(1));
        assertThat(stored().status()).isEqualTo("active");
        assertThat(stored().accessUntil()).isEqualTo(nextEnd.plus(RENEWAL));

        Instant ended = c.plusSeconds(300);
        arrive(new SubscriptionEvent("evt_4", "dlv_4", "customer.subscription.deleted", ended, T0, "sub_1", "cus_1", null, "canceled", nextEnd, ended),
                T0.plusSeconds(40));
        idle(GRACE.plusSeconds(1));
        assertThat(stored().status()).isEqualTo("canceled");
        assertThat(stored().accessUntil()).as("deleted ends access when the event says").isEqualTo(ended);
    }

    @Test
    void a_subscription_is_stored_without_its_user_and_gains_it_when_the_checkout_link_arrives_late() {
        Instant c = T0.minusSeconds(60);
        arrive(event("evt_1", "customer.subscription.created", c, "active", PERIOD_END), T0);
        idle(GRACE.plusSeconds(1));
        assertThat(stored().userId()).isNull();
        assertThat(stored().status()).isEqualTo("active");

        arrive(new SubscriptionEvent("evt_cs", "dlv_cs", "checkout.session.completed", c.minusSeconds(5), T0, "sub_1", "cus_1", USER, null, null, null),
                T0.plusSeconds(30));
        idle(GRACE.plusSeconds(1));
        SubscriptionState linked = states.readValuesToList().get(1);
        assertThat(linked.userId()).isEqualTo(USER);
        assertThat(linked.status()).as("the link changes nobody's access").isEqualTo("active");
        assertThat(linked.lastEventId()).as("nor the applied version").isEqualTo("evt_1");
    }

    @Test
    void a_link_that_comes_first_makes_a_pending_subscription_that_later_events_fill_in() {
        Instant c = T0.minusSeconds(60);
        arrive(new SubscriptionEvent("evt_cs", "dlv_cs", "checkout.session.completed", c.plusSeconds(5), T0, "sub_1", "cus_1", USER, null, null, null), T0);
        idle(GRACE.plusSeconds(1));
        assertThat(stored().status()).isEqualTo("pending");
        arrive(event("evt_1", "customer.subscription.created", c, "active", PERIOD_END), T0.plusSeconds(20));
        idle(GRACE.plusSeconds(1));
        assertThat(stored().status()).isEqualTo("active");
        assertThat(stored().userId()).isEqualTo(USER);
    }

    @Test
    void an_event_that_cannot_be_applied_is_dead_lettered_with_its_reason_and_the_next_one_still_applies() {
        Instant c = T0.minusSeconds(60);
        arrive(event("evt_1", "customer.subscription.created", c, "active", PERIOD_END), T0);
        arrive(new SubscriptionEvent("evt_2", "dlv_2", "customer.subscription.updated", c.plusSeconds(1), T0, "sub_1", "cus_SOMEONE_ELSE", null,
                "active", PERIOD_END, null), T0);
        arrive(event("evt_3", "customer.subscription.updated", c.plusSeconds(2), "made_up_status", PERIOD_END), T0);
        arrive(event("evt_4", "customer.subscription.updated", c.plusSeconds(3), "past_due", PERIOD_END), T0);
        idle(GRACE.plusSeconds(1));

        assertThat(dead.readValuesToList()).extracting(DeadLetter::eventId).containsExactly("evt_2", "evt_3");
        assertThat(metrics.get("webhooks.dead_letters").tag("stage", "subscription-state").counter().count()).isEqualTo(2);
        assertThat(audit.readValuesToList()).extracting(WebhookDelivery::outcome)
                .containsExactly(WebhookDelivery.ACCEPTED, WebhookDelivery.REJECTED, WebhookDelivery.REJECTED, WebhookDelivery.ACCEPTED);
        assertThat(stored().status()).isEqualTo("past_due");
    }

    @Test
    void a_task_catching_up_on_a_backlog_waits_a_grace_before_idle_time_counts() {
        Instant c = T0.minusSeconds(60);
        // Read 30 s after ingest received it: the task is behind, and a pause before its next
        // record means that record is not fetched yet (the consumer serves other partitions first).
        arrive(event("evt_2", "customer.subscription.updated", c.plusSeconds(5), "active", PERIOD_END), T0.minusSeconds(30));
        idle(GRACE.plusSeconds(1));
        assertThat(states.isEmpty()).as("a grace of wall-clock time passed, but not of idle time").isTrue();
        // ... and here it is: an older event of the same subscription, received just after the first.
        arrive(event("evt_1", "customer.subscription.created", c, "active", PERIOD_END), T0.minusSeconds(30).plusMillis(5));
        idle(GRACE.multipliedBy(2).plusSeconds(1));
        assertThat(states.readValuesToList()).extracting(SubscriptionState::lastEventId).containsExactly("evt_1", "evt_2");
        assertThat(audit.readValuesToList()).extracting(WebhookDelivery::outcome).containsOnly(WebhookDelivery.ACCEPTED);
    }

    @Test
    void a_task_whose_thread_stalled_waits_a_grace_before_idle_time_counts() {
        Instant c = T0.minusSeconds(60);
        arrive(event("evt_2", "customer.subscription.updated", c.plusSeconds(5), "active", PERIOD_END), T0);
        idle(Duration.ofSeconds(2));
        // The stream thread does not run for 9 s (a rebalance holding its poll): when it runs
        // again, those 9 s are no idle time, since a record may have waited in the partition.
        driver.advanceWallClockTime(Duration.ofSeconds(9));
        assertThat(states.isEmpty()).isTrue();
        // ... and here it was: an older event of the same subscription, which still comes first.
        // Read 11 s after it arrived, it says the task is catching up: a grace passes before idle
        // time counts again.
        arrive(event("evt_1", "customer.subscription.created", c, "active", PERIOD_END), T0.plusMillis(5));
        idle(GRACE.plusSeconds(1));
        assertThat(states.isEmpty()).isTrue();
        idle(GRACE);
        assertThat(states.readValuesToList()).extracting(SubscriptionState::lastEventId).containsExactly("evt_1", "evt_2");
    }
}
