package io.streamgate.processors.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthProcessorSettingsTest {
    @Test
    void unsetItIsAtLeastOnceWithTheDefaultRules() {
        Env env = new Env(Map.of());
        AuthProcessorSettings settings = AuthProcessorSettings.from(env);
        assertThat(settings.guarantee()).isEqualTo("at_least_once");
        assertThat(settings.rules()).isEqualTo(TokenRules.DEFAULTS);
        assertThat(settings.rules()).isEqualTo(new TokenRules(Duration.ofSeconds(10), Duration.ofDays(30), Duration.ofDays(7)));
        assertThat(env.problems()).isEmpty();
    }

    @Test
    void theSettingsComeFromTheEnvironmentAndAnUnknownGuaranteeIsAProblem() {
        Env env = new Env(Map.of("AUTH_PROCESSING_GUARANTEE", "exactly_once", "REFRESH_FAMILY_LIFETIME", "2d",
                "REFRESH_IDLE_TIMEOUT", "1h", "REFRESH_REUSE_LEEWAY", "0"));
        AuthProcessorSettings settings = AuthProcessorSettings.from(env);
        assertThat(settings.rules()).isEqualTo(new TokenRules(Duration.ZERO, Duration.ofDays(2), Duration.ofHours(1)));
        assertThat(env.problems()).containsExactly("AUTH_PROCESSING_GUARANTEE must be exactly_once_v2 or at_least_once, got 'exactly_once'");
        assertThat(AuthProcessorSettings.from(new Env(Map.of("AUTH_PROCESSING_GUARANTEE", "exactly_once_v2"))).guarantee())
                .isEqualTo("exactly_once_v2");
    }
}
