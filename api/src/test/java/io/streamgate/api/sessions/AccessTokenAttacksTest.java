package io.streamgate.api.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.JwtKeySet;
import io.streamgate.platform.auth.RevocationFeed;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.Revocation;
import io.streamgate.testkit.StreamgateTest;
import io.streamgate.testkit.TestEnv;
import io.streamgate.testkit.OpenApiValidator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access-token attack list, each sent as a real HTTP request to an authenticated route
 * ({@code GET /v1/sessions}); every one must be a 401 problem body, and the controls (a good
 * token, one expired by less than the allowed skew) must pass.
 */
@StreamgateTest
class AccessTokenAttacksTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Platform platform;
    static String base;
    static String kid;
    static JwtKeySet.Key key;
    static PublicKey publicKey;
    static TestEnv testEnv;

    @BeforeAll
    static void start(TestEnv env) {
        testEnv = env;
        platform = env.platform();
        base = "http://127.0.0.1:" + env.serve(platform, List.of(new RevocationFeed(platform), new SessionsEndpoints(platform))).port();
        kid = platform.auth().tokens().keys().signingKeyId();
        key = platform.auth().tokens().keys().signing();
        publicKey = key.publicKey();
        await().until(() -> platform.health().ready());
    }

    // --- controls -------------------------------------------------------------------------

    @Test
    void aGoodTokenIsAccepted() {
        assertThat(get(platform.auth().tokens().issue(UUID.randomUUID(), UUID.randomUUID().toString()).token()).statusCode()).isEqualTo(200);
        assertThat(get(signed(claims(), kid)).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenExpiredByLessThanTheSkewIsStillAccepted() {
        Map<String, Object> c = claims();
        c.put("exp", Instant.now().minusSeconds(10).getEpochSecond());
        assertThat(get(signed(c, kid)).statusCode()).isEqualTo(200);
    }

    // --- attacks ----------------------------------------------------------------------------

    @Test
    void algNoneIsRefused() {
        String token = b64(json(Map.of("alg", "none", "kid", kid, "typ", "JWT"))) + "." + b64(json(claims())) + ".";
        refused(token, "invalid_token");
    }

    @Test
    void hmacSignedWithThePublicKeyIsRefused() throws Exception {
        // The classic confusion: a verifier that trusts the header's alg would HMAC-verify with
        // the "key" it has, the public key, which the attacker also has.
        for (byte[] secret : List.of(publicKey.getEncoded(), pem(publicKey), platform.auth().tokens().keys().publicJwksJson().getBytes(StandardCharsets.UTF_8))) {
            String signingInput = b64(json(Map.of("alg", "HS256", "kid", kid, "typ", "JWT"))) + "." + b64(json(claims()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String token = signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
            refused(token, "invalid_token");
        }
    }

    @Test
    void anUnknownKidIsRefused() {
        refused(signed(claims(), "k-unknown"), "invalid_token");
        // a key of our own making, under our kid: the signature does not verify
        PrivateKey attackerKey = Jwks.CRV.Ed25519.keyPair().build().getPrivate();
        refused(Jwts.builder().header().keyId(kid).and().claims(claims()).signWith(attackerKey, Jwts.SIG.EdDSA).compact(), "invalid_token");
        // the same under another algorithm than our key's (ES256 for an Ed25519 kid)
        PrivateKey p256 = Jwts.SIG.ES256.keyPair().build().getPrivate();
        refused(Jwts.builder().header().keyId(kid).and().claims(claims()).signWith(p256, Jwts.SIG.ES256).compact(), "invalid_token");
        refused(Jwts.builder().claims(claims()).provider(JwtKeySet.PROVIDER).signWith(key.privateKey(), key.algorithm()).compact(), "invalid_token");
    }

    @Test
    void aWrongIssuerOrAudienceIsRefused() {
        Map<String, Object> iss = claims();
        iss.put("iss", "someone-else");
        refused(signed(iss, kid), "invalid_token");
        Map<String, Object> aud = claims();
        aud.put("aud", "another-api");
        refused(signed(aud, kid), "invalid_token");
    }

    @Test
    void aTokenExpiredBeyondTheSkewIsRefused() {
        Map<String, Object> c = claims();
        c.put("exp", Instant.now().minusSeconds(31 + 5).getEpochSecond());
        refused(signed(c, kid), "token_expired");
    }

    @Test
    void aTokenNotYetValidIsRefused() {
        Map<String, Object> c = claims();
        c.put("nbf", Instant.now().plusSeconds(120).getEpochSecond());
        refused(signed(c, kid), "invalid_token");
    }

    @Test
    void aTamperedTokenIsRefused() {
        String good = signed(claims(), kid);
        String[] parts = good.split("\\.");
        Map<String, Object> other = claims();
        other.put("sub", UUID.randomUUID().toString());
        refused(parts[0] + "." + b64(json(other)) + "." + parts[2], "invalid_token");
        char last = parts[2].charAt(10);
        refused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + (last == 'A' ? 'B' : 'A') + parts[2].substring(11), "invalid_token");
    }

    @Test
    void aTokenOverEightKibIsRefusedEvenIfSigned() {
        Map<String, Object> c = claims();
        c.put("pad", "x".repeat(9000));
        refused(signed(c, kid), "invalid_token");
    }

    @Test
    void aMissingOrMalformedHeaderIsRefused() {
        HttpResponse<String> none = send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions")).build());
        assertProblem(none, "missing_token");
        refused("not.a.jwt", "invalid_token");
    }

    @Test
    void aRevokedFamilyIsRefusedOnceTheRevocationIsRead() throws Exception {
        UUID user = UUID.randomUUID();
        String family = UUID.randomUUID().toString();
        String token = platform.auth().tokens().issue(user, family).token();
        assertThat(get(token).statusCode()).isEqualTo(200);
        try (var producer = new KafkaProducer<byte[], byte[]>(testEnv.kafka("revoker").producer("revoker"))) {
            Revocation r = new Revocation(user.toString(), List.of(family), "reuse", "req-1", Instant.now());
            producer.send(new ProducerRecord<>(AuthTopics.REVOCATIONS.name(), user.toString().getBytes(StandardCharsets.UTF_8),
                    AuthTopics.REVOCATIONS.valueSerde().serializer().serialize(AuthTopics.REVOCATIONS.name(), r))).get();
        }
        await().untilAsserted(() -> assertProblem(get(token), "token_revoked"));
        // another family of the same user is untouched
        assertThat(get(platform.auth().tokens().issue(user, UUID.randomUUID().toString()).token()).statusCode()).isEqualTo(200);
    }

    // --- helpers ------------------------------------------------------------------------------

    static Map<String, Object> claims() {
        Map<String, Object> c = new java.util.LinkedHashMap<>();
        Instant now = Instant.now();
        c.put("iss", platform.auth().tokens().config().issuer());
        c.put("aud", platform.auth().tokens().config().audience());
        c.put("sub", UUID.randomUUID().toString());
        c.put("jti", UUID.randomUUID().toString());
        c.put("sid", UUID.randomUUID().toString());
        c.put("iat", now.getEpochSecond());
        c.put("nbf", now.getEpochSecond());
        c.put("exp", now.plusSeconds(600).getEpochSecond());
        return c;
    }

    /** Signed with the server's own signing key, so only the claims or header decide. */
    static String signed(Map<String, Object> claims, String keyId) {
        return Jwts.builder().provider(JwtKeySet.PROVIDER).header().keyId(keyId).and().claims(claims)
                .signWith(key.privateKey(), key.algorithm()).compact();
    }

    static void refused(String token, String type) {
        assertProblem(get(token), type);
    }

    static void assertProblem(HttpResponse<String> r, String type) {
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode body;
        try {
            body = Json.mapper().readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(body.get("type").asText()).endsWith(type);
        assertThat(body.get("status").asInt()).isEqualTo(401);
    }

    static HttpResponse<String> get(String token) {
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions")).header("Authorization", "Bearer " + token).build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return OpenApiValidator.require(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static String json(Object o) {
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] pem(PublicKey k) {
        return ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getEncoded())
                + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }

}
