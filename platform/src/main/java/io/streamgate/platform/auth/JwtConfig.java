package io.streamgate.platform.auth;

import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.Secrets;
import java.time.Duration;

/**
 * Access-token settings.
 *
 * @param signingKeys a JWK Set (JSON) of Ed25519 or EC P-256 private keys: the first signs, every
 *     one verifies, so a key after the first is verify-only. With several instances, rotate in
 *     two rolls (add the new key last everywhere, then move it first) and drop the old one a
 *     token lifetime later: prepending in one roll lets an updated instance sign with a key the
 *     others do not know yet (docs/operations.md, Secret rotation).
 */
public record JwtConfig(String issuer, String audience, Duration accessTokenTtl, Duration clockSkew, String signingKeys) {

    public static JwtConfig from(Env env, Secrets secrets) {
        Duration skew = env.duration("JWT_CLOCK_SKEW", Duration.ofSeconds(30), true);
        if (skew.compareTo(Duration.ofSeconds(30)) > 0) {
            env.problem("JWT_CLOCK_SKEW must be at most 30s, got " + skew.toSeconds() + "s");
        }
        String signingKeys = secrets.get("JWT_SIGNING_KEYS", JwtKeySet::generateJson);
        if (signingKeys != null && !signingKeys.isBlank()) checkSigningKeys(env, signingKeys);
        return new JwtConfig(
                env.string("JWT_ISSUER", "streamgate"),
                env.string("JWT_AUDIENCE", "streamgate-api"),
                env.duration("JWT_ACCESS_TTL", Duration.ofMinutes(15), false),
                skew,
                signingKeys);
    }

    /**
     * Parses the keys now, so a malformed set is one configuration problem among the others
     * (exit 78) rather than a stack trace once the server is half built. The parser's own text
     * is never repeated: it may quote the value, which is key material.
     */
    private static void checkSigningKeys(Env env, String json) {
        try {
            new JwtKeySet(json);
        } catch (IllegalArgumentException e) {
            // JwtKeySet's own refusals name only the rule and the kid.
            env.problem(e.getClass() == IllegalArgumentException.class ? e.getMessage()
                    : "JWT_SIGNING_KEYS must be a JSON Web Key Set of Ed25519 or EC P-256 private keys, each with a kid");
        } catch (RuntimeException e) {
            env.problem("JWT_SIGNING_KEYS must be a JSON Web Key Set of Ed25519 or EC P-256 private keys, each with a kid");
        }
    }
}
