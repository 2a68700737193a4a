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
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole token life over real HTTP, a real broker and real Postgres, with the default 10 s
 * reuse leeway: one server runs the edge, the token processor, the audit sink and the API.
 */
@StreamgateTest
class AuthFlowTest {
    static Platform platform;
    static AuthClient client;
    static AuditTopic audit;

    @BeforeAll
    static void start(TestEnv env) {
        platform = env.platform(Map.of("AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "100000"));
        List<Component> components = new ArrayList<>();
        components.add(new AuthEndpoints(platform));
        components.addAll(ProcessorsRole.components(platform));
        components.addAll(ApiRole.components(platform));
        client = new AuthClient(env.serve(platform, components).port());
        audit = env.closeAfterClass(new AuditTopic(env.kafka("audit")));
        await().atMost(Duration.ofSeconds(60)).until(() -> platform.health().ready());
    }

    @AfterAll
    static void stop() {}

    @Test
    void loginAnswersWithOAuthFieldsAndTheRefreshTokenRotates() {
        Session s = client.signUp();
        Reply login = client.login(emailOf(s), "correct horse battery");
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.text("token_type")).isEqualTo("Bearer");
        assertThat(login.body().get("expires_in").asInt()).isEqualTo(900);
        assertThat(login.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(login.text("access_token")).isNotBlank();
        assertThat(login.text("refresh_token")).isNotBlank().hasSizeLessThan(RefreshTokens.MAX_LENGTH);

        Reply refreshed = client.refresh(s.refreshToken());
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.text("refresh_token")).isNotEqualTo(s.refreshToken());
        assertThat(refreshed.text("session_id")).isEqualTo(s.sessionId());
        Reply again = client.refresh(refreshed.text("refresh_token"));
        assertThat(again.status()).isEqualTo(200);

        // the access token works on the API, which lists this session as the current one
        await().untilAsserted(() -> {
            Reply sessions = client.send("GET", "/v1/sessions", again.text("access_token"));
            assertThat(sessions.status()).isEqualTo(200);
            assertThat(sessions.body().get("sessions").findValuesAsText("id")).contains(s.sessionId());
        });
    }

    @Test
    void jwksServesThePublicSigningKeysOnly() {
        Reply jwks = client.send("GET", "/.well-known/jwks.json", null);
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.body().get("keys").get(0).get("kid").asText()).isEqualTo(platform.auth().tokens().keys().signingKeyId());
        assertThat(jwks.body().get("keys").get(0).get("alg").asText()).isEqualTo("EdDSA");
        assertThat(jwks.body().get("keys").get(0).get("crv").asText()).isEqualTo("Ed25519");
        assertThat(jwks.body().get("keys").get(0).has("d")).isFalse();
    }

    @Test
    void aClientVerifiesAnAccessTokenWithTheServedJwksAlone() {
        // what a resource server of another team does: fetch the JWKS, pick the key by kid and
        // verify with its own JWT library (jjwt on the JDK's provider here, not ours)
        Session s = client.signUp();
        String jwksJson = client.send("GET", "/.well-known/jwks.json", null).body().toString();
        var keys = io.jsonwebtoken.security.Jwks.setParser().build().parse(jwksJson);
        var claims = io.jsonwebtoken.Jwts.parser()
                .keyLocator(header -> keys.getKeys().stream()
                        .filter(k -> k.getId().equals(((io.jsonwebtoken.ProtectedHeader) header).getKeyId()))
                        .findFirst().orElseThrow().toKey())
                .requireIssuer(platform.auth().tokens().config().issuer()).requireAudience(platform.auth().tokens().config().audience())
                .build().parseSignedClaims(s.accessToken()).getPayload();
        assertThat(claims.get("sid", String.class)).isEqualTo(s.sessionId());
    }

    @Test
    void unknownUserAndWrongPasswordGetTheSameAnswer() {
        Session s = client.signUp();
        Reply wrongPassword = client.login(emailOf(s), "not the password at all");
        Reply unknownUser = client.login(AuthClient.newEmail(), "not the password at all");
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownUser.status()).isEqualTo(401);
        assertThat(wrongPassword.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(wrongPassword.type()).isEqualTo(unknownUser.type()).isEqualTo("invalid_credentials");
        assertThat(wrongPassword.text("detail")).isEqualTo(unknownUser.text("detail"));
    }

    @Test
    void registrationRefusesBadInputWithProblems() {
        assertThat(client.register("not-an-email", "correct horse battery").status()).isEqualTo(422);
        assertThat(client.register(AuthClient.newEmail(), "short").status()).isEqualTo(422);
        String email = AuthClient.newEmail();
        assertThat(client.register(email, "correct horse battery").status()).isEqualTo(201);
        Reply duplicate = client.register(email.toUpperCase(java.util.Locale.ROOT), "correct horse battery");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.type()).isEqualTo("email_taken");
        assertThat(client.post("/auth/login", "just a string", null).status()).isEqualTo(400);
    }

    @Test
    void eightConcurrentRefreshesWithinTheLeewayAllGetTheOneSuccessor() throws Exception {
        Session s = client.signUp();
        List<Reply> replies = concurrently(8, () -> client.refresh(s.refreshToken()));

        assertThat(replies).extracting(Reply::status).containsOnly(200);
        Set<String> successors = replies.stream().map(r -> r.text("refresh_token")).collect(Collectors.toSet());
        assertThat(successors).hasSize(1);
        await().untilAsserted(() -> assertThat(audit.forUser(s.userId())).extracting(TokenAudit::verdict)
                .containsExactlyInAnyOrder("issued", "rotated", "reissued", "reissued", "reissued", "reissued", "reissued", "reissued", "reissued"));
        // the one successor is the family's current token
        assertThat(client.refresh(successors.iterator().next()).status()).isEqualTo(200);
    }

    @Test
    void anOlderAncestorIsAReuseEvenWithinTheLeeway() {
        Session s = client.signUp();
        String t1 = client.refresh(s.refreshToken()).text("refresh_token");
        Reply r2 = client.refresh(t1);
        assertThat(r2.status()).isEqualTo(200);

        Reply stolen = client.refresh(s.refreshToken());
        assertThat(stolen.status()).isEqualTo(401);
        assertThat(stolen.type()).isEqualTo("token_reused");
        assertThat(client.refresh(r2.text("refresh_token")).type()).isEqualTo("token_reused");
        await().untilAsserted(() -> assertThat(client.send("GET", "/v1/sessions", r2.text("access_token")).type()).isEqualTo("token_revoked"));
    }

    @Test
    void aTokenThisServerDidNotIssueIsRefusedAtTheEdge() {
        Session s = client.signUp();
        String forged = "AAAA" + s.refreshToken().substring(4);
        assertThat(client.refresh(forged).type()).isEqualTo("invalid_token");
        assertThat(client.refresh("garbage").type()).isEqualTo("invalid_token");
        assertThat(client.post("/auth/refresh", Map.of(), null).status()).isEqualTo(422);
        // nothing reached the processor, so the real session still works
        assertThat(client.refresh(s.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void logoutEndsThisSessionOnly() {
        String email = AuthClient.newEmail();
        String userId = client.register(email, "correct horse battery").text("user_id");
        Session laptop = client.signIn(email, userId);
        Session phone = client.signIn(email, userId);

        Reply out = client.post("/auth/logout", Map.of("refresh_token", laptop.refreshToken()), null);
        assertThat(out.status()).isEqualTo(204);
        await().untilAsserted(() -> assertThat(client.send("GET", "/v1/sessions", laptop.accessToken()).type()).isEqualTo("token_revoked"));
        assertThat(client.send("GET", "/v1/sessions", phone.accessToken()).status()).isEqualTo(200);
        assertThat(client.refresh(phone.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void logoutAllEndsEverySession() {
        String email = AuthClient.newEmail();
        String userId = client.register(email, "correct horse battery").text("user_id");
        Session laptop = client.signIn(email, userId);
        Session phone = client.signIn(email, userId);

        assertThat(client.post("/auth/logout-all", Map.of("refresh_token", laptop.refreshToken()), null).status()).isEqualTo(204);
        await().untilAsserted(() -> {
            assertThat(client.send("GET", "/v1/sessions", laptop.accessToken()).type()).isEqualTo("token_revoked");
            assertThat(client.send("GET", "/v1/sessions", phone.accessToken()).type()).isEqualTo("token_revoked");
        });
        assertThat(client.refresh(phone.refreshToken()).status()).isEqualTo(401);
    }

    @Test
    void aSignedInUserRevokesAnotherOfTheirSessions() {
        String email = AuthClient.newEmail();
        String userId = client.register(email, "correct horse battery").text("user_id");
        Session laptop = client.signIn(email, userId);
        Session phone = client.signIn(email, userId);
        Session stranger = client.signUp();

        await().untilAsserted(() -> assertThat(client.send("GET", "/v1/sessions", laptop.accessToken()).body().get("sessions")
                .findValuesAsText("id")).containsExactlyInAnyOrder(laptop.sessionId(), phone.sessionId()));
        assertThat(client.send("DELETE", "/v1/sessions/" + phone.sessionId(), stranger.accessToken()).status()).isEqualTo(404);
        assertThat(client.send("DELETE", "/v1/sessions/" + UUID.randomUUID(), laptop.accessToken()).status()).isEqualTo(404);
        assertThat(client.send("DELETE", "/v1/sessions/not-a-uuid", laptop.accessToken()).status()).isEqualTo(404);

        assertThat(client.send("DELETE", "/v1/sessions/" + phone.sessionId(), laptop.accessToken()).status()).isEqualTo(204);
        await().untilAsserted(() -> assertThat(client.send("GET", "/v1/sessions", phone.accessToken()).type()).isEqualTo("token_revoked"));
        await().untilAsserted(() -> assertThat(client.send("GET", "/v1/sessions", laptop.accessToken()).body().get("sessions")
                .findValuesAsText("id")).containsExactly(laptop.sessionId()));
        assertThat(client.refresh(laptop.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void theAuditTrailIsInPostgresAndEachUserSeesOnlyTheirOwn() {
        Session s = client.signUp();
        client.refresh(s.refreshToken());
        Session other = client.signUp();
        UUID user = UUID.fromString(s.userId());
        await().untilAsserted(() -> {
            List<String> rows = platform.db().inUserTransaction(user, c -> {
                List<String> verdicts = new ArrayList<>();
                try (ResultSet rs = c.createStatement().executeQuery("select verdict, user_agent from refresh_token_usage order by occurred_at")) {
                    while (rs.next()) verdicts.add(rs.getString(1) + "/" + rs.getString(2));
                }
                return verdicts;
            });
            assertThat(rows).containsExactly("issued/auth-test", "rotated/auth-test");
        });
        // row level security: another user sees none of these rows
        Integer seenByOther = platform.db().inUserTransaction(UUID.fromString(other.userId()), c -> {
            try (ResultSet rs = c.createStatement().executeQuery("select count(*) from refresh_token_usage where user_id = '" + user + "'")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(seenByOther).isZero();
    }

    // --- helpers ------------------------------------------------------------------------------


    private static String emailOf(Session s) {
        return platform.db().inWorkerTransaction(c -> {
            try (var ps = c.prepareStatement("select email from users where id = ?")) {
                ps.setObject(1, UUID.fromString(s.userId()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    /** Runs {@code n} calls released at once, and returns their replies. */
    static <T> List<T> concurrently(int n, java.util.function.Supplier<T> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<T>> futures = IntStream.range(0, n).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            return call.get();
        }, r -> new Thread(r).start())).toList();
        go.countDown();
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : futures) out.add(f.get());
        return out;
    }
}
