package io.streamgate.processors.webhooks;

import static io.streamgate.processors.webhooks.StripeFixtures.checkoutCompleted;
import static io.streamgate.processors.webhooks.StripeFixtures.envelope;
import static io.streamgate.processors.webhooks.StripeFixtures.invoiceEvent;
import static io.streamgate.processors.webhooks.StripeFixtures.received;
import static io.streamgate.processors.webhooks.StripeFixtures.subscriptionEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.webhooks.DeadLetter;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import io.streamgate.schemas.webhooks.OrderingKey;
import io.streamgate.schemas.webhooks.SubscriptionState;
import io.streamgate.schemas.webhooks.WebhookDelivery;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook topology's first stage: a delivery is deduplicated, then goes on to its
 * subscription's ordering buffer (and, a grace later, its state), is ignored, or is
 * dead-lettered. The ordering and the state machine have their own story in
 * SubscriptionTopologyTest.
 */
class WebhookTopologyTest {
    static final Instant T0 = Instant.parse("2026-11-28T05:00:00Z");
    static final Duration RETENTION = Duration.ofDays(7);
    static final Duration GRACE = Duration.ofSeconds(10);

    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    WebhookTopologyDriver topology;
    TopologyTestDriver driver;
    TestInputTopic<String, ReceivedWebhook> received;
    TestOutputTopic<String, SubscriptionState> states;
    TestOutputTopic<String, WebhookDelivery> audit;
    TestOutputTopic<String, DeadLetter> dead;

    static final WebhookProcessorsConfig CONFIG = new WebhookProcessorsConfig(RETENTION, GRACE, Duration.ofDays(3));

    @BeforeEach
    void setUp() {
        start(false);
    }

    /** The production topology on a test driver, with or without the previous release's ids. */
    void start(boolean previousReleaseIds) {
        topology = new WebhookTopologyDriver(CONFIG, metrics, previousReleaseIds, T0);
        driver = topology.driver;
        received = topology.input(WebhookTopics.RECEIVED);
        states = topology.states;
        audit = topology.audit;
        dead = topology.dead;
    }

    void idle(Duration d) {
        topology.idle(d);
    }

    /** What /metrics says of the dead letters of one stage. */
    double deadLetters(String stage) {
        return metrics.get("webhooks.dead_letters").tag("stage", stage).counter().count();
    }

    @AfterEach
    void tearDown() {
        topology.close();
    }

    /** Delivers as ingest does: keyed by the event's ordering key. */
    void deliver(String id, String type, String payload, Instant at) {
        ReceivedWebhook w = received(id, type, payload, at);
        received.pipeInput(OrderingKey.of(w), w, at);
    }

    /** What the ordering buffer releases once the grace has passed: the states applied, in order. */
    List<KeyValue<String, SubscriptionState>> applied() {
        idle(GRACE.plusSeconds(1));
        return states.readKeyValuesToList();
    }

    @Test
    void a_repeated_event_id_is_a_duplicate_audited_and_counted_but_never_sent_on() {
        String body = subscriptionEvent("evt_1", "customer.subscription.updated", T0.getEpochSecond(), "sub_1", "cus_1", "active", T0.getEpochSecond() + 86400, null, true);
        deliver("evt_1", "customer.subscription.updated", body, T0);
        deliver("evt_1", "customer.subscription.updated", body, T0.plus(Duration.ofDays(3)));

        assertThat(applied()).singleElement().satisfies(kv -> assertThat(kv.key).isEqualTo("sub_1"));
        assertThat(audit.readValuesToList()).extracting(WebhookDelivery::eventId, WebhookDelivery::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("evt_1", WebhookDelivery.DUPLICATE), org.assertj.core.groups.Tuple.tuple("evt_1", WebhookDelivery.ACCEPTED));
        assertThat(metrics.counter("webhooks.duplicates").count()).isEqualTo(1);
    }

    @Test
    void ids_are_remembered_for_the_retention_and_forgotten_after_it() {
        String body = subscriptionEvent("evt_2", "customer.subscription.updated", T0.getEpochSecond(), "sub_2", "cus_2", "active", T0.getEpochSecond(), null, true);
        deliver("evt_2", "customer.subscription.updated", body, T0);
        deliver("evt_2", "customer.subscription.updated", body, T0.plus(RETENTION).minusSeconds(1));
        assertThat(applied()).hasSize(1);
        assertThat(audit.readValuesToList()).extracting(WebhookDelivery::outcome).containsExactly(WebhookDelivery.DUPLICATE, WebhookDelivery.ACCEPTED);

        // Record time moves past the retention and the purge runs: the store forgets the id.
        deliver("evt_other", "customer.updated", envelope("evt_other", "customer.updated", T0.getEpochSecond(), Json.mapper().createObjectNode(), null),
                T0.plus(RETENTION).plus(Duration.ofHours(1)));
        driver.advanceWallClockTime(DedupRouter.PURGE_EVERY);
        assertThat(driver.<String, Long>getKeyValueStore(DedupRouter.STORE).get("evt_2")).isNull();
    }

    @Test
    void invoices_name_their_subscription_in_both_api_versions() {
        long now = T0.getEpochSecond();
        deliver("evt_new", "invoice.paid", invoiceEvent("evt_new", "invoice.paid", now, "sub_new", "cus_9", now + 30 * 86400, true), T0);
        deliver("evt_old", "invoice.paid", invoiceEvent("evt_old", "invoice.paid", now, "sub_old", "cus_9", now + 30 * 86400, false), T0);
        var out = applied();
        assertThat(out).extracting(kv -> kv.key).containsExactlyInAnyOrder("sub_new", "sub_old");
        assertThat(out).allSatisfy(kv -> {
            assertThat(kv.value.customerId()).isEqualTo("cus_9");
            assertThat(kv.value.currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(now + 30 * 86400));
        });
    }

    @Test
    void subscriptions_take_their_period_end_from_items_or_from_themselves() {
        long now = T0.getEpochSecond();
        deliver("evt_a", "customer.subscription.created", subscriptionEvent("evt_a", "customer.subscription.created", now, "sub_a", "cus_a", "active", now + 100, null, true), T0);
        deliver("evt_b", "customer.subscription.created", subscriptionEvent("evt_b", "customer.subscription.created", now, "sub_b", "cus_b", "trialing", now + 200, null, false), T0);
        var out = applied().stream().collect(java.util.stream.Collectors.toMap(kv -> kv.key, kv -> kv.value));
        assertThat(out.get("sub_a").currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(now + 100));
        assertThat(out.get("sub_b").currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(now + 200));
        assertThat(out).extractingFromEntries(e -> e.getValue().status()).containsExactlyInAnyOrder("active", "trialing");
    }

    @Test
    void unknown_types_other_sources_and_one_off_checkouts_are_stored_and_audited_as_ignored() {
        deliver("evt_u", "customer.updated", envelope("evt_u", "customer.updated", T0.getEpochSecond(), Json.mapper().createObjectNode(), null), T0);
        received.pipeInput("acme:1", new ReceivedWebhook("acme:1", "acme", "payment.succeeded", "{}", T0, T0, null, UUID.randomUUID().toString()), T0.toEpochMilli());
        deliver("evt_pay", "checkout.session.completed", checkoutCompleted("evt_pay", T0.getEpochSecond(), null, "cus_1", UUID.randomUUID().toString()), T0);

        assertThat(applied()).isEmpty();
        assertThat(audit.readValuesToList()).allSatisfy(a -> assertThat(a.outcome()).isEqualTo(WebhookDelivery.IGNORED))
                .extracting(WebhookDelivery::eventId).containsExactly("evt_u", "acme:1", "evt_pay");
    }

    @Test
    void an_unprocessable_event_goes_to_the_dead_letter_topic_with_its_reason_and_processing_goes_on() {
        deliver("evt_bad", "checkout.session.completed", checkoutCompleted("evt_bad", T0.getEpochSecond(), "sub_x", "cus_x", "not-a-uuid"), T0);
        deliver("evt_broken", "invoice.paid", "{\"id\":\"evt_broken\"", T0);
        deliver("evt_fine", "invoice.paid", invoiceEvent("evt_fine", "invoice.paid", T0.getEpochSecond(), "sub_x", "cus_x", T0.getEpochSecond(), true), T0);

        assertThat(dead.readValuesToList()).extracting(DeadLetter::eventId, DeadLetter::stage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("evt_bad", "route"), org.assertj.core.groups.Tuple.tuple("evt_broken", "route"));
        assertThat(audit.readValuesToList()).extracting(WebhookDelivery::outcome).containsExactly(WebhookDelivery.REJECTED, WebhookDelivery.REJECTED);
        assertThat(applied()).extracting(kv -> kv.value.lastEventId()).containsExactly("evt_fine");
        assertThat(deadLetters("route")).isEqualTo(2);
        assertThat(deadLetters("subscription-state")).isZero();
    }

    @Test
    void text_postgres_cannot_store_is_dead_lettered_before_it_reaches_the_sink() {
        long end = T0.getEpochSecond() + 86400;
        deliver("evt_nul", "customer.subscription.updated",
                subscriptionEvent("evt_nul", "customer.subscription.updated", T0.getEpochSecond(), "sub_n", "cus\u0000n", "active", end, null, true), T0);
        deliver("evt_half", "customer.subscription.updated",
                subscriptionEvent("evt_half", "customer.subscription.updated", T0.getEpochSecond(), "sub_h", "cus_h", "active\ud800", end, null, true), T0);
        idle(GRACE.plusSeconds(1));

        assertThat(dead.readValuesToList()).extracting(DeadLetter::eventId, DeadLetter::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("evt_nul", "data.object.customer contains U+0000 (NUL), which cannot be stored"),
                org.assertj.core.groups.Tuple.tuple("evt_half", "data.object.status contains an unpaired surrogate (U+D800), which is not Unicode text"));
        assertThat(applied()).isEmpty();
    }

    @Test
    void a_record_that_is_no_valid_received_webhook_is_dead_lettered_not_fatal() {
        received.pipeInput("evt_junk", new ReceivedWebhook(null, null, null, null, null, null, null, null), T0.toEpochMilli());
        deliver("evt_next", "customer.updated", envelope("evt_next", "customer.updated", T0.getEpochSecond(), Json.mapper().createObjectNode(), null), T0);
        assertThat(dead.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.eventId()).isEqualTo("evt_junk");
            assertThat(d.reason()).contains("not a valid");
        });
        assertThat(audit.readValuesToList()).extracting(WebhookDelivery::eventId).containsExactly("evt_next");
    }

    @Test
    void a_subscription_event_filed_under_another_key_is_dead_lettered_never_applied_in_the_wrong_task() {
        String body = subscriptionEvent("evt_k", "customer.subscription.updated", T0.getEpochSecond(), "sub_k", "cus_k", "active", T0.getEpochSecond() + 86400, null, true);
        received.pipeInput("evt_k", received("evt_k", "customer.subscription.updated", body, T0), T0);
        assertThat(dead.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.eventId()).isEqualTo("evt_k");
            assertThat(d.reason()).contains("filed under key 'evt_k' but about subscription sub_k");
        });
        assertThat(audit.readValuesToList()).extracting(WebhookDelivery::outcome).containsExactly(WebhookDelivery.REJECTED);
        assertThat(applied()).isEmpty();
    }

    @Test
    void ids_the_previous_release_saw_are_duplicates_too() {
        driver.close();
        start(true);
        var previous = driver.createInputTopic(WebhookTopology.PREVIOUS_DEDUP_CHANGELOG,
                org.apache.kafka.common.serialization.Serdes.String().serializer(), org.apache.kafka.common.serialization.Serdes.Long().serializer());
        previous.pipeInput("evt_old", T0.minus(Duration.ofDays(2)).toEpochMilli());
        previous.pipeInput("evt_ancient", T0.minus(Duration.ofDays(8)).toEpochMilli());

        deliver("evt_old", "customer.updated", envelope("evt_old", "customer.updated", T0.getEpochSecond(), Json.mapper().createObjectNode(), null), T0);
        deliver("evt_ancient", "customer.updated", envelope("evt_ancient", "customer.updated", T0.getEpochSecond(), Json.mapper().createObjectNode(), null), T0);
        assertThat(audit.readValuesToList()).extracting(WebhookDelivery::eventId, WebhookDelivery::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("evt_old", WebhookDelivery.DUPLICATE),
                org.assertj.core.groups.Tuple.tuple("evt_ancient", WebhookDelivery.IGNORED));
    }

    @Test
    void the_tasks_keep_the_previous_release_numbers_with_or_without_its_ids() {
        for (boolean previousIds : List.of(false, true)) {
            var description = WebhookTopology.build(new StreamsBuilder(), CONFIG, metrics, previousIds).describe();
            assertThat(description.subtopologies()).as("previous release ids: %s", previousIds).singleElement().satisfies(sub -> {
                assertThat(sub.id()).as("its task directories are 0_0..0_5").isZero();
                assertThat(sub.nodes()).extracting(n -> n.name()).contains("received-webhooks", "retired-subscription-events");
            });
            assertThat(description.globalStores()).hasSize(previousIds ? 1 : 0);
        }
    }
}
