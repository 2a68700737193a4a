package io.streamgate.platform.auth;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.IncorrectClaimException;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.MissingClaimException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.ProtectedHeader;
import io.jsonwebtoken.security.SignatureException;
import java.security.Key;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Issues and verifies access JWTs (jjwt; EdDSA with Ed25519 keys, ES256 for older P-256 keys:
 * {@link JwtKeySet}). Verification allow-lists those two algorithms and takes the key by
 * {@code kid} only, accepting a token only when its header names that key's own algorithm; it
 * refuses {@code alg: none}, HMAC, unknown {@code kid}, wrong {@code iss}/{@code aud}, expired or
 * not-yet-valid tokens (skew at most 30 s), tampered and oversized tokens.
 */
public final class AccessTokens {
    public static final int MAX_TOKEN_BYTES = 8 * 1024;
    public static final String FAMILY_CLAIM = "sid";

    private final JwtConfig config;
    private final JwtKeySet keys;
    private final Clock clock;
    private final JwtParser parser;

    /** What a valid access token says. {@code familyId} is the refresh-token family (session). */
    public record Verified(UUID userId, String familyId, String tokenId, Instant issuedAt, Instant expiresAt) {}

    /** A freshly issued token. */
    public record Issued(String token, String tokenId, Instant expiresAt) {}

    public AccessTokens(JwtConfig config, Clock clock) {
        this.config = config;
        this.keys = new JwtKeySet(config.signingKeys());
        this.clock = clock;
        this.parser = Jwts.parser()
                .keyLocator(new LocatorAdapter<Key>() {
                    @Override
                    protected Key locate(ProtectedHeader header) {
                        String kid = header.getKeyId();
                        JwtKeySet.Key key = keys.verificationKey(kid == null ? "" : kid)
                                .orElseThrow(() -> new UnknownKeyException("unknown key id"));
                        if (!key.algorithm().getId().equals(header.getAlgorithm())) {
                            throw new UnknownKeyException("algorithm " + header.getAlgorithm() + " is not accepted for this key");
                        }
                        return key.publicKey();
                    }
                })
                .sig().add(Jwts.SIG.EdDSA).add(Jwts.SIG.ES256).and()
                .provider(JwtKeySet.PROVIDER)
                .requireIssuer(config.issuer())
                .requireAudience(config.audience())
                .clockSkewSeconds(config.clockSkew().toSeconds())
                .clock(() -> Date.from(clock.instant()))
                .build();
    }

    public JwtKeySet keys() {
        return keys;
    }

    public JwtConfig config() {
        return config;
    }

    public Issued issue(UUID userId, String familyId) {
        Instant now = clock.instant();
        Instant expires = now.plus(config.accessTokenTtl());
        String jti = UUID.randomUUID().toString();
        JwtKeySet.Key key = keys.signing();
        String token = Jwts.builder()
                .provider(JwtKeySet.PROVIDER)
                .header().keyId(key.id()).and()
                .issuer(config.issuer())
                .audience().add(config.audience()).and()
                .subject(userId.toString())
                .id(jti)
                .claim(FAMILY_CLAIM, familyId)
                .issuedAt(Date.from(now))
                .notBefore(Date.from(now))
                .expiration(Date.from(expires))
                .signWith(key.privateKey(), key.algorithm())
                .compact();
        return new Issued(token, jti, expires);
    }

    public Verified verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) throw new InvalidTokenException("missing_token", "no access token given");
        if (token.length() > MAX_TOKEN_BYTES) throw new InvalidTokenException("invalid_token", "the token is larger than 8 KiB");
        try {
            Jws<Claims> jws = parser.parseSignedClaims(token);
            Claims claims = jws.getPayload();
            if (claims.getExpiration() == null) throw new InvalidTokenException("invalid_token", "the token has no expiry");
            UUID userId;
            try {
                userId = UUID.fromString(claims.getSubject());
            } catch (RuntimeException e) {
                throw new InvalidTokenException("invalid_token", "the token's subject is not a user id");
            }
            return new Verified(userId, claims.get(FAMILY_CLAIM, String.class), claims.getId(),
                    claims.getIssuedAt() == null ? null : claims.getIssuedAt().toInstant(),
                    claims.getExpiration().toInstant());
        } catch (ExpiredJwtException e) {
            throw new InvalidTokenException("token_expired", "the token has expired");
        } catch (PrematureJwtException e) {
            throw new InvalidTokenException("invalid_token", "the token is not valid yet");
        } catch (IncorrectClaimException | MissingClaimException e) {
            throw new InvalidTokenException("invalid_token", "the token was issued for another issuer or audience");
        } catch (UnknownKeyException e) {
            throw new InvalidTokenException("invalid_token", e.getMessage());
        } catch (SignatureException e) {
            throw new InvalidTokenException("invalid_token", "the token's signature does not verify");
        } catch (JwtException | IllegalArgumentException e) {
            throw new InvalidTokenException("invalid_token", "the token is malformed or uses an algorithm that is not accepted");
        }
    }

    private static final class UnknownKeyException extends JwtException {
        UnknownKeyException(String message) {
            super(message);
        }
    }
}
