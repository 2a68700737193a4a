package io.streamgate.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versioned HMAC secrets: the first signs, all verify, and a bare value is the implicit v1. */
class SecretVersionsTest {
    static final String OLD = "an old secret of at least thirty-two bytes";
    static final String NEW = "a new secret of at least thirty-two bytes!";

    @TempDir
    Path dir;

    @Test
    void aBareValueIsTheImplicitVersionExactlyAsGiven() {
        // not trimmed: the bytes are the key tokens minted before versions were made with
        SecretVersions bare = SecretVersions.of(" " + OLD + " ");
        assertThat(bare.ids()).containsExactly("v1");
        assertThat(bare.signing().implicit()).isTrue();
        assertThat(new String(bare.signing().key(), StandardCharsets.UTF_8)).isEqualTo(" " + OLD + " ");
        // a colon elsewhere does not make a list; generated (base64url) secrets hold neither mark
        assertThat(SecretVersions.of("prod:" + OLD).ids()).containsExactly("v1");
        assertThat(SecretVersions.of(Secrets.randomToken()).ids()).containsExactly("v1");
    }

    @Test
    void theFirstVersionSignsAndEveryOneIsFoundById() {
        SecretVersions keys = SecretVersions.of("v2:" + NEW + ", v1:" + OLD);
        assertThat(keys.ids()).containsExactly("v2", "v1");
        assertThat(keys.signing().id()).isEqualTo("v2");
        assertThat(keys.signing().implicit()).isFalse();
        assertThat(new String(keys.get("v1").orElseThrow().key(), StandardCharsets.UTF_8)).isEqualTo(OLD);
        assertThat(keys.get("v3")).isEmpty();
        assertThat(keys.toString()).doesNotContain(OLD).doesNotContain(NEW);
        // a version listed alone is a list too: the end state of a rotation
        assertThat(SecretVersions.of("v2:" + NEW).ids()).containsExactly("v2");
    }

    @Test
    void everyMalformedEntryIsOneProblemNamingNoSecret() {
        Env env = new Env(Map.of("REFRESH_TOKEN_SECRET", "v2:" + NEW + ",," + OLD + ",v0:" + OLD + ",v2:x" + NEW + ",v3:" + NEW + ",v4:  "));
        Secrets secrets = Secrets.dev(env, dir.resolve("secrets.properties"));

        SecretVersions standIn = SecretVersions.read(env, secrets, "REFRESH_TOKEN_SECRET");

        assertThat(env.problems()).containsExactly(
                "REFRESH_TOKEN_SECRET entry 2 of 7 is empty",
                "REFRESH_TOKEN_SECRET entry 3 of 7 is not <version>:<secret> with a version v1 to v9999 (e.g. v2:<secret>,v1:<secret>)",
                "REFRESH_TOKEN_SECRET entry 4 of 7 is not <version>:<secret> with a version v1 to v9999 (e.g. v2:<secret>,v1:<secret>)",
                "REFRESH_TOKEN_SECRET names v2 twice",
                "REFRESH_TOKEN_SECRET v2 and v3 hold the same secret (a new version needs a new secret)",
                "REFRESH_TOKEN_SECRET entry 7 of 7 is not <version>:<secret> with a version v1 to v9999 (e.g. v2:<secret>,v1:<secret>)");
        assertThat(env.problems()).allSatisfy(p -> assertThat(p).doesNotContain(OLD).doesNotContain(NEW));
        // a throwaway key stands in until validation stops the start
        assertThat(standIn.ids()).containsExactly("v1");
        assertThatThrownBy(() -> SecretVersions.of("v02:" + NEW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the secret entry 1 of 1 is not <version>:<secret>");
    }

    @Test
    void outsideDevEachVersionIsJudgedByItsOwnLength() {
        Env env = new Env(Map.of(
                "REFRESH_TOKEN_SECRET", "v2:short-new-value,v1:" + OLD,
                "COACH_TICKET_SECRET", "short-bare-value"));
        Secrets.fromEnv(env);
        assertThat(env.problems()).containsExactlyInAnyOrder(
                "REFRESH_TOKEN_SECRET v2 is too short: 15 bytes, at least 32 are required outside dev (generate one with: openssl rand -base64 32)",
                "COACH_TICKET_SECRET is too short: 16 bytes, at least 32 are required outside dev (generate one with: openssl rand -base64 32)");

        // outside dev the form is judged at start with the lengths, and reading it adds nothing twice
        Env malformed = new Env(Map.of("COACH_TICKET_SECRET", "v2:" + NEW + "," + OLD));
        Secrets fromEnv = Secrets.fromEnv(malformed);
        SecretVersions.read(malformed, fromEnv, "COACH_TICKET_SECRET");
        assertThat(malformed.problems()).containsExactly(
                "COACH_TICKET_SECRET entry 2 of 2 is not <version>:<secret> with a version v1 to v9999 (e.g. v2:<secret>,v1:<secret>)");

        Env strong = new Env(Map.of("REFRESH_TOKEN_SECRET", "v2:" + NEW + ",v1:" + OLD, "COACH_TICKET_SECRET", "v7:" + NEW));
        Secrets.fromEnv(strong);
        assertThat(strong.problems()).isEmpty();
    }

    @Test
    void devGeneratesABareValueThatReadsAsTheImplicitVersion() {
        Env env = new Env(Map.of());
        Secrets secrets = Secrets.dev(env, dir.resolve("secrets.properties"));
        SecretVersions generated = SecretVersions.read(env, secrets, "COACH_TICKET_SECRET");
        assertThat(env.problems()).isEmpty();
        assertThat(generated.ids()).containsExactly("v1");
        assertThat(generated.signing().key()).isEqualTo(secrets.get("COACH_TICKET_SECRET").getBytes(StandardCharsets.UTF_8));
    }
}
