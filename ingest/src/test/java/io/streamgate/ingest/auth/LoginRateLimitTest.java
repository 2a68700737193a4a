package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.ingest.auth.AuthClient.Reply;
import io.streamgate.platform.Platform;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-account and per-IP sign-in limits answer 429 with Retry-After, over real HTTP. */
@StreamgateTest
class LoginRateLimitTest {

    @Test
    void failedSignInsLockTheAccountThenTheAddressRunsOut(TestEnv env) {
        Platform platform = env.platform(Map.of("AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT", "2", "AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "8"));
        AuthClient client = new AuthClient(env.serve(platform, List.of(new AuthEndpoints(platform))).port());
        String email = AuthClient.newEmail();
        assertThat(client.register(email, "correct horse battery").status()).isEqualTo(201);           // attempt 1 from this IP

        assertThat(client.login(email, "wrong password 1").status()).isEqualTo(401);                  // 2
        assertThat(client.login(email, "wrong password 2").status()).isEqualTo(401);                  // 3
        Reply locked = client.login(email, "correct horse battery");                                  // 4
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.type()).isEqualTo("rate_limited");
        assertThat(locked.raw().headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(locked.raw().headers().firstValue("Content-Type")).hasValue("application/problem+json");

        // another account from the same address is not locked
        String other = AuthClient.newEmail();
        assertThat(client.register(other, "correct horse battery").status()).isEqualTo(201);          // 5
        assertThat(client.login(other, "correct horse battery").status()).isEqualTo(200);             // 6
        assertThat(client.login(other, "correct horse battery").status()).isEqualTo(200);             // 7
        assertThat(client.login(other, "correct horse battery").status()).isEqualTo(200);             // 8
        // ...until the address has used its attempts for this minute
        Reply address = client.login(other, "correct horse battery");                                 // 9
        assertThat(address.status()).isEqualTo(429);
        assertThat(address.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(client.register(AuthClient.newEmail(), "correct horse battery").status()).isEqualTo(429);
    }
}
