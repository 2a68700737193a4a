package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamgate.ingest.auth.AuthClient.Reply;
import io.streamgate.ingest.auth.AuthClient.Session;
import io.streamgate.platform.Platform;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An edge with no token processor anywhere: a refresh gets no verdict, answers 503
 * verdict_timeout, and {@code auth.verdict.timeouts} (what the StreamgateVerdictTimeouts alert
 * reads) counts it.
 */
@StreamgateTest
class VerdictTimeoutMetricTest {
    @Test
    void aRefreshThatGetsNoVerdictIsCountedAsATimeout(TestEnv env) {
        Platform platform = env.platform(Map.of("REFRESH_VERDICT_TIMEOUT", "1s", "AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", "100000"));
        AuthClient client = new AuthClient(env.serve(platform, List.of(new AuthEndpoints(platform))).port());
        await().atMost(Duration.ofSeconds(60)).until(() -> platform.health().ready());
        assertThat(timeouts(platform)).as("registered at start").isZero();

        Session s = client.signUp();
        Reply refused = client.refresh(s.refreshToken());

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.type()).isEqualTo("verdict_timeout");
        assertThat(timeouts(platform)).isEqualTo(1);
    }

    static double timeouts(Platform platform) {
        return platform.metrics().get("auth.verdict.timeouts").counter().count();
    }
}
