package io.streamgate.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamgate.platform.auth.JwtKeySet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Dev secrets on disk are private from their creation; outside dev, weak secrets stop the start. */
class SecretsTest {
    @TempDir
    Path dir;

    static String perms(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    static Properties load(Path file) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    @Test
    void theDevFileIsCreatedOwnerOnlyAndEachSaveReplacesItWholeLeavingNoTemporaryFile() throws Exception {
        Path file = dir.resolve("data/secrets.properties");
        Secrets secrets = Secrets.dev(new Env(Map.of()), file);

        String refresh = secrets.get("REFRESH_TOKEN_SECRET");
        assertThat(perms(file)).isEqualTo("rw-------");
        Object firstInode = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        String ticket = secrets.get("COACH_TICKET_SECRET");
        // A new file renamed over the old (a reader never sees a truncated one), again owner-only.
        assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey()).isNotEqualTo(firstInode);
        assertThat(perms(file)).isEqualTo("rw-------");
        assertThat(load(file)).containsEntry("REFRESH_TOKEN_SECRET", refresh).containsEntry("COACH_TICKET_SECRET", ticket);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }

        // A restart reads them back rather than generating new ones.
        Secrets again = Secrets.dev(new Env(Map.of()), file);
        assertThat(again.get("REFRESH_TOKEN_SECRET")).isEqualTo(refresh);
    }

    @Test
    void aDevFileFoundReadableByOthersIsTightenedWithAWarningThatShowsNoValue() throws Exception {
        Path file = dir.resolve("secrets.properties");
        String value = "kept-value-" + Secrets.randomToken();
        Files.writeString(file, "OPERATOR_TOKEN=" + value + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        Logger logger = (Logger) LoggerFactory.getLogger(Secrets.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            Secrets secrets = Secrets.dev(new Env(Map.of()), file);
            assertThat(perms(file)).isEqualTo("rw-------");
            assertThat(secrets.optional("OPERATOR_TOKEN")).contains(value);
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).contains(file.toString()).contains("rw-r--r--").doesNotContain(value);
        });
    }

    @Test
    void outsideDevEveryWeakSecretIsAProblemOfItsOwnNamingNoValue() {
        byte[] shortD = new byte[16];
        String weakJwk = "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"short-1\",\"x\":\"" + b64url(new byte[32])
                + "\",\"d\":\"" + b64url(shortD) + "\"}]}";
        Map<String, String> values = Map.of(
                "REFRESH_TOKEN_SECRET", "too-short-refresh-secret",
                "OPERATOR_TOKEN", "operator-0123",
                "STRIPE_WEBHOOK_SECRETS", "whsec_" + "a".repeat(40) + ",whsec_short-stripe",
                "WEBHOOK_SECRETS_ACME", "whsec_" + Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes()),
                "JWT_SIGNING_KEYS", weakJwk,
                "DATABASE_APP_PASSWORD", "x".repeat(32),
                "TLS_KEYSTORE_PASSWORD", "changeit",
                "COACH_LLM_API_KEY", "sk-1");
        Env env = new Env(values);
        Secrets.fromEnv(env);

        List<String> problems = env.problems();
        assertThat(problems).hasSize(5);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("REFRESH_TOKEN_SECRET is too short: 24 bytes, at least 32"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("OPERATOR_TOKEN is too short: 13 bytes"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("STRIPE_WEBHOOK_SECRETS (secret 2 of 2) is too short: 18 bytes"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("WEBHOOK_SECRETS_ACME (secret 1 of 1, decoded key) is too short: 16 bytes, at least 24"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("JWT_SIGNING_KEYS key short-1 (private key material) is too short: 16 bytes"));
        for (String value : values.values()) {
            assertThat(problems).allSatisfy(p -> assertThat(p).doesNotContain(value));
        }
    }

    @Test
    void strongSecretsPassAsGeneratedOrAsProvidersIssueThem() {
        Env env = new Env(Map.of(
                "REFRESH_TOKEN_SECRET", Secrets.randomToken(),
                "JWT_SIGNING_KEYS", JwtKeySet.generateJson(),
                // Stripe's secrets are whsec_ and 32 characters or more; Svix issues 24-byte keys.
                "STRIPE_WEBHOOK_SECRETS", "whsec_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6",
                "WEBHOOK_SECRETS_SVIX", "whsec_" + Base64.getEncoder().encodeToString(new byte[24])));
        Secrets secrets = Secrets.fromEnv(env);
        assertThat(env.problems()).isEmpty();
        assertThat(secrets.get("REFRESH_TOKEN_SECRET")).isEqualTo(env.values().get("REFRESH_TOKEN_SECRET"));
    }

    @Test
    void outsideDevAnEndpointSecretMayBeAbsentButARequiredOneMayNot() {
        Env env = new Env(Map.of());
        Secrets secrets = Secrets.fromEnv(env);
        assertThat(secrets.optional("OPERATOR_TOKEN")).isEmpty();
        assertThat(env.problems()).isEmpty();
        assertThat(secrets.get("COACH_TICKET_SECRET")).isNull();
        assertThat(env.problems()).containsExactly("COACH_TICKET_SECRET is required (it is generated only in dev)");
    }

    @Test
    void aSecretMustBeRegisteredToBeRead() {
        Secrets secrets = Secrets.dev(new Env(Map.of()), dir.resolve("secrets.properties"));
        assertThatThrownBy(() -> secrets.get("MY_NEW_SECRET")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MY_NEW_SECRET is not a registered secret");
    }

    @Test
    void privateFilesReplaceAnExistingLooseFileWithAnOwnerOnlyOne() throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        PrivateFiles.write(file, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(perms(file)).isEqualTo("rw-------");
    }

    static String b64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
