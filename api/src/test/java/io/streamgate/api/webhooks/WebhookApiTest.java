package io.streamgate.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.streamgate.platform.Platform;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import io.streamgate.testkit.OpenApiValidator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The read side over real HTTP and Postgres: a user sees their own subscription only (RLS),
 * and operators see an event's status and history with the operator token only.
 */
@StreamgateTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookApiTest {
    static final UUID ALICE = UUID.randomUUID();
    static final UUID BOB = UUID.randomUUID();
    static final Instant PERIOD_END = Instant.parse("2030-01-01T00:00:00Z");

    final HttpClient http = HttpClient.newHttpClient();
    Platform platform;
    String base;

    @BeforeAll
    void start(TestEnv env) {
        platform = env.platform();
        Javalin app = env.serve(platform, List.of(new SubscriptionApi(platform), new WebhookAdminApi(platform)));
        base = "http://127.0.0.1:" + app.port();
        platform.db().inWorkerTransaction(c -> {
            try (var ps = c.prepareStatement("""
                    insert into subscriptions (stripe_subscription_id, user_id, customer_id, status, current_period_end, access_until,
                        last_event_id, last_event_type, last_event_created, last_event_rank)
                    values (?, ?, ?, 'active', ?, ?, 'evt_1', 'invoice.paid', now(), 4)""")) {
                for (var row : List.of(new Object[] {"sub_alice", ALICE, "cus_a"}, new Object[] {"sub_unlinked", null, "cus_x"})) {
                    ps.setString(1, (String) row[0]);
                    ps.setObject(2, row[1]);
                    ps.setString(3, (String) row[2]);
                    ps.setTimestamp(4, Timestamp.from(PERIOD_END));
                    ps.setTimestamp(5, Timestamp.from(PERIOD_END.plus(Duration.ofDays(3))));
                    ps.executeUpdate();
                }
            }
            try (var ps = c.prepareStatement("""
                    insert into webhook_events (event_id, source, type, created, received_at, status, subscription_id, deliveries)
                    values ('evt_admin', 'stripe', 'invoice.paid', now(), now(), 'processed', 'sub_alice', 2)""")) {
                ps.executeUpdate();
            }
            try (var ps = c.prepareStatement("""
                    insert into webhook_deliveries (delivery_id, event_id, outcome, reason, received_at, decided_at) values
                    ('d1', 'evt_admin', 'accepted', null, now() - interval '1 minute', now()),
                    ('d2', 'evt_admin', 'duplicate', 'first delivered earlier', now(), now())""")) {
                ps.executeUpdate();
            }
            return null;
        });
    }

    HttpResponse<String> get(String path, String bearer) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return OpenApiValidator.require(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    String tokenFor(UUID user) {
        return platform.auth().tokens().issue(user, UUID.randomUUID().toString()).token();
    }

    @Test
    void a_user_sees_their_own_subscription_with_access_until_the_grace_ends() throws Exception {
        var response = get("/v1/subscription", tokenFor(ALICE));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.get("subscription_id").asText()).isEqualTo("sub_alice");
        assertThat(body.get("status").asText()).isEqualTo("active");
        assertThat(Instant.parse(body.get("access_until").asText())).isEqualTo(PERIOD_END.plus(Duration.ofDays(3)));
        assertThat(body.get("has_access").asBoolean()).isTrue();
    }

    @Test
    void another_user_sees_nothing_of_it_and_strangers_are_refused() throws Exception {
        var bob = get("/v1/subscription", tokenFor(BOB));
        assertThat(bob.statusCode()).isEqualTo(404);
        assertThat(bob.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(bob.body()).doesNotContain("sub_alice").doesNotContain("sub_unlinked");
        assertThat(get("/v1/subscription", null).statusCode()).isEqualTo(401);
    }

    @Test
    void operators_see_an_events_status_and_history_with_the_operator_token_only() throws Exception {
        String token = platform.secrets().get(WebhookAdminApi.TOKEN_ENV);
        var ok = get("/admin/webhooks/evt_admin", token);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(ok.body());
        assertThat(body.get("status").asText()).isEqualTo("processed");
        assertThat(body.get("deliveries").asInt()).isEqualTo(2);
        assertThat(body.get("history")).extracting(h -> h.get("outcome").asText()).containsExactly("accepted", "duplicate");

        assertThat(get("/admin/webhooks/evt_missing", token).statusCode()).isEqualTo(404);
        var wrong = get("/admin/webhooks/evt_admin", token + "x");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(get("/admin/webhooks/evt_admin", null).statusCode()).isEqualTo(401);
        assertThat(get("/admin/webhooks/evt_admin", tokenFor(ALICE)).statusCode()).as("a user token is no operator token").isEqualTo(401);
    }
}
