package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgate.api.ApiRole;
import io.streamgate.ingest.auth.AuthClient.Reply;
import io.streamgate.ingest.auth.AuthClient.Session;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.processors.ProcessorsRole;
import io.streamgate.schemas.auth.TokenAudit;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reuse outside the leeway, with the leeway set to 0 (strict): any second presentation of a
 * token is a reuse, which makes "after the leeway" exact without waiting for a clock.
 */
@StreamgateTest
class StrictReuseTest {
    static Platform platform;
    static AuthClient client;
    static AuditTopic audit;

    @BeforeAll
    static void start(TestEnv env) {
        platform = env.platform(Map.of("REFRESH_REUSE_LEEWAY", "0", "AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "100000"));
        List<Component> components = new ArrayList<>();
        components.add(new AuthEndpoints(platform));
        components.addAll(ProcessorsRole.components(platform));
        components.addAll(ApiRole.components(platform));
        client = new AuthClient(env.serve(platform, components).port());
        audit = env.closeAfterClass(new AuditTopic(env.kafka("audit")));
        await().atMost(Duration.ofSeconds(60)).until(() -> platform.health().ready());
    }

    @Test
    void eightConcurrentRefreshesIssueExactlyOneTokenAndTheLateOnesRevokeEverything() throws Exception {
        Session s = client.signUp();
        List<Reply> replies = AuthFlowTest.concurrently(8, () -> client.refresh(s.refreshToken()));

        List<Reply> winners = replies.stream().filter(r -> r.status() == 200).toList();
        assertThat(winners).hasSize(1);
        assertThat(replies).filteredOn(r -> r.status() != 200).hasSize(7)
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(401);
                    assertThat(r.type()).isEqualTo("token_reused");
                });
        Reply winner = winners.get(0);
        // the one token issued died with the family
        assertThat(client.refresh(winner.text("refresh_token")).type()).isEqualTo("token_reused");
        await().untilAsserted(() -> assertThat(client.send("GET", "/v1/sessions", winner.text("access_token")).type()).isEqualTo("token_revoked"));
        await().untilAsserted(() -> assertThat(audit.forUser(s.userId())).extracting(TokenAudit::verdict)
                .filteredOn(v -> v.equals("rotated")).hasSize(1));
    }

    @Test
    void reuseAfterTheLeewayRevokesEveryTokenOfTheUserAndIsAudited() {
        String email = AuthClient.newEmail();
        String userId = client.register(email, "correct horse battery").text("user_id");
        Session laptop = client.signIn(email, userId);
        Session phone = client.signIn(email, userId);
        Reply rotated = client.refresh(laptop.refreshToken());
        assertThat(rotated.status()).isEqualTo(200);

        // the old laptop token shows up again: stolen
        Reply thief = client.refresh(laptop.refreshToken());
        assertThat(thief.status()).isEqualTo(401);
        assertThat(thief.type()).isEqualTo("token_reused");
        assertThat(thief.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");

        // every refresh token of the user fails...
        assertThat(client.refresh(rotated.text("refresh_token")).type()).isEqualTo("token_reused");
        assertThat(client.refresh(phone.refreshToken()).type()).isEqualTo("token_reused");
        // ...and every access token, on every family
        await().untilAsserted(() -> {
            for (String access : List.of(laptop.accessToken(), rotated.text("access_token"), phone.accessToken())) {
                assertThat(client.send("GET", "/v1/sessions", access).type()).isEqualTo("token_revoked");
            }
        });

        // the audit record on the topic names the token, where it came from and what was revoked
        String stolenId = RefreshTokens.hash(laptop.refreshToken());
        await().untilAsserted(() -> assertThat(audit.forUser(userId)).anySatisfy(a -> {
            assertThat(a.verdict()).isEqualTo("reused");
            assertThat(a.tokenId()).isEqualTo(stolenId);
            assertThat(a.familyId()).isEqualTo(laptop.sessionId());
            assertThat(a.ip()).isEqualTo("127.0.0.1");
            assertThat(a.userAgent()).isEqualTo("auth-test");
            assertThat(a.revokedFamilyIds()).containsExactlyInAnyOrder(laptop.sessionId(), phone.sessionId());
        }));
        // and the same row is in Postgres, visible to the user under row level security
        await().untilAsserted(() -> {
            String row = platform.db().inUserTransaction(UUID.fromString(userId), c -> {
                try (PreparedStatement ps = c.prepareStatement("select family_id::text, ip from refresh_token_usage where verdict = 'reused' and token_id = ?")) {
                    ps.setString(1, stolenId);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getString(1) + "@" + rs.getString(2) : "none";
                    }
                }
            });
            assertThat(row).isEqualTo(laptop.sessionId() + "@127.0.0.1");
        });
        // the session list is empty
        await().untilAsserted(() -> {
            int active = platform.db().inUserTransaction(UUID.fromString(userId), c -> {
                try (ResultSet rs = c.createStatement().executeQuery("select count(*) from auth_sessions where status = 'active'")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(active).isZero();
        });
        // signing in again starts afresh
        Session again = client.signIn(email, userId);
        assertThat(client.refresh(again.refreshToken()).status()).isEqualTo(200);
    }
}
