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
        assertThat(tokens.successor(user, family, "req-1", parent)).isEqualTo(tokens.successor(user, family, "req-1", parent))
                .isNotEqualTo(tokens.successor(user, family, "req-2", parent));
        assertThat(new RefreshTokens("another secret").successor(user, family, "req-1", parent))
                .isNotEqualTo(tokens.successor(user, family, "req-1", parent));
    }

    @Test
    void theClientBindingNamesTheNetworkAndTheUserAgentWithoutRevealingThem() {
        String firefox = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";
        String binding = tokens.clientBinding("203.0.113.7", firefox);
        assertThat(binding).hasSize(43).doesNotContain("203").doesNotContain("Firefox");
        assertThat(tokens.clientBinding("203.0.113.200", firefox)).as("same /24").isEqualTo(binding);
        assertThat(tokens.clientBinding("203.0.114.7", firefox)).as("another /24").isNotEqualTo(binding);
        assertThat(tokens.clientBinding("203.0.113.7", "curl/8.5.0")).as("another agent").isNotEqualTo(binding);
        assertThat(tokens.clientBinding("203.0.113.7", null)).isNotEqualTo(binding).isEqualTo(tokens.clientBinding("203.0.113.7", ""));
        assertThat(new RefreshTokens("another secret").clientBinding("203.0.113.7", firefox)).as("keyed").isNotEqualTo(binding);
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
}
