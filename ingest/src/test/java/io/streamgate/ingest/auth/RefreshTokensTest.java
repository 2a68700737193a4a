package io.streamgate.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RefreshTokensTest {
    final RefreshTokens tokens = new RefreshTokens("a server secret of enough length for tests");
    final UUID user = UUID.randomUUID();
    final UUID family = UUID.randomUUID();

    @Test
    void aTokenNamesItsUserAndFamilyAndCarriesA256BitSecret() {
        String t = tokens.first(user, family);
        var parsed = tokens.parse(t).orElseThrow();
        assertThat(parsed.userId()).isEqualTo(user);
        assertThat(parsed.familyId()).isEqualTo(family);
        assertThat(parsed.hash()).hasSize(43).isEqualTo(RefreshTokens.hash(t));
        assertThat(Base64.getUrlDecoder().decode(t.substring(t.indexOf('.') + 1))).hasSize(32);
        assertThat(tokens.first(user, family)).isNotEqualTo(t);
    }

    @Test
    void theSuccessorIsDeterminedByTheRequestAndThePresentedToken() {
        String parent = RefreshTokens.hash(tokens.first(user, family));
        assertThat(tokens.successor(user, family, "req-1", parent).orElseThrow()).isEqualTo(tokens.successor(user, family, "req-1", parent).orElseThrow())
                .isNotEqualTo(tokens.successor(user, family, "req-2", parent).orElseThrow());
        assertThat(new RefreshTokens("another secret").successor(user, family, "req-1", parent).orElseThrow())
                .isNotEqualTo(tokens.successor(user, family, "req-1", parent).orElseThrow());
    }

    @Test
    void theClientBindingNamesTheNetworkAndTheUserAgentWithoutRevealingThem() {
        String firefox = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";
        String binding = tokens.clientBinding("v1", "203.0.113.7", firefox);
        assertThat(binding).hasSize(43).doesNotContain("203").doesNotContain("Firefox");
        assertThat(tokens.clientBinding("v1", "203.0.113.200", firefox)).as("same /24").isEqualTo(binding);
        assertThat(tokens.clientBinding("v1", "203.0.114.7", firefox)).as("another /24").isNotEqualTo(binding);
        assertThat(tokens.clientBinding("v1", "203.0.113.7", "curl/8.5.0")).as("another agent").isNotEqualTo(binding);
        assertThat(tokens.clientBinding("v1", "203.0.113.7", null)).isNotEqualTo(binding).isEqualTo(tokens.clientBinding("v1", "203.0.113.7", ""));
        assertThat(new RefreshTokens("another secret").clientBinding("v1", "203.0.113.7", firefox)).as("keyed").isNotEqualTo(binding);
    }

    @Test
    void aPrefixForAnotherUserCannotBeForged() {
        String mine = tokens.first(user, family);
        String theirs = new RefreshTokens("attacker's own secret").first(UUID.randomUUID(), UUID.randomUUID());
        String spliced = theirs.substring(0, theirs.indexOf('.')) + mine.substring(mine.indexOf('.'));
        assertThat(tokens.parse(spliced)).isEmpty();
        assertThat(tokens.parse("AAAA" + mine.substring(4))).isEmpty();
        assertThat(tokens.parse(mine + ".x")).isEmpty();
        assertThat(tokens.parse("x".repeat(500))).isEmpty();
        assertThat(tokens.parse(null)).isEmpty();
    }

    // --- key versions ----------------------------------------------------------------------------

    static final String OLD = "the secret before key versions existed";
    static final String NEW = "the secret of key version two and long enough";
    static final UUID PINNED_USER = UUID.fromString("11111111-2222-3333-4444-555555555555");
    static final UUID PINNED_FAMILY = UUID.fromString("66666666-7777-8888-9999-aaaaaaaaaaaa");
    /** Made by the code before key versions (commit c953351) with OLD, for request 0f0e…0201 and parent hash "parent-hash". */
    static final String MINTED_BEFORE_VERSIONS =
            "ERERESIiMzNERFVVVVVVVWZmZmZ3d4iImZmqqqqqqqqxcfiIT2uWmEqmcKnIJy4s.nutpx_af3xi1xsk5qdpIw_EO8iTny2f--7a1-a6lU2M";
    /** That code's client binding of 203.0.113.7 with User-Agent "Firefox" under OLD. */
    static final String BOUND_BEFORE_VERSIONS = "lTRKZmumKsHMO1nuWxPkY7aMt_xt16hKC92-B1f6Bm4";

    @Test
    void aBareSecretAndItsV1AreTheFormatBeforeVersionsByteForByte() {
        for (RefreshTokens v1 : new RefreshTokens[] {new RefreshTokens(OLD), new RefreshTokens("v1:" + OLD),
                new RefreshTokens("v1:" + OLD + ",v2:" + NEW), new RefreshTokens("v2:" + NEW + ",v1:" + OLD)}) {
            assertThat(v1.parse(MINTED_BEFORE_VERSIONS).orElseThrow().keyVersion()).isEqualTo("v1");
            assertThat(v1.clientBinding("v1", "203.0.113.7", "Firefox")).isEqualTo(BOUND_BEFORE_VERSIONS);
            // a verdict for a request of an older release (a bare uuid) rebuilds that release's successor
            assertThat(v1.successor(PINNED_USER, PINNED_FAMILY, "0f0e0d0c-0b0a-4909-8807-060504030201", "parent-hash"))
                    .hasValue(MINTED_BEFORE_VERSIONS);
        }
        // while v1 signs, what is minted is what a release before versions mints and reads
        RefreshTokens stepOne = new RefreshTokens("v1:" + OLD + ",v2:" + NEW);
        assertThat(stepOne.newRequestId()).doesNotContain(".");
        assertThat(new RefreshTokens(OLD).parse(stepOne.first(user, family))).isPresent();
    }

    @Test
    void aRotationRefusesNothingEitherWayWhileBothVersionsAreHeld() {
        RefreshTokens stepOne = new RefreshTokens("v1:" + OLD + ",v2:" + NEW); // v2 verify-only
        RefreshTokens stepTwo = new RefreshTokens("v2:" + NEW + ",v1:" + OLD); // v2 signs

        String made = stepTwo.first(user, family);
        assertThat(made).startsWith("v2.").hasSizeLessThanOrEqualTo(RefreshTokens.MAX_LENGTH);
        assertThat(stepOne.parse(made).orElseThrow().keyVersion()).isEqualTo("v2");
        assertThat(stepTwo.parse(stepOne.first(user, family)).orElseThrow().keyVersion()).isEqualTo("v1");

        // the successor's version rides in the request id, so any instance holding it rebuilds the same token
        String requestId = stepTwo.newRequestId();
        assertThat(requestId).startsWith("v2.");
        String successor = stepTwo.successor(user, family, requestId, "parent").orElseThrow();
        assertThat(successor).startsWith("v2.");
        assertThat(stepOne.successor(user, family, requestId, "parent")).hasValue(successor);
        assertThat(new RefreshTokens(OLD).successor(user, family, requestId, "parent")).as("v2 not held").isEmpty();

        // bindings are keyed by the presented token's version, the same on both instances
        assertThat(stepOne.clientBinding("v2", "203.0.113.7", "Firefox")).isEqualTo(stepTwo.clientBinding("v2", "203.0.113.7", "Firefox"))
                .isNotEqualTo(stepTwo.clientBinding("v1", "203.0.113.7", "Firefox"));
        // the token id is an unkeyed hash: a rotation never changes how an issued token is recognised
        assertThat(stepTwo.parse(MINTED_BEFORE_VERSIONS).orElseThrow().hash()).isEqualTo(RefreshTokens.hash(MINTED_BEFORE_VERSIONS));
    }

    @Test
    void aVersionNotHeldIsNamedAndTheVersionCannotBeSwapped() {
        RefreshTokens old = new RefreshTokens(OLD);
        String v2 = new RefreshTokens("v2:" + NEW).first(user, family);
        assertThat(old.parse(v2)).isEmpty();
        assertThat(old.unknownVersion(v2)).hasValue("v2");
        assertThat(new RefreshTokens("v2:" + NEW).unknownVersion(MINTED_BEFORE_VERSIONS)).hasValue("v1");
        assertThat(old.unknownVersion(MINTED_BEFORE_VERSIONS)).isEmpty();
        assertThat(old.unknownVersion("garbage")).isEmpty();

        // the tag covers the version: a token relabelled with another version is refused
        RefreshTokens both = new RefreshTokens("v3:" + NEW + "!,v2:" + NEW);
        assertThat(both.parse("v3." + v2.substring(3))).isEmpty();
        assertThat(both.parse(v2.substring(3))).as("v2 stripped to look like v1").isEmpty();
        assertThat(new RefreshTokens("v1:" + OLD).parse("v1." + MINTED_BEFORE_VERSIONS)).as("one spelling of v1").isEmpty();
    }
}
