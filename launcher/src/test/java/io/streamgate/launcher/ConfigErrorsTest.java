package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.streamgate.platform.config.ConfigException;
import io.streamgate.platform.db.DatabaseUnavailableException;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration is validated at start: every problem at once, one clear line each. */
@StreamgateTest
class ConfigErrorsTest {
    @TempDir
    Path dataDir;

    ConfigException configErrors(String role, Map<String, String> env) {
        Map<String, String> values = new HashMap<>(env);
        values.putIfAbsent("STREAMGATE_DATA_DIR", dataDir.toString());
        return catchThrowableOfType(ConfigException.class, () -> Streamgate.start(LaunchOptions.parse(role, "--port", "0"), values).close());
    }

    @Test
    void everyProblemIsReportedAtOnceOneLineEach() {
        ConfigException e = configErrors("all", Map.of(
                "HTTP_PORT", "eighty",
                "DATABASE_URL", "mysql://db.example.com/app",
                "CORS_ALLOWED_ORIGINS", "https://app.example.com, *",
                "HTTP_COMPRESSION_LEVEL", "12"));

        assertThat(e).isNotNull();
        assertThat(e.problems()).allSatisfy(p -> assertThat(p).doesNotContain("\n").isNotBlank());
        // --port 0 on the command line wins over HTTP_PORT, so the port is not among them here.
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("DATABASE_URL must start with postgres://"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("KAFKA_BOOTSTRAP_SERVERS is required outside dev"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("CORS_ALLOWED_ORIGINS").contains("'*'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).isEqualTo("HTTP_COMPRESSION_LEVEL must be between 1 and 9, got 12"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("DATABASE_APP_PASSWORD is required"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("JWT_SIGNING_KEYS is required"));
        assertThat(e.getMessage()).startsWith("invalid configuration:\n  - ");
    }

    @Test
    void aBadPortNamesTheVariableAndTheValue() {
        Map<String, String> env = new HashMap<>(Map.of("STREAMGATE_DATA_DIR", dataDir.toString(), "HTTP_PORT", "eighty"));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Streamgate.start(LaunchOptions.parse("all"), env).close());
        assertThat(e.problems()).contains("HTTP_PORT must be a whole number, got 'eighty'");

        env.put("HTTP_PORT", "70000");
        e = catchThrowableOfType(ConfigException.class, () -> Streamgate.start(LaunchOptions.parse("all"), env).close());
        assertThat(e.problems()).contains("HTTP_PORT must be between 0 and 65535, got 70000");

        e = catchThrowableOfType(ConfigException.class, () -> Streamgate.start(LaunchOptions.parse("all", "--port", "-1"), env).close());
        assertThat(e.problems()).contains("HTTP_PORT must be between 0 and 65535, got -1");
    }

    @Test
    void aMalformedDatabaseUrlIsNamed() {
        ConfigException e = configErrors("all", Map.of("DATABASE_URL", "postgres://[broken"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("DATABASE_URL is not a URL"));
    }

    @Test
    void outsideDevWeakSecretsAreRefusedWithEveryOtherProblemNamingNoValue() {
        Map<String, String> env = new HashMap<>(ComposeSecrets.generate());
        env.put("REFRESH_TOKEN_SECRET", "short-refresh-value");
        env.put("OPERATOR_TOKEN", "short-operator-value");
        env.put("DATABASE_WORKER_PASSWORD", "hunter2");
        env.put("HTTP_COMPRESSION_LEVEL", "12");

        ConfigException e = configErrors("all", env);

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("REFRESH_TOKEN_SECRET is too short: 19 bytes, at least 32"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("OPERATOR_TOKEN is too short: 20 bytes"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("DATABASE_WORKER_PASSWORD is too short: 7 bytes"));
        assertThat(e.problems()).contains("HTTP_COMPRESSION_LEVEL must be between 1 and 9, got 12");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("KAFKA_BOOTSTRAP_SERVERS is required outside dev"));
        assertThat(e.getMessage()).doesNotContain("short-refresh-value").doesNotContain("short-operator-value").doesNotContain("hunter2");
    }

    @Test
    void aMalformedDatabaseUrlNeverEchoesItsPassword() {
        for (String url : new String[] {"postgres://app:Sup3rS3cretPw%zz@db/app", "postgres://app:Sup3rS3cretPw@db host/app",
                "postgres://app:Sup3rS3cretPw@db:five/app", "jdbc:postgresql://db/app?user=app&password=Sup3rS3cretPw%"}) {
            ConfigException e = configErrors("all", Map.of("DATABASE_URL", url));
            assertThat(e.problems()).as(url).anySatisfy(p -> assertThat(p).startsWith("DATABASE_URL "));
            assertThat(e.getMessage()).as(url).doesNotContain("Sup3rS3cretPw");
        }
    }

    @Test
    void malformedSigningKeysAreOneLineNamingNoKeyMaterial() {
        String generated = io.streamgate.platform.auth.JwtKeySet.generateJson();
        String publicOnly = generated.replaceAll(",?\"d\"\\s*:\\s*\"[^\"]*\"", "");
        for (String keys : new String[] {"{\"keys\":[{\"kty\":\"OKP\",\"d\":\"c2VjcmV0LWtleS1tYXRlcmlhbA\"", "not json at all",
                "{\"keys\":[]}", publicOnly}) {
            Map<String, String> env = new HashMap<>(ComposeSecrets.generate());
            env.put("JWT_SIGNING_KEYS", keys);

            ConfigException e = configErrors("all", env);

            assertThat(e).as(keys).isNotNull();
            assertThat(e.problems()).as(keys).anySatisfy(p -> assertThat(p).startsWith("JWT_SIGNING_KEYS ").doesNotContain("\n"));
            assertThat(e.getMessage()).as(keys).doesNotContain("c2VjcmV0LWtleS1tYXRlcmlhbA").doesNotContain("not json at all");
        }
    }

    @Test
    void malformedKeyVersionsAreReportedWithEveryOtherProblemNamingNoSecret() {
        String strong = "v2-key-material-of-thirty-two-bytes-at-least";
        Map<String, String> env = new HashMap<>(ComposeSecrets.generate());
        env.put("REFRESH_TOKEN_SECRET", "v2:" + strong + ",old-refresh-value-without-version");
        env.put("COACH_TICKET_SECRET", "v3:short-ticket-value,v3:" + strong);
        env.put("HTTP_COMPRESSION_LEVEL", "12");

        ConfigException e = configErrors("all", env);

        assertThat(e.problems()).contains(
                "REFRESH_TOKEN_SECRET entry 2 of 2 is not <version>:<secret> with a version v1 to v9999 (e.g. v2:<secret>,v1:<secret>)",
                "COACH_TICKET_SECRET names v3 twice",
                "HTTP_COMPRESSION_LEVEL must be between 1 and 9, got 12");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("COACH_TICKET_SECRET v3 is too short: 18 bytes"));
        assertThat(e.getMessage()).doesNotContain(strong).doesNotContain("old-refresh-value").doesNotContain("short-ticket-value");
    }

    @Test
    void corsOriginsMustBeExact() {
        ConfigException e = configErrors("all", Map.of("CORS_ALLOWED_ORIGINS", "https://ok.example.com,null,app.example.com,https://x.example.com/path"));
        assertThat(e.problems()).filteredOn(p -> p.startsWith("CORS_ALLOWED_ORIGINS")).hasSize(3);
    }

    @Test
    void aStreamTicketLifetimeAboveItsCapIsRefusedAtStart(TestEnv env) {
        Map<String, String> values = RolesBootTest.productionEnv(env, "ticket-ttl");
        values.put("COACH_TICKET_TTL", "10m");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Streamgate.start(LaunchOptions.parse("api", "--port", "0"), values).close());
        assertThat(e).isNotNull();
        assertThat(e.problems()).contains("COACH_TICKET_TTL must be at most 5m (a stream ticket travels in URLs; "
                + "EventSource needs it only to reconnect), got 600s");
    }

    @Test
    void theKafkaClusterIsRequiredOutsideDevOnly() {
        for (String role : new String[] {"all", "ingest", "processors", "api"}) {
            assertThat(configErrors(role, Map.of()).problems()).as(role)
                    .anySatisfy(p -> assertThat(p).startsWith("KAFKA_BOOTSTRAP_SERVERS is required outside dev"));
        }
    }

    @Test
    void coachSettingsAreReportedTogetherAndTheLlmUrlMustBeHttpsOffThisMachine(TestEnv env) {
        Map<String, String> values = RolesBootTest.productionEnv(env, "coach-config");
        values.put("COACH_LLM_URL", "http://llm.example.com/v1/chat/completions");
        values.put("COACH_LLM_MAX_TOKENS", "0");
        values.put("COACH_SESSIONS_PER_MINUTE", "none");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Streamgate.start(LaunchOptions.parse("all", "--port", "0"), values).close());
        assertThat(e).isNotNull();
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "COACH_LLM_URL must use https unless its host is a loopback address (127.0.0.0/8, ::1, localhost); got http to llm.example.com",
                "COACH_LLM_MAX_TOKENS must be between 1 and 1000000, got 0",
                "COACH_SESSIONS_PER_MINUTE must be a whole number, got 'none'");
    }

    @Test
    void anUnreachablePostgresSaysHowToGetOne(TestEnv env) {
        Map<String, String> values = RolesBootTest.productionEnv(env, "unreachable");
        values.put("DATABASE_URL", "postgres://postgres@127.0.0.1:1/postgres");

        assertThatThrownBy(() -> Streamgate.start(LaunchOptions.parse("all", "--port", "0"), values).close())
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("cannot connect to Postgres at postgres://postgres@127.0.0.1:1/postgres")
                .hasMessageContaining("pg_ctlcluster")
                .hasMessageContaining("docker compose up -d postgres")
                .hasMessageContaining("DATABASE_URL");
    }

    @Test
    void theIdleTimeoutIsADurationThatOutlastsTheStreamHeartbeat(TestEnv env) {
        assertThat(configErrors("all", Map.of("HTTP_IDLE_TIMEOUT", "soon")).problems())
                .anySatisfy(p -> assertThat(p).startsWith("HTTP_IDLE_TIMEOUT must be a duration"));

        Map<String, String> values = RolesBootTest.productionEnv(env, "heartbeat");
        values.put("HTTP_IDLE_TIMEOUT", "10s");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Streamgate.start(LaunchOptions.parse("api", "--port", "0"), values).close());
        assertThat(e).isNotNull();
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("COACH_SSE_HEARTBEAT (PT15S) must be shorter than HTTP_IDLE_TIMEOUT (PT10S)"));
    }

    @Test
    void usageErrorsAreClear() {
        assertThatThrownBy(() -> LaunchOptions.parse("everything")).hasMessageContaining("unknown role 'everything'");
        assertThatThrownBy(() -> LaunchOptions.parse("all", "--tls")).hasMessageContaining("--fresh and --tls are for dev only");
        assertThatThrownBy(() -> LaunchOptions.parse("dev", "--port")).hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> LaunchOptions.parse("dev", "--colour")).hasMessageContaining("unknown flag --colour");
        assertThat(LaunchOptions.parse("--help").help()).isTrue();
    }
}
