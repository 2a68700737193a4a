package io.streamgate.platform.auth;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.PublicJwk;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The signing keys (ES256): the first signs, every one verifies; the public half is served as JWKS. */
public final class JwtKeySet {
    private final List<PrivateJwk<PrivateKey, PublicKey, ?>> keys;
    private final Map<String, PublicKey> verification = new LinkedHashMap<>();

    @SuppressWarnings({"unchecked", "rawtypes"})
    public JwtKeySet(String jwkSetJson) {
        JwkSet set = Jwks.setParser().build().parse(jwkSetJson);
        List<PrivateJwk<PrivateKey, PublicKey, ?>> parsed = new ArrayList<>();
        for (Jwk<?> jwk : set) {
            if (!(jwk instanceof PrivateJwk<?, ?, ?> priv) || !(priv.toKey() instanceof ECPrivateKey)) {
                throw new IllegalArgumentException("JWT_SIGNING_KEYS must hold EC P-256 private keys only");
            }
            if (jwk.getId() == null) throw new IllegalArgumentException("every key in JWT_SIGNING_KEYS needs a kid");
            parsed.add((PrivateJwk) priv);
        }
        if (parsed.isEmpty()) throw new IllegalArgumentException("JWT_SIGNING_KEYS holds no key");
        this.keys = List.copyOf(parsed);
        for (var k : keys) verification.put(k.getId(), k.toPublicJwk().toKey());
    }

    /** A new JWK Set with one fresh key, as stored in dev secrets. */
    public static String generateJson() {
        KeyPair pair = Jwts.SIG.ES256.keyPair().build();
        return withNewKey(pair, null);
    }

    /** Prepends a new key to an existing set (rotation). */
    public static String withNewKey(KeyPair pair, String existingJson) {
        String kid = "k-" + UUID.randomUUID().toString().substring(0, 8);
        var newKey = Jwks.builder().keyPair(pair).id(kid).build();
        List<Jwk<?>> all = new ArrayList<>();
        all.add(newKey);
        if (existingJson != null) {
            for (Jwk<?> existing : (Iterable<Jwk<?>>) Jwks.setParser().build().parse(existingJson)) all.add(existing);
        }
        StringBuilder json = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < all.size(); i++) {
            if (i > 0) json.append(',');
            json.append(Jwks.UNSAFE_JSON(all.get(i)));
        }
        return json.append("]}").toString();
    }

    public String signingKeyId() {
        return keys.get(0).getId();
    }

    public PrivateKey signingKey() {
        return keys.get(0).toKey();
    }

    public Optional<PublicKey> verificationKey(String kid) {
        return Optional.ofNullable(verification.get(kid));
    }

    /** {@code {"keys":[...]}} with public keys only, for {@code /.well-known/jwks.json}. */
    public String publicJwksJson() {
        StringBuilder json = new StringBuilder("{\"keys\":[");
        int i = 0;
        for (var k : keys) {
            if (i++ > 0) json.append(',');
            PublicJwk<?> pub = Jwks.builder().key((ECPublicKey) k.toPublicJwk().toKey()).id(k.getId())
                    .algorithm("ES256").publicKeyUse("sig").build();
            json.append(Jwks.json(pub));
        }
        return json.append("]}").toString();
    }
}
