package io.streamgate.processors.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.Platform;
import io.streamgate.schemas.webhooks.SubscriptionState;
import io.streamgate.schemas.webhooks.WebhookDelivery;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook sink's own statements, as the worker role it runs as, against the migrated
 * schema: every insert and update it issues is within the worker's grants
 * (R__least_privilege), and replays change nothing. WebhookPipelineTest covers the sink
 * behind Kafka; this covers its SQL in seconds.
 */
@StreamgateTest
class WebhookSinkTest {
    static Platform platform;

    @BeforeAll
    static void start(TestEnv env) {
        platform = env.platform();
    }

    @Test
    void deliveriesOfOneEventBecomeOneEventRowWithItsHistory() {
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        WebhookDelivery first = new WebhookDelivery("d1", "evt_1", "stripe", "invoice.paid", WebhookDelivery.ACCEPTED, null, "sub_1",
                t, t.plusSeconds(1), t.plusSeconds(2));
        WebhookDelivery again = new WebhookDelivery("d2", "evt_1", "stripe", "invoice.paid", WebhookDelivery.DUPLICATE,
                "first delivered earlier", "sub_1", t, t.plusSeconds(5), t.plusSeconds(6));
        platform.db().inWorkerTransaction(c -> {
            WebhookSink.writeDelivery(c, first);
            WebhookSink.writeDelivery(c, again);
            WebhookSink.writeDelivery(c, first); // a replay
            return null;
        });
        assertThat(rows("select status || ' ' || deliveries || ' ' || subscription_id from webhook_events where event_id = 'evt_1'"))
                .containsExactly("processed 2 sub_1");
        assertThat(rows("select delivery_id || ' ' || outcome from webhook_deliveries where event_id = 'evt_1' order by received_at"))
                .containsExactly("d1 accepted", "d2 duplicate");
    }

    @Test
    void aSubscriptionMovesOnlyToANewerVersionAndLearnsItsUserOnce() {
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        String user = UUID.randomUUID().toString();
        SubscriptionState pending = new SubscriptionState("sub_2", "cus_2", null, "pending", null, null, "evt_a", "checkout.session.completed",
                t, t);
        SubscriptionState active = new SubscriptionState("sub_2", "cus_2", user, "active", t.plusSeconds(86_400), t.plusSeconds(90_000),
                "evt_b", "invoice.paid", t.plusSeconds(10), t.plusSeconds(10));
        SubscriptionState older = new SubscriptionState("sub_2", "cus_2", null, "canceled", null, t, "evt_old", "customer.subscription.deleted",
                t.minusSeconds(60), t.minusSeconds(60));
        platform.db().inWorkerTransaction(c -> {
            WebhookSink.writeState(c, pending);
            WebhookSink.writeState(c, active);
            WebhookSink.writeState(c, older);
            return null;
        });
        assertThat(rows("select status || ' ' || user_id || ' ' || last_event_id from subscriptions where stripe_subscription_id = 'sub_2'"))
                .containsExactly("active " + user + " evt_b");
    }

    static List<String> rows(String sql) {
        return platform.db().inWorkerTransaction(c -> strings(c, sql));
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
