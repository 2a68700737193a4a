package io.streamgate.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
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

    @Test
    void newKeysAreEd25519AndTheJwksSaysSo() throws Exception {
        var jwks = io.streamgate.schemas.Json.mapper().readTree(tokens.keys().publicJwksJson()).get("keys").get(0);
        assertThat(jwks.get("kty").asText()).isEqualTo("OKP");
        assertThat(jwks.get("crv").asText()).isEqualTo("Ed25519");
        assertThat(jwks.get("alg").asText()).isEqualTo("EdDSA");
        assertThat(jwks.get("use").asText()).isEqualTo("sig");
        String header = new String(Base64.getUrlDecoder().decode(tokens.issue(UUID.randomUUID(), "f").token().split("\\.")[0]), StandardCharsets.UTF_8);
        assertThat(header).contains("\"alg\":\"EdDSA\"");
    }

    @Test
    void rotatingFromAnEs256KeyToEd25519KeepsOldTokensValid() throws Exception {
        String es256Only = JwtKeySet.withNewKey(Jwts.SIG.ES256.keyPair().build(), null);
        var before = new AccessTokens(new JwtConfig("streamgate", "streamgate-api", Duration.ofMinutes(15), Duration.ofSeconds(30), es256Only), Clock.systemUTC());
        String old = before.issue(UUID.randomUUID(), "f-old").token();
        assertThat(before.verify(old).familyId()).isEqualTo("f-old");

        var after = new AccessTokens(new JwtConfig("streamgate", "streamgate-api", Duration.ofMinutes(15), Duration.ofSeconds(30),
                JwtKeySet.withNewKey(Jwks.CRV.Ed25519.keyPair().build(), es256Only)), Clock.systemUTC());
        assertThat(after.verify(old).familyId()).isEqualTo("f-old");
        String fresh = after.issue(UUID.randomUUID(), "f-new").token();
        assertThat(after.verify(fresh).familyId()).isEqualTo("f-new");
        assertThat(after.keys().publicJwksJson()).contains("\"ES256\"").contains("\"EdDSA\"");
        // the old deployment does not know the new key
        assertThatThrownBy(() -> before.verify(fresh)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aKeyAddedLastOnlyVerifiesSoARotationInTwoRollsRefusesNothing() throws Exception {
        String a = JwtKeySet.generateJson();
        String b = JwtKeySet.generateJson();
        AccessTokens before = tokens(a);
        AccessTokens stepOne = tokens(keys(a, b)); // b added last: verify-only, and published
        AccessTokens stepTwo = tokens(keys(b, a)); // b moved first: it signs

        assertThat(stepOne.keys().signingKeyId()).isEqualTo(before.keys().signingKeyId());
        assertThat(stepOne.keys().publicJwksJson()).contains(stepTwo.keys().signingKeyId());
        String fromStepOne = stepOne.issue(UUID.randomUUID(), "f1").token();
        String fromStepTwo = stepTwo.issue(UUID.randomUUID(), "f2").token();
        // during the first roll, instances on the old set and on step one accept each other's tokens
        assertThat(before.verify(fromStepOne).familyId()).isEqualTo("f1");
        assertThat(stepOne.verify(before.issue(UUID.randomUUID(), "f0").token()).familyId()).isEqualTo("f0");
        // during the second, step one and step two do
        assertThat(stepOne.verify(fromStepTwo).familyId()).isEqualTo("f2");
        assertThat(stepTwo.verify(fromStepOne).familyId()).isEqualTo("f1");
        // only prepending straight away (skipping step one) leaves an instance that refuses
        assertThatThrownBy(() -> before.verify(fromStepTwo)).isInstanceOf(InvalidTokenException.class);
    }

    private static AccessTokens tokens(String keys) {
        return new AccessTokens(new JwtConfig("streamgate", "streamgate-api", Duration.ofMinutes(15), Duration.ofSeconds(30), keys), Clock.systemUTC());
    }

    /** The keys of {@code sets}, in that order, as one JWK set. */
    private static String keys(String... sets) throws Exception {
        var all = io.streamgate.schemas.Json.mapper().createArrayNode();
        for (String set : sets) all.addAll((com.fasterxml.jackson.databind.node.ArrayNode) io.streamgate.schemas.Json.mapper().readTree(set).get("keys"));
        return "{\"keys\":" + all + "}";
    }

    @Test
    void aTokenWhoseHeaderNamesAnotherAlgorithmThanItsKeyIsRefused() {
        // our kid (an Ed25519 key) with an ES256 signature from a P-256 key: refused by the key's
        // algorithm before any signature check
        var attacker = Jwts.SIG.ES256.keyPair().build();
        String token = Jwts.builder().header().keyId(tokens.keys().signingKeyId()).and()
                .issuer("streamgate").audience().add("streamgate-api").and().subject(UUID.randomUUID().toString())
                .expiration(new java.util.Date(System.currentTimeMillis() + 60_000))
                .signWith(attacker.getPrivate(), Jwts.SIG.ES256).compact();
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("not accepted for this key");
    }

    @Test
    void keySetsWithOtherKeyTypesAreRefusedAtStart() {
        String rsa = JwtKeySet.withNewKey(Jwts.SIG.RS256.keyPair().build(), null);
        assertThatThrownBy(() -> new JwtKeySet(rsa)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519 or EC P-256");
        String p384 = JwtKeySet.withNewKey(Jwts.SIG.ES384.keyPair().build(), null);
        assertThatThrownBy(() -> new JwtKeySet(p384)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519 or EC P-256");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
