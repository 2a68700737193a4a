package io.streamgate.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
    final JwtConfig config = new JwtConfig("streamgate", "streamgate-api", Duration.ofMinutes(15), Duration.ofSeconds(30), JwtKeySet.generateJson());
    final AccessTokens tokens = new AccessTokens(config, Clock.systemUTC());

    @Test
    void issuedTokenVerifies() throws Exception {
        UUID user = UUID.randomUUID();
        var issued = tokens.issue(user, "fam-1");
        var verified = tokens.verify(issued.token());
        assertThat(verified.userId()).isEqualTo(user);
        assertThat(verified.familyId()).isEqualTo("fam-1");
        assertThat(tokens.keys().publicJwksJson()).contains(tokens.keys().signingKeyId()).doesNotContain("\"d\"");
    }

    @Test
    void unsignedTokenIsRefused() {
        String header = b64("{\"alg\":\"none\",\"kid\":\"" + tokens.keys().signingKeyId() + "\"}");
        String body = b64("{\"sub\":\"" + UUID.randomUUID() + "\",\"iss\":\"streamgate\",\"aud\":\"streamgate-api\",\"exp\":9999999999}");
        assertThatThrownBy(() -> tokens.verify(header + "." + body + "."))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void tokenFromAnotherKeySetIsRefused() {
        var other = new AccessTokens(new JwtConfig("streamgate", "streamgate-api", Duration.ofMinutes(15), Duration.ofSeconds(30), JwtKeySet.generateJson()), Clock.systemUTC());
        assertThatThrownBy(() -> tokens.verify(other.issue(UUID.randomUUID(), "f").token()))
                .isInstanceOf(InvalidTokenException.class);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
