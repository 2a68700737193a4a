package io.streamgate.processors.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.processors.subscriptions.SubscriptionStateMachine;
import io.streamgate.schemas.webhooks.OrderingKey;
import io.streamgate.schemas.webhooks.ReceivedWebhook;
import io.streamgate.schemas.webhooks.SubscriptionEvent;
import io.streamgate.schemas.webhooks.SubscriptionState;
import io.streamgate.schemas.webhooks.WebhookTopics;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The webhook pipeline on the real broker and Postgres: 10,000 Stripe-shaped events over 500
 * subscriptions, 30 % delivered twice, shuffled (every delivery within a fraction of a second
 * of its neighbours, so far within the ordering grace). Every subscription's final row equals
 * what applying its events in order gives, every event is applied exactly once, and no event
 * is refused as stale: quietly, with the processors restarted mid-stream, SIGKILLed mid-stream
 * and taken over by a new instance, as one of two instances SIGKILLed, and across the upgrade
 * from the release that keyed webhooks.received by event id.
 */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookPipelineTest {
    static final int SUBSCRIPTIONS = 500;
    static final int EVENTS_PER_SUBSCRIPTION = 20;
    static final double DUPLICATE_SHARE = 0.3;
    static final int SHUFFLE_WINDOW = 50;
    static final Duration GRACE = Duration.ofSeconds(10);
    static final Duration RENEWAL = Duration.ofDays(3);
    static final WebhookProcessorsConfig CONFIG = new WebhookProcessorsConfig(Duration.ofDays(7), GRACE, RENEWAL);

    /** What a scenario did when (stops, starts, kills), for a failure message. */
    final List<String> phases = new ArrayList<>();
    TestEnv env;
    Platform platform;
    List<Component> processors;
    KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    void start(TestEnv env) throws Exception {
        this.env = env;
        platform = env.platform();
        producer = new KafkaProducer<>(platform.kafka().producer("pipeline-test"));
        startProcessors();
        warmUp();
    }

    /** One event through the whole pipeline, so the run starts on processors that are up. */
    void warmUp() throws Exception {
        String id = "evt_warm_" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        String payload = StripeFixtures.subscriptionEvent(id, "customer.subscription.created", now, "sub_warm_" + id, "cus_warm", "active", now + 86400, null, true);
        send(new Run("warm", List.of(StripeFixtures.received(id, "customer.subscription.created", payload, Instant.now())), Map.of(), 1, 1, Map.of()), i -> {}, i -> false);
        Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> count("select count(*) from webhook_deliveries where event_id like ?", id) == 1);
    }

    @AfterAll
    void stop() {
        stopProcessors();
        producer.close();
    }

    void startProcessors() {
        processors = WebhookProcessors.components(platform, CONFIG);
        processors.forEach(Component::start);
    }

    void stopProcessors() {
        if (processors == null) return;
        for (int i = processors.size() - 1; i >= 0; i--) processors.get(i).close();
        processors = null;
    }

    /** One generated run: every delivery in the order it is sent, and the ground truth. */
    record Run(String prefix, List<ReceivedWebhook> deliveries, Map<String, SubscriptionState> truth, int uniqueEvents,
               int subscriptionEvents, Map<String, Integer> deliveriesPerEvent) {}

    static Run generate(long seed) throws Exception {
        Random random = new Random(seed);
        String prefix = "r" + Long.toHexString(random.nextLong() & 0xffffffffL) + "_";
        long start = Instant.now().minus(Duration.ofDays(1)).getEpochSecond();
        List<ReceivedWebhook> events = new ArrayList<>();
        Map<String, List<SubscriptionEvent>> bySubscription = new LinkedHashMap<>();
        Instant placeholder = Instant.EPOCH;
        for (int s = 0; s < SUBSCRIPTIONS; s++) {
            String sub = "sub_" + prefix + s;
            String cus = "cus_" + prefix + s;
            String user = new UUID(seed, s).toString();
            boolean currentApi = s % 2 == 0;
            long base = start + s;
            long period = base + 30 * 86400;
            List<String[]> plan = new ArrayList<>(); // type, created, status, periodEnd
            plan.add(new String[] {"customer.subscription.created", "" + base, "incomplete", "" + period});
            plan.add(new String[] {"invoice.paid", "" + (base + 60), null, "" + period});
            plan.add(new String[] {"customer.subscription.updated", "" + (base + 60), "active", "" + period});
            for (int r = 1; r <= 7; r++) {
                long at = base + 60 + r * 120;
                if (random.nextDouble() < 0.2) {
                    plan.add(new String[] {"invoice.payment_failed", "" + at, null, "" + period});
                    plan.add(new String[] {"customer.subscription.updated", "" + at, "past_due", "" + period});
                } else {
                    period += 30 * 86400;
                    plan.add(new String[] {"invoice.paid", "" + at, null, "" + period});
                    plan.add(new String[] {"customer.subscription.updated", "" + at, "active", "" + period});
                }
            }
            long last = base + 60 + 8 * 120;
            plan.add(s % 5 == 0
                    ? new String[] {"customer.subscription.deleted", "" + last, "canceled", "" + period}
                    : new String[] {"customer.subscription.updated", "" + last, "active", "" + period});
            plan.add(new String[] {"checkout.session.completed", "" + (base + 60 * random.nextInt(18) + 30), null, null});
            plan.add(new String[] {"customer.updated", "" + (base + 90), null, null});
            assertThat(plan).hasSize(EVENTS_PER_SUBSCRIPTION);
            for (int k = 0; k < plan.size(); k++) {
                String[] p = plan.get(k);
                String id = "evt_" + prefix + s + "_" + k;
                long created = Long.parseLong(p[1]);
                String payload = switch (p[0]) {
                    case "checkout.session.completed" -> StripeFixtures.checkoutCompleted(id, created, sub, cus, user);
                    case "customer.updated" -> StripeFixtures.envelope(id, p[0], created, io.streamgate.schemas.Json.mapper().createObjectNode().put("id", cus), null);
                    case "invoice.paid", "invoice.payment_failed" -> StripeFixtures.invoiceEvent(id, p[0], created, sub, cus, Long.parseLong(p[3]), currentApi);
                    default -> StripeFixtures.subscriptionEvent(id, p[0], created, sub, cus, p[2], Long.parseLong(p[3]),
                            p[0].endsWith("deleted") ? created : null, currentApi);
                };
                ReceivedWebhook w = StripeFixtures.received(id, p[0], payload, placeholder);
                events.add(w);
                SubscriptionEvent e = StripeEvents.extract(w);
                if (e != null) bySubscription.computeIfAbsent(sub, x -> new ArrayList<>()).add(e);
            }
        }
        // Ground truth: each subscription's events applied in order, one by one.
        Map<String, SubscriptionState> truth = new HashMap<>();
        int subscriptionEvents = 0;
        for (var entry : bySubscription.entrySet()) {
            SubscriptionState state = null;
            List<SubscriptionEvent> ordered = new ArrayList<>(entry.getValue());
            ordered.sort(SubscriptionStateMachine.ORDER);
            for (SubscriptionEvent e : ordered) {
                var result = SubscriptionStateMachine.apply(state, e, RENEWAL, Instant.now());
                assertThat(result.outcome()).as("in-order application of %s", e.eventId()).isEqualTo(SubscriptionStateMachine.Outcome.ACCEPTED);
                state = result.state();
                subscriptionEvents++;
            }
            truth.put(entry.getKey(), state);
        }
        // Delivery order: by created across subscriptions, each event displaced by at most
        // SHUFFLE_WINDOW positions; 30 % of events delivered a second time, later.
        events.sort(Comparator.comparing(w -> createdOf(w)));
        List<double[]> keys = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) keys.add(new double[] {i + random.nextDouble() * SHUFFLE_WINDOW, i});
        List<ReceivedWebhook> deliveries = new ArrayList<>();
        keys.sort(Comparator.comparingDouble(k -> k[0]));
        for (double[] k : keys) deliveries.add(events.get((int) k[1]));
        Map<String, Integer> perEvent = new HashMap<>();
        events.forEach(w -> perEvent.put(w.eventId(), 1));
        List<ReceivedWebhook> shuffled = new ArrayList<>(events);
        java.util.Collections.shuffle(shuffled, random);
        for (ReceivedWebhook w : shuffled.subList(0, (int) (events.size() * DUPLICATE_SHARE))) {
            int at = Math.min(deliveries.size(), deliveries.indexOf(w) + 1 + random.nextInt(500));
            deliveries.add(at, w);
            perEvent.put(w.eventId(), 2);
        }
        return new Run(prefix, deliveries, truth, events.size(), subscriptionEvents, perEvent);
    }

    static long createdOf(ReceivedWebhook w) {
        int i = w.payload().indexOf("\"created\":");
        int end = w.payload().indexOf(',', i);
        return Long.parseLong(w.payload().substring(i + 10, end));
    }

    void send(Run run, IntConsumer progress) throws Exception {
        send(run, progress, i -> false);
    }

    /**
     * Sends like ingest does (paced, timestamped now, a fresh delivery id each time, keyed by
     * the ordering key on webhooks.received.v2), calling back as it goes; the deliveries for
     * which {@code previousIngest} holds go as the previous release's ingest wrote them: keyed
     * by event id on the retired webhooks.received.
     */
    void send(Run run, IntConsumer progress, IntPredicate previousIngest) throws Exception {
        phases.clear();
        phase("sending starts", 0);
        for (int i = 0; i < run.deliveries().size(); i++) {
            ReceivedWebhook w = run.deliveries().get(i);
            Instant now = Instant.now();
            ReceivedWebhook delivery = new ReceivedWebhook(w.eventId(), w.source(), w.eventType(), w.payload(), now, now, null,
                    UUID.randomUUID().toString());
            boolean previous = previousIngest.test(i);
            var topic = previous ? WebhookTopics.LEGACY_RECEIVED : WebhookTopics.RECEIVED;
            producer.send(new ProducerRecord<>(topic.name(), null, now.toEpochMilli(),
                    topic.keySerde().serializer().serialize(topic.name(), previous ? w.eventId() : OrderingKey.of(w)),
                    topic.valueSerde().serializer().serialize(topic.name(), delivery)));
            if (i % 2 == 0) Thread.sleep(1);
            progress.accept(i);
        }
        producer.flush();
        phase("sending done", run.deliveries().size());
    }

    void phase(String what, int delivery) {
        phases.add(Instant.now() + " " + what + " before delivery " + delivery);
    }

    void assertFinalStatesMatch(Run run) {
        String like = "evt_" + run.prefix() + "%";
        int total = run.deliveries().size();
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                count("select count(*) from webhook_deliveries where event_id like ?", like) == total);

        String summary = platform.db().inWorkerTransaction(c -> {
            StringBuilder b = new StringBuilder();
            try (var ps = c.prepareStatement("select status, coalesce(reason, '') || ' ' || min(event_id) || ' ' || max(deliveries), count(*) from webhook_events where event_id like ? group by status, reason order by 3 desc limit 10")) {
                ps.setString(1, like);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) b.append(rs.getString(1)).append(" ").append(rs.getString(2)).append(": ").append(rs.getLong(3)).append("; ");
            }
            return b.toString();
        });
        assertThat(count("select count(*) from webhook_events where event_id like ?", like)).as(summary).isEqualTo(run.uniqueEvents());
        // Every delivery arrived within a fraction of a second of its subscription's other events
        // (far within the grace): none may be refused as stale, whatever was stopped or killed.
        assertThat(count("select count(*) from webhook_events where event_id like ? and status = 'stale'", like))
                .as("events refused as stale; %s\n%s", summary, staleReport(run, like)).isZero();
        // Exactly once: every subscription event applied once, every duplicate delivery recognised.
        assertThat(count("select count(*) from webhook_events where event_id like ? and status = 'processed'", like))
                .as(summary).isEqualTo(run.subscriptionEvents());
        assertThat(count("select count(*) from webhook_events where event_id like ? and status = 'ignored'", like))
                .isEqualTo(run.uniqueEvents() - run.subscriptionEvents());
        assertThat(count("select count(*) from webhook_deliveries where event_id like ? and outcome = 'accepted'", like))
                .as("each event applied exactly once").isEqualTo(run.subscriptionEvents());
        assertThat(count("select count(*) from (select event_id from webhook_deliveries where event_id like ? and outcome = 'accepted' "
                + "group by event_id having count(*) > 1) twice", like)).as("no event applied twice").isZero();
        assertThat(count("select count(*) from webhook_deliveries where event_id like ? and outcome = 'duplicate'", like))
                .isEqualTo(total - run.uniqueEvents());
        Map<String, Integer> counted = platform.db().inWorkerTransaction(c -> {
            Map<String, Integer> m = new HashMap<>();
            try (var ps = c.prepareStatement("select event_id, deliveries from webhook_events where event_id like ?")) {
                ps.setString(1, like);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) m.put(rs.getString(1), rs.getInt(2));
            }
            return m;
        });
        assertThat(counted).isEqualTo(run.deliveriesPerEvent());

        Map<String, SubscriptionState> rows = platform.db().inWorkerTransaction(c -> {
            Map<String, SubscriptionState> m = new HashMap<>();
            try (var ps = c.prepareStatement("""
                    select stripe_subscription_id, customer_id, user_id, status, current_period_end, access_until, last_event_id, last_event_type, last_event_created
                    from subscriptions where stripe_subscription_id like ?""")) {
                ps.setString(1, "sub_" + run.prefix() + "%");
                ResultSet rs = ps.executeQuery();
                while (rs.next()) {
                    m.put(rs.getString(1), new SubscriptionState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)), rs.getString(7), rs.getString(8), instant(rs.getTimestamp(9)), null));
                }
            }
            return m;
        });
        assertThat(rows).hasSize(SUBSCRIPTIONS);
        run.truth().forEach((sub, expected) ->
                assertThat(rows.get(sub)).as(sub).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(expected));
    }

    /**
     * For each delivery refused as stale: its position in the run, when it was received and
     * decided, and the same for every delivery of the event it was found older than, so a
     * failure says which clock released what too early.
     */
    String staleReport(Run run, String like) {
        Map<String, List<Integer>> positions = new HashMap<>();
        for (int i = 0; i < run.deliveries().size(); i++) {
            positions.computeIfAbsent(run.deliveries().get(i).eventId(), x -> new ArrayList<>()).add(i);
        }
        return platform.db().inWorkerTransaction(c -> {
            StringBuilder b = new StringBuilder(String.join("\n", phases)).append('\n');
            try (var stale = c.prepareStatement("select event_id, reason from webhook_deliveries where event_id like ? and outcome = 'stale' limit 5");
                 var history = c.prepareStatement("select e.event_id, e.type, e.created, d.outcome, d.received_at, d.decided_at from webhook_deliveries d "
                         + "join webhook_events e using (event_id) where d.event_id = any(?) order by d.received_at")) {
                stale.setString(1, like);
                ResultSet rs = stale.executeQuery();
                while (rs.next()) {
                    String id = rs.getString(1);
                    String reason = rs.getString(2);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("event (\\S+) ").matcher(reason);
                    String applied = m.find() ? m.group(1) : id;
                    b.append("stale ").append(id).append(" (").append(reason).append("), of ").append(run.deliveries().size()).append(" deliveries:\n");
                    history.setArray(1, c.createArrayOf("text", new Object[] {id, applied}));
                    ResultSet h = history.executeQuery();
                    while (h.next()) {
                        b.append("  ").append(h.getString(1)).append(' ').append(h.getString(2)).append(" created ").append(instant(h.getTimestamp(3)))
                                .append(" at ").append(positions.get(h.getString(1))).append(": ").append(h.getString(4))
                                .append(" received ").append(instant(h.getTimestamp(5))).append(" decided ").append(instant(h.getTimestamp(6))).append('\n');
                    }
                }
            }
            return b.toString();
        });
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    long count(String sql, String like) {
        return platform.db().inWorkerTransaction(c -> {
            try (var ps = c.prepareStatement(sql)) {
                ps.setString(1, like);
                ResultSet rs = ps.executeQuery();
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    @Order(1)
    void ten_thousand_shuffled_events_with_duplicates_end_in_the_in_order_state_each_applied_once() throws Exception {
        Run run = generate(1);
        send(run, i -> {});
        assertFinalStatesMatch(run);
    }

    @Test
    @Order(2)
    void the_same_with_the_processors_stopped_and_restarted_mid_stream() throws Exception {
        Run run = generate(2);
        int n = run.deliveries().size();
        send(run, i -> {
            if (i == n * 2 / 5) {
                phase("processors stopped", i);
                stopProcessors();
            }
            if (i == n / 2) {
                phase("processors starting", i);
                startProcessors();
            }
        });
        assertFinalStatesMatch(run);
    }

    @Test
    @Order(3)
    void the_same_with_the_only_instance_killed_mid_stream_and_a_new_one_taking_over() throws Exception {
        stopProcessors();
        Run run = generate(3);
        int n = run.deliveries().size();
        WebhookProcessorsProcess crashing = WebhookProcessorsProcess.start(env, "crashing-" + UUID.randomUUID(), CONFIG);
        try {
            send(run, i -> {
                if (i == n * 2 / 5) {
                    phase("only instance killed", i);
                    kill(crashing);
                }
                if (i == n / 2) {
                    phase("processors starting", i);
                    startProcessors();
                }
            });
        } finally {
            crashing.close();
        }
        assertFinalStatesMatch(run);
    }

    /**
     * Two instances in the group; the one doing the work is killed mid-stream. (Streams gives a
     * new member without local state warm-up replicas until it has caught up, so the first
     * instance owns the active tasks; the second takes them over from its replicas.)
     */
    @Test
    @Order(4)
    void the_same_with_one_of_two_instances_killed_mid_stream() throws Exception {
        stopProcessors();
        Run run = generate(4);
        int n = run.deliveries().size();
        String killedId = "killed-" + UUID.randomUUID();
        String survivorId = "survivor-" + UUID.randomUUID();
        try (WebhookProcessorsProcess killed = WebhookProcessorsProcess.start(env, killedId, CONFIG)) {
            awaitMember(killedId, true);
            try (WebhookProcessorsProcess survivor = WebhookProcessorsProcess.start(env, survivorId, CONFIG)) {
                awaitMember(survivorId, false);
                awaitMember(killedId, true);
                send(run, i -> {
                    if (i == n * 2 / 5) {
                        phase("one of two instances killed", i);
                        kill(killed);
                    }
                });
                assertFinalStatesMatch(run);
            }
        }
    }

    /**
     * An upgrade from the release that keyed webhooks.received by event id and ran two apps:
     * its subscriptions app is stopped first (leaving records in webhooks.subscription-events
     * and events in the ordering buffer), then its route app (leaving records in
     * webhooks.received); its ingest keeps writing the retired topic while this release's
     * processors start and drain it, then, once they report ready, this release's ingest takes
     * over (for a while both write, as in a rolling upgrade); last, Stripe retries events the
     * previous release had already seen. Nothing is lost, nothing applied twice, no event is stale, and the retries
     * are duplicates.
     */
    @Test
    @Order(5)
    void the_same_across_the_upgrade_from_the_release_that_keyed_deliveries_by_event_id() throws Exception {
        stopProcessors();
        Run generated = generate(5);
        // Stripe retries, after the upgrade, 200 events first delivered before it.
        List<ReceivedWebhook> deliveries = new ArrayList<>(generated.deliveries());
        Map<String, Integer> perEvent = new HashMap<>(generated.deliveriesPerEvent());
        for (ReceivedWebhook w : generated.deliveries().subList(0, 200)) {
            deliveries.add(w);
            perEvent.merge(w.eventId(), 1, Integer::sum);
        }
        Run run = new Run(generated.prefix(), deliveries, generated.truth(), generated.uniqueEvents(), generated.subscriptionEvents(), perEvent);
        int n = run.deliveries().size();
        // The previous release ran on other hosts: its own Streams state directories.
        Platform previousHosts = new Platform(platform.env(), platform.secrets(), env.kafka("previous-release"), platform.db(),
                platform.metrics(), new io.streamgate.platform.health.Health(), platform.http(), platform.auth(), platform.clock(),
                platform.dataDir(), platform.dev());
        PreviousRelease previous = PreviousRelease.start(previousHosts, CONFIG);
        try {
            send(run, i -> {
                if (i == n * 3 / 10) {
                    previous.stopSubscriptions();
                    phase("previous subscriptions app stopped", i);
                }
                if (i == n * 2 / 5) {
                    previous.stopRoute();
                    phase("previous route app stopped", i);
                }
                if (i == n / 2) {
                    // As the upgrade procedure says: the new processors are started, and ingest is
                    // rolled only once they report ready (the forwarder caught up, the webhook app
                    // running); the previous release's ingest keeps writing until then.
                    phase("processors starting", i);
                    startProcessors();
                    awaitReady();
                    phase("processors ready", i);
                }
            }, i -> i < n * 7 / 10 || (i < n * 4 / 5 && i % 2 == 0));
        } finally {
            previous.close();
        }
        // Includes: each of the 200 retries is recognised as a duplicate (the previous release's ids).
        assertFinalStatesMatch(run);
    }

    void awaitReady() {
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> platform.health().evaluate().getOrDefault("streams:" + WebhookTopology.APPLICATION_ID, false));
    }

    void kill(WebhookProcessorsProcess instance) {
        try {
            instance.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the instance's webhook app is a member of its group, owning input partitions if {@code owning}. */
    void awaitMember(String instance, boolean owning) {
        try (Admin admin = Admin.create(platform.kafka().common("pipeline-test-admin"))) {
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                var group = admin.describeConsumerGroups(List.of(WebhookTopology.APPLICATION_ID)).all().get().get(WebhookTopology.APPLICATION_ID);
                return group.members().stream().anyMatch(m -> m.clientId().contains(instance) && (!owning
                        || m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(WebhookTopics.RECEIVED.name()))));
            });
        }
    }
}
