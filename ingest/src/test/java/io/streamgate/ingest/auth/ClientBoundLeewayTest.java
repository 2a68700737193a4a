package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgate.api.sessions.SessionsEndpoints;
import io.streamgate.ingest.auth.AuthClient.Reply;
import io.streamgate.ingest.auth.AuthClient.Session;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.RevocationFeed;
import io.streamgate.processors.tokens.RefreshTokenProcessor;
import io.streamgate.processors.tokens.TokenAuditSink;
import io.streamgate.schemas.SchemaValidator;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.TokenAudit;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reuse leeway is bound to the client: a parent presented again inside it gets the same
 * successor only from the client the successor was made for (same IPv4 /24 and User-Agent).
 * Clients on other networks are real connections from other loopback source addresses.
 *
 * <p>The leeway is 60 s (the most allowed) so that "inside the leeway" holds however slowly a
 * loaded machine answers; being outside it is covered by {@link StrictReuseTest}.
 */
@StreamgateTest
class ClientBoundLeewayTest {
    static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";

    static Platform platform;
    static int port;
    static AuthClient client;
    static AuditTopic audit;

    @BeforeAll
    static void start(TestEnv env) {
        platform = env.platform(Map.of("REFRESH_REUSE_LEEWAY", "60s", "AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "100000"));
        port = env.serve(platform, List.of(new AuthEndpoints(platform), RefreshTokenProcessor.component(platform),
                TokenAuditSink.create(platform), new RevocationFeed(platform), new SessionsEndpoints(platform))).port();
        client = new AuthClient(port);
        audit = env.closeAfterClass(new AuditTopic(env.kafka("audit")));
        await().atMost(Duration.ofSeconds(60)).until(() -> platform.health().ready());
    }

    static SourceAddressClient from(String address, String userAgent) {
        return new SourceAddressClient(port, address, userAgent);
    }

    @Test
    void theSameClientInsideTheLeewayGetsTheSameSuccessorEvenFromAnotherAddressOfItsNetwork() {
        Session s = client.signUp();
        Reply rotated = from("127.0.0.1", BROWSER).refresh(s.refreshToken());
        assertThat(rotated.status()).isEqualTo(200);

        // the answer was lost; the client retries from another address of its /24 (a NAT pool)
        Reply retried = from("127.0.0.77", BROWSER).refresh(s.refreshToken());
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.text("refresh_token")).isEqualTo(rotated.text("refresh_token"));
        assertThat(retried.text("session_id")).isEqualTo(s.sessionId());

        await().untilAsserted(() -> assertThat(audit.forUser(s.userId())).filteredOn(a -> a.verdict().equals("reissued"))
                .singleElement().satisfies(a -> {
                    assertThat(a.clientMatch()).isTrue();
                    assertThat(a.reuseReason()).isNull();
                    assertThat(a.ip()).isEqualTo("127.0.0.77");
                }));
        assertThat(from("127.0.0.1", BROWSER).refresh(rotated.text("refresh_token")).status()).isEqualTo(200);
    }

    @Test
    void anotherUserAgentInsideTheLeewayIsAReuseThatRevokesEverySession() {
        String email = AuthClient.newEmail();
        String userId = client.register(email, "correct horse battery").text("user_id");
        Session laptop = client.signIn(email, userId);
        Session phone = client.signIn(email, userId);
        Reply rotated = from("127.0.0.1", BROWSER).refresh(laptop.refreshToken());
        assertThat(rotated.status()).isEqualTo(200);

        Reply other = from("127.0.0.1", "curl/8.5.0").refresh(laptop.refreshToken());
        assertThat(other.status()).isEqualTo(401);
        assertThat(other.type()).isEqualTo("token_reused");

        assertRevokedAndAuditedAsAMismatch(userId, rotated, laptop, phone);
    }

    @Test
    void anotherAddressPrefixInsideTheLeewayIsAReuseThatRevokesEverySession() {
        String email = AuthClient.newEmail();
        String userId = client.register(email, "correct horse battery").text("user_id");
        Session laptop = client.signIn(email, userId);
        Session phone = client.signIn(email, userId);
        Reply rotated = from("127.0.0.1", BROWSER).refresh(laptop.refreshToken());
        assertThat(rotated.status()).isEqualTo(200);

        // the same browser string, from another /24
        Reply other = from("127.0.9.1", BROWSER).refresh(laptop.refreshToken());
        assertThat(other.status()).isEqualTo(401);
        assertThat(other.type()).isEqualTo("token_reused");

        assertRevokedAndAuditedAsAMismatch(userId, rotated, laptop, phone);
    }

    private static void assertRevokedAndAuditedAsAMismatch(String userId, Reply rotated, Session laptop, Session phone) {
        // the successor the laptop got is dead, and so is every other session of the user
        assertThat(from("127.0.0.1", BROWSER).refresh(rotated.text("refresh_token")).type()).isEqualTo("token_reused");
        assertThat(client.refresh(phone.refreshToken()).status()).isEqualTo(401);
        await().untilAsserted(() -> assertThat(client.send("GET", "/v1/sessions", rotated.text("access_token")).type())
                .isEqualTo("token_revoked"));

        await().untilAsserted(() -> {
            List<AuditTopic.Read> mismatches = audit.readForUser(userId).stream()
                    .filter(r -> "client_mismatch".equals(r.audit().reuseReason())).toList();
            assertThat(mismatches).singleElement().satisfies(r -> {
                TokenAudit a = r.audit();
                assertThat(a.verdict()).isEqualTo("reused");
                assertThat(a.type()).isEqualTo("refresh");
                assertThat(a.clientMatch()).isFalse();
                assertThat(a.familyId()).isEqualTo(laptop.sessionId());
                assertThat(a.revokedFamilyIds()).containsExactlyInAnyOrder(laptop.sessionId(), phone.sessionId());
                assertThat(SchemaValidator.problems(AuthTopics.AUDIT, r.value())).isEmpty();
                assertThat(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                        .contains("\"client_match\":false", "\"reuse_reason\":\"client_mismatch\"");
            });
        });
    }
}
