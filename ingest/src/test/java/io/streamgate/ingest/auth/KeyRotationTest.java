package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgate.api.coach.CoachApi;
import io.streamgate.ingest.auth.AuthClient.Reply;
import io.streamgate.ingest.auth.AuthClient.Session;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.RevocationFeed;
import io.streamgate.processors.tokens.RefreshTokenProcessor;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rotation of REFRESH_TOKEN_SECRET and COACH_TICKET_SECRET over real HTTP, with one instance
 * still on the bare secret of a deployment before key versions and one rotated to
 * {@code v2:<new>,v1:<old>}: what the old key minted keeps working on the rotated instance
 * (refresh, reuse detection, tickets), and what the instance that does not hold v2 is shown is a
 * clear 401 naming the version, never a 500.
 */
@StreamgateTest
class KeyRotationTest {
    static final String OLD_REFRESH = "refresh secret of the deployment before versions";
    static final String NEW_REFRESH = "refresh secret of key version two rotated in";
    static final String OLD_TICKET = "ticket secret of the deployment before versions";
    static final String NEW_TICKET = "ticket secret of key version two rotated in...";
    static AuthClient before;
    static AuthClient rotated;

    static Map<String, String> settings(String replyPartition, String refreshSecret, String ticketSecret) {
        Map<String, String> s = new HashMap<>();
        // the same client presenting a token again inside the leeway gets the same successor
        s.put("REFRESH_REUSE_LEEWAY", "60s");
        s.put("AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "100000");
        s.put("AUTH_REPLY_PARTITION", replyPartition);
        s.put("REFRESH_TOKEN_SECRET", refreshSecret);
        s.put("COACH_TICKET_SECRET", ticketSecret);
        return s;
    }

    @BeforeAll
    static void start(TestEnv env) {
        Platform p1 = env.platform(settings("0", OLD_REFRESH, OLD_TICKET));
        Platform p2 = env.platform(settings("1", "v2:" + NEW_REFRESH + ", v1:" + OLD_REFRESH,
                "v2:" + NEW_TICKET + ",v1:" + OLD_TICKET));
        before = new AuthClient(env.serve(p1, List.of(new AuthEndpoints(p1), RefreshTokenProcessor.component(p1),
                new RevocationFeed(p1), new CoachApi(p1))).port());
        rotated = new AuthClient(env.serve(p2, List.of(new AuthEndpoints(p2), new RevocationFeed(p2), new CoachApi(p2))).port());
        await().atMost(Duration.ofSeconds(60)).until(() -> p1.health().ready() && p2.health().ready());
    }

    @Test
    void aTokenMintedUnderTheOldKeyRefreshesAfterTheRotationAndItsReuseIsStillDetected() {
        Session s = before.signUp();
        assertThat(s.refreshToken()).doesNotStartWith("v");

        Reply first = rotated.refresh(s.refreshToken());
        assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(200);
        String successor = first.text("refresh_token");
        assertThat(successor).startsWith("v2.");
        // the same client again inside the leeway: the rotated instance rebuilds the same v2 successor;
        // the instance without v2 cannot, and says so as a retryable 503
        assertThat(rotated.refresh(s.refreshToken()).text("refresh_token")).isEqualTo(successor);
        Reply cannotRebuild = before.refresh(s.refreshToken());
        assertThat(cannotRebuild.status()).isEqualTo(503);
        assertThat(cannotRebuild.type()).isEqualTo("refresh_key_unavailable");

        // a version the instance does not hold: 401 invalid_token naming it
        Reply unknown = before.refresh(successor);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unknown.type()).isEqualTo("invalid_token");
        assertThat(unknown.text("detail")).contains("key version v2");

        Reply second = rotated.refresh(successor);
        assertThat(second.status()).isEqualTo(200);
        // the old-key token, two rotations later: recognised by its unkeyed hash, so a reuse
        assertThat(rotated.refresh(s.refreshToken()).type()).isEqualTo("token_reused");
    }

    @Test
    void aTicketMintedUnderTheOldKeyIsAcceptedDuringTheOverlapAndAnUnknownVersionIsA401() throws Exception {
        Session s = before.signUp();
        String session = before.coachSession(s.accessToken());

        String oldTicket = before.streamTicket(session, s.accessToken());
        assertThat(oldTicket).startsWith("t2.");
        assertStreams(rotated, session, oldTicket);

        String newTicket = rotated.streamTicket(session, s.accessToken());
        assertThat(newTicket).startsWith("t3.v2.");
        assertStreams(rotated, session, newTicket);
        HttpResponse<InputStream> refused = before.eventStream(session, newTicket);
        try (InputStream body = refused.body()) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            var problem = Json.mapper().readTree(body);
            assertThat(problem.get("type").asText()).isEqualTo("invalid_ticket");
            assertThat(problem.get("detail").asText()).contains("key version v2");
        }
    }

    private static void assertStreams(AuthClient client, String session, String ticket) throws Exception {
        HttpResponse<InputStream> open = client.eventStream(session, ticket);
        try (InputStream body = open.body()) {
            assertThat(open.statusCode()).isEqualTo(200);
        }
    }
}
