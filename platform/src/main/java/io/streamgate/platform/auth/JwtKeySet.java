package io.streamgate.platform.auth;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.PublicJwk;
import io.jsonwebtoken.security.SignatureAlgorithm;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The signing keys: the first signs, every one verifies; the public halves are served as JWKS.
 *
 * <p>Position is the role: a key after the first is verify-only (and published), which is what a
 * rotation across instances needs: add the new key last on every instance, then move it first.
 *
 * <p>New keys are Ed25519 ({@code EdDSA}); EC P-256 keys ({@code ES256}) are still accepted, so a
 * deployment that started with them rotates to an Ed25519 key the same way, with no downtime. Each
 * key verifies only tokens whose header names its own algorithm.
 *
 * <p>Signing and verifying go through BouncyCastle's provider (not registered globally, passed to
 * jjwt per call): its EdDSA signs and verifies about ten times faster than the JDK's own ES256
 * (the figures: BENCHMARKS.md, ## Auth, "EdDSA access tokens"). Every refresh signs once and
 * every API request verifies once.
 */
public final class JwtKeySet {
    /** The JCA provider every signature goes through. */
    public static final Provider PROVIDER = new BouncyCastleProvider();

    /** One key: its id, the JWS algorithm it serves, and its halves (as provider keys). */
    public record Key(String id, SignatureAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey, PublicJwk<?> publicJwk) {}

    private final List<Key> keys;
    private final Map<String, Key> byId = new LinkedHashMap<>();

    public JwtKeySet(String jwkSetJson) {
        JwkSet set = Jwks.setParser().build().parse(jwkSetJson);
        List<Key> parsed = new ArrayList<>();
        for (Jwk<?> jwk : set) {
            if (!(jwk instanceof PrivateJwk<?, ?, ?> priv)) {
                throw new IllegalArgumentException("JWT_SIGNING_KEYS must hold private keys (Ed25519 or EC P-256)");
            }
            if (jwk.getId() == null) throw new IllegalArgumentException("every key in JWT_SIGNING_KEYS needs a kid");
            parsed.add(key(priv));
        }
        if (parsed.isEmpty()) throw new IllegalArgumentException("JWT_SIGNING_KEYS holds no key");
        this.keys = List.copyOf(parsed);
        for (Key k : keys) {
            if (byId.put(k.id(), k) != null) throw new IllegalArgumentException("JWT_SIGNING_KEYS has two keys with kid " + k.id());
        }
    }

    private static Key key(PrivateJwk<?, ?, ?> jwk) {
        PrivateKey priv = (PrivateKey) jwk.toKey();
        PublicJwk<?> pub = jwk.toPublicJwk();
        SignatureAlgorithm algorithm;
        String keyAlgorithm;
        if (priv instanceof EdECPrivateKey ed && "Ed25519".equals(ed.getParams().getName())) {
            algorithm = Jwts.SIG.EdDSA;
            keyAlgorithm = "Ed25519";
        } else if (priv instanceof ECPrivateKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256) {
            algorithm = Jwts.SIG.ES256;
            keyAlgorithm = "EC";
        } else {
            throw new IllegalArgumentException("JWT_SIGNING_KEYS may hold Ed25519 or EC P-256 keys only (key " + jwk.getId() + ")");
        }
        try {
            KeyFactory factory = KeyFactory.getInstance(keyAlgorithm, PROVIDER);
            return new Key(jwk.getId(), algorithm,
                    factory.generatePrivate(new PKCS8EncodedKeySpec(priv.getEncoded())),
                    factory.generatePublic(new X509EncodedKeySpec(((PublicKey) pub.toKey()).getEncoded())),
                    Jwks.builder().key((PublicKey) pub.toKey()).id(jwk.getId()).algorithm(algorithm.getId()).publicKeyUse("sig").build());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("JWT_SIGNING_KEYS key " + jwk.getId() + " cannot be loaded: " + e.getMessage());
        }
    }

    /** A new JWK Set with one fresh Ed25519 key, as stored in dev secrets. */
    public static String generateJson() {
        return withNewKey(Jwks.CRV.Ed25519.keyPair().build(), null);
    }

    /** Prepends a new key to an existing set (a single instance's rotation; several instances add it last first). */
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

    /** The key new tokens are signed with. */
    public Key signing() {
        return keys.get(0);
    }

    public String signingKeyId() {
        return signing().id();
    }

    public Optional<Key> verificationKey(String kid) {
        return Optional.ofNullable(byId.get(kid));
    }

    /** {@code {"keys":[...]}} with public keys only, for {@code /.well-known/jwks.json}. */
    public String publicJwksJson() {
        StringBuilder json = new StringBuilder("{\"keys\":[");
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) json.append(',');
            json.append(Jwks.json(keys.get(i).publicJwk()));
        }
        return json.append("]}").toString();
    }
}
