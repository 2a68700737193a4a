package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgate.ingest.auth.AuthClient.Reply;
import io.streamgate.platform.Platform;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sign-in limits over real HTTP and real Postgres: per address and per account, counted before
 * the work, shared by every instance on the database, by the real client address behind trusted
 * proxies; and password hashing bounded per instance.
 */
@StreamgateTest
class LoginRateLimitTest {
    // small parameters keep the tests fast; what is counted is the same
    static final Passwords FAST = new Passwords(1024, 1, 1);
    static final String PASSWORD = "correct horse battery";

    @Test
    void failedSignInsLockTheAccountThenTheAddressRunsOut(TestEnv env) {
        Platform platform = platform(env, Map.of("AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT", "2", "AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "8"));
        AuthClient client = new AuthClient(env.serve(platform, List.of(new AuthEndpoints(platform))).port());
        String email = AuthClient.newEmail();
        assertThat(client.register(email, PASSWORD).status()).isEqualTo(201);                          // attempt 1 from this IP

        assertThat(client.login(email, "wrong password 1").status()).isEqualTo(401);                  // 2
        assertThat(client.login(email, "wrong password 2").status()).isEqualTo(401);                  // 3
        Reply locked = client.login(email, PASSWORD);                                                 // 4
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.type()).isEqualTo("rate_limited");
        assertThat(locked.raw().headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(locked.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");

        // another account from the same address is not locked
        String other = AuthClient.newEmail();
        assertThat(client.register(other, PASSWORD).status()).isEqualTo(201);                          // 5
        assertThat(client.login(other, PASSWORD).status()).isEqualTo(200);                             // 6
        assertThat(client.login(other, PASSWORD).status()).isEqualTo(200);                             // 7
        assertThat(client.login(other, PASSWORD).status()).isEqualTo(200);                             // 8
        // ...until the address has used its attempts for this minute
        Reply address = client.login(other, PASSWORD);                                                 // 9
        assertThat(address.status()).isEqualTo(429);
        assertThat(address.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(client.register(AuthClient.newEmail(), PASSWORD).status()).isEqualTo(429);
    }

    @Test
    void concurrentWrongGuessesReachVerificationOnlyAsOftenAsTheFailureLimit(TestEnv env) throws Exception {
        Platform platform = platform(env, Map.of("AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT", "3", "AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "100000",
                "PASSWORD_HASH_CONCURRENCY", "16", "PASSWORD_HASH_WAIT", "2s"));
        AuthClient client = new AuthClient(env.serve(platform, List.of(new AuthEndpoints(platform, FAST, null))).port());
        String email = AuthClient.newEmail();
        assertThat(client.register(email, PASSWORD).status()).isEqualTo(201);
        double hashesBefore = hashes(platform);

        List<Reply> guesses = AuthFlowTest.concurrently(12, () -> client.login(email, "a wrong guess"));

        assertThat(guesses.stream().filter(r -> r.status() == 401)).hasSize(3);
        assertThat(guesses.stream().filter(r -> r.status() == 429)).hasSize(9);
        assertThat(hashes(platform) - hashesBefore).isEqualTo(3.0);
        // the right password waits for the window too
        assertThat(client.login(email, PASSWORD).status()).isEqualTo(429);
        assertThat(hashes(platform) - hashesBefore).isEqualTo(3.0);
    }

    @Test
    void passwordHashingBeyondItsBoundIsRefusedWith503AndRetryAfter(TestEnv env) {
        Platform platform = platform(env, Map.of("AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT", "1", "AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "100000"));
        PasswordHashing hashing = new PasswordHashing(1, Duration.ZERO, platform.metrics());
        AuthClient client = new AuthClient(env.serve(platform, List.of(new AuthEndpoints(platform, FAST, hashing))).port());
        String email = AuthClient.newEmail();
        assertThat(client.register(email, PASSWORD).status()).isEqualTo(201);

        // the test holds the instance's only hashing permit while it signs in and registers
        List<Reply> refused = hashing.run(() -> List.of(
                client.login(email, PASSWORD),
                client.login(email, "a wrong guess"),
                client.login(AuthClient.newEmail(), PASSWORD),
                client.register(AuthClient.newEmail(), PASSWORD)));

        for (Reply r : refused) {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.type()).isEqualTo("password_hashing_busy");
            assertThat(r.raw().headers().firstValue("Retry-After")).hasValue("1");
            assertThat(r.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertThat(platform.metrics().counter("auth.password.hashes.refused").count()).isEqualTo(4.0);
        // no password was checked, so no failure stayed counted: with a limit of one failure the
        // account still signs in
        assertThat(client.login(email, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void twoInstancesOnOneDatabaseShareTheLimits(TestEnv env) {
        Map<String, String> settings = Map.of("AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "6", "AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT", "2");
        Platform p1 = platform(env, settings);
        AuthClient one = new AuthClient(env.serve(p1, List.of(new AuthEndpoints(p1, FAST, null))).port());
        Platform p2 = env.platform(settings);
        AuthClient two = new AuthClient(env.serve(p2, List.of(new AuthEndpoints(p2, FAST, null))).port());
        String email = AuthClient.newEmail();

        assertThat(one.register(email, PASSWORD).status()).isEqualTo(201);                 // address attempt 1
        assertThat(two.login(email, "wrong guess 1").status()).isEqualTo(401);            // 2, account failure 1
        assertThat(one.login(email, "wrong guess 2").status()).isEqualTo(401);            // 3, account failure 2
        // each instance saw one failure, the account has had two
        assertThat(two.login(email, PASSWORD).status()).isEqualTo(429);                   // 4
        assertThat(one.login(email, PASSWORD).status()).isEqualTo(429);                   // 5
        assertThat(two.login(AuthClient.newEmail(), PASSWORD).status()).isEqualTo(401);   // 6
        // each instance counted three attempts from this address, the address has made six
        assertThat(one.login(AuthClient.newEmail(), PASSWORD).type()).isEqualTo("rate_limited");
        assertThat(two.register(AuthClient.newEmail(), PASSWORD).type()).isEqualTo("rate_limited");
    }

    @Test
    void onlyTheWorkerRoleTheEdgeSignsInWithMayTouchTheCounters(TestEnv env) throws Exception {
        Platform platform = platform(env, Map.of());
        for (String sql : List.of("select count(*) from auth_attempt_counters",
                "insert into auth_attempt_counters values ('k', now(), now(), 0)",
                "update auth_attempt_counters set attempts = 0", "delete from auth_attempt_counters")) {
            try (Connection c = platform.db().app().getConnection(); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            }
        }
        int inserted = platform.db().inWorkerTransaction(c -> c.createStatement().executeUpdate(
                "insert into auth_attempt_counters values ('k', now(), now(), 0)"));
        assertThat(inserted).isEqualTo(1);
    }

    @Test
    void withoutTrustedProxiesForwardingHeadersAreIgnored(TestEnv env) {
        Platform platform = platform(env, Map.of("AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "2"));
        int port = env.serve(platform, List.of(new AuthEndpoints(platform, FAST, null))).port();

        assertThat(new AuthClient(port, "203.0.113.1").login(AuthClient.newEmail(), PASSWORD).status()).isEqualTo(401);
        assertThat(new AuthClient(port, "203.0.113.2").login(AuthClient.newEmail(), PASSWORD).status()).isEqualTo(401);
        // a third "client" is the same socket peer, 127.0.0.1, which has used its two attempts
        assertThat(new AuthClient(port, "203.0.113.3").login(AuthClient.newEmail(), PASSWORD).status()).isEqualTo(429);
    }

    @Test
    void behindATrustedProxyEachClientHasItsOwnLimitAndIPv6CountsPerSlash64(TestEnv env) {
        Platform platform = platform(env, Map.of("TRUSTED_PROXIES", "127.0.0.1/32", "AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "1",
                "AUTH_LIMITER_MAX_KEYS", "50"));
        AuthEndpoints edge = new AuthEndpoints(platform, FAST, null);
        int port = env.serve(platform, List.of(edge)).port();

        assertThat(signIn(port, "198.51.100.7, 203.0.113.5")).isEqualTo(401);
        assertThat(signIn(port, "203.0.113.6")).isEqualTo(401);
        // the proxy saw 203.0.113.5 again; what the client wrote left of it changes nothing
        assertThat(signIn(port, "198.51.100.99, 203.0.113.5")).isEqualTo(429);
        assertThat(signIn(port, "203.0.113.5")).isEqualTo(429);

        assertThat(signIn(port, "2001:db8:1:2::1")).isEqualTo(401);
        assertThat(signIn(port, "2001:db8:1:2:ffff:eeee:dddd:9")).isEqualTo(429);
        assertThat(signIn(port, "2001:db8:1:3::1")).isEqualTo(401);
        assertThat(signIn(port, "::ffff:203.0.113.6")).isEqualTo(429);
    }

    @Test
    void aFloodFromOneAddressIsRefusedInMemoryAndAFloodOfAddressesStaysBounded(TestEnv env) {
        Platform platform = platform(env, Map.of("TRUSTED_PROXIES", "127.0.0.1/32", "AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "2",
                "AUTH_LIMITER_MAX_KEYS", "50"));
        AuthEndpoints edge = new AuthEndpoints(platform, FAST, null);
        int port = env.serve(platform, List.of(edge)).port();
        AuthClient flooder = new AuthClient(port, "203.0.113.77");

        assertThat(flooder.post("/auth/login", "not an object", null).status()).isEqualTo(400);
        assertThat(flooder.post("/auth/login", "not an object", null).status()).isEqualTo(400);
        double sharedBefore = refused(platform, "shared");
        for (int i = 0; i < 20; i++) assertThat(flooder.post("/auth/login", "not an object", null).status()).isEqualTo(429);
        assertThat(refused(platform, "local")).isEqualTo(20.0);
        assertThat(refused(platform, "shared")).isEqualTo(sharedBefore);

        // 300 addresses, each at its limit: the pre-filter keeps at most its 50 keys
        for (int i = 0; i < 300; i++) {
            AuthClient c = new AuthClient(port, "198.18." + (i / 250) + "." + (i % 250 + 1));
            c.post("/auth/login", "not an object", null);
            c.post("/auth/login", "not an object", null);
        }
        assertThat(edge.perAddress().localKeys()).isPositive().isLessThanOrEqualTo(50);
    }

    // --- helpers ------------------------------------------------------------------------------

    private static int signIn(int port, String forwardedFor) {
        return new AuthClient(port, forwardedFor).login(AuthClient.newEmail(), PASSWORD).status();
    }

    /**
     * A platform on this class's database with no attempts counted yet: the counters live in
     * Postgres, shared by every test of the class from 127.0.0.1.
     */
    private static Platform platform(TestEnv env, Map<String, String> settings) {
        Platform platform = env.platform(settings);
        platform.db().inWorkerTransaction(c -> c.createStatement().executeUpdate("delete from auth_attempt_counters"));
        return platform;
    }

    private static double hashes(Platform platform) {
        return platform.metrics().counter("auth.password.hashes").count();
    }

    private static double refused(Platform platform, String where) {
        return platform.metrics().counter("auth.rate_limit.refused", "limit", "address", "where", where).count();
    }
}
