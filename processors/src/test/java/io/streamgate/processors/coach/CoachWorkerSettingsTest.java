package io.streamgate.processors.coach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.streamgate.platform.config.ConfigException;
import io.streamgate.platform.config.Env;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's settings as the launcher reads them: problems recorded in Env, reported together. */
class CoachWorkerSettingsTest {

    static List<String> problems(Map<String, String> values) {
        Env env = new Env(values);
        CoachWorkerSettings.from(env);
        return env.problems();
    }

    @Test
    void plainHttpToAnotherHostIsAConfigurationErrorReportedWithTheOtherProblems() {
        Env env = new Env(Map.of("COACH_LLM_URL", "http://user:hunter2@llm.example.com/v1/chat/completions", "COACH_LLM_MAX_TOKENS", "0"));
        CoachWorkerSettings.from(env);
        ConfigException e = catchThrowableOfType(ConfigException.class, env::validate);
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "COACH_LLM_URL must use https unless its host is a loopback address (127.0.0.0/8, ::1, localhost); got http to llm.example.com",
                "COACH_LLM_MAX_TOKENS must be between 1 and 1000000, got 0");
        assertThat(e.getMessage()).as("credentials in the URL are never echoed").doesNotContain("hunter2");
    }

    @Test
    void httpsAnywhereAndHttpOnLoopbackAreAccepted() {
        for (String url : List.of("https://api.openai.com/v1/chat/completions", "https://10.0.0.7:8443/v1/chat/completions",
                "http://127.0.0.1:11434/v1/chat/completions", "http://127.200.3.4/v1/chat/completions", "http://localhost:8000/v1/chat/completions",
                "http://LOCALHOST/v1/chat/completions", "http://[::1]:8000/v1/chat/completions", "HTTP://127.0.0.1/v1/chat/completions")) {
            assertThat(problems(Map.of("COACH_LLM_URL", url))).as(url).isEmpty();
        }
    }

    @Test
    void namesAndAddressesThatOnlyLookLocalAreRefused() {
        for (String url : List.of("http://10.0.0.7/v1/chat/completions", "http://128.0.0.1/v1/chat/completions",
                "http://127.0.0.1.nip.io/v1/chat/completions", "http://localhost.example.com/v1/chat/completions",
                "http://[::2]/v1/chat/completions", "http://[fe80::1]/v1/chat/completions", "http://0.0.0.0/v1/chat/completions")) {
            assertThat(problems(Map.of("COACH_LLM_URL", url))).as(url).singleElement().asString().startsWith("COACH_LLM_URL must use https");
        }
        for (String url : List.of("ftp://127.0.0.1/x", "127.0.0.1:8000", "https:///no-host", "http://[broken")) {
            assertThat(problems(Map.of("COACH_LLM_URL", url))).as(url).singleElement().asString().startsWith("COACH_LLM_URL must be an http(s) URL");
        }
    }

    @Test
    void theTokenLimitMustBeAPositiveWholeNumber() {
        assertThat(problems(Map.of("COACH_LLM_MAX_TOKENS", "99"))).isEmpty();
        assertThat(problems(Map.of("COACH_LLM_MAX_TOKENS", "many"))).containsExactly("COACH_LLM_MAX_TOKENS must be a whole number, got 'many'");
    }
}
