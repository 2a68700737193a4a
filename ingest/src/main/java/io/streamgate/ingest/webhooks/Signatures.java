package io.streamgate.ingest.webhooks;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 from the JDK and the checks both schemes share. */
final class Signatures {
    private Signatures() {}

    /**
     * One secret's HMAC-SHA256, keyed once. Each use clones the keyed {@link Mac} (thread-safe,
     * no shared state) instead of looking the algorithm up in the providers and deriving the
     * key's inner and outer pads again on every request.
     */
    static final class HmacSha256 {
        private final Mac keyed;

        HmacSha256(byte[] key) {
            try {
                keyed = Mac.getInstance("HmacSHA256");
                keyed.init(new SecretKeySpec(key, "HmacSHA256"));
                keyed.clone(); // fails here, at start, if this provider's Mac cannot be cloned
            } catch (NoSuchAlgorithmException | InvalidKeyException | CloneNotSupportedException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }

        byte[] of(byte[]... parts) {
            Mac mac;
            try {
                mac = (Mac) keyed.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("checked at construction", e);
            }
            for (byte[] part : parts) mac.update(part);
            return mac.doFinal();
        }
    }

    /** Constant time in the length of the expected value, so timing reveals nothing about it. */
    static boolean equal(byte[] expected, byte[] given) {
        return given != null && MessageDigest.isEqual(expected, given);
    }

    /**
     * The signing time, checked against the tolerance. A timestamp too far out for an Instant
     * (a signed but absurd {@code t}) is refused like any other far one, not failed on.
     */
    static Instant signedAt(long seconds, Instant now, Duration tolerance) throws WebhookVerifier.Rejected {
        Instant signed;
        try {
            signed = Instant.ofEpochSecond(seconds);
        } catch (java.time.DateTimeException e) {
            signed = seconds < 0 ? Instant.MIN : Instant.MAX;
        }
        requireWithinTolerance(signed, now, tolerance);
        return signed;
    }

    /**
     * Both directions: a signature from the future is as suspicious as an old one (a skewed or
     * compromised signer could otherwise mint requests that stay replayable for long).
     */
    private static void requireWithinTolerance(Instant signed, Instant now, Duration tolerance) throws WebhookVerifier.Rejected {
        Duration skew = Duration.between(signed, now);
        if (skew.abs().compareTo(tolerance) > 0) {
            throw new WebhookVerifier.Rejected("timestamp_out_of_tolerance",
                    "the signature timestamp is " + (skew.isNegative() ? "ahead of" : "behind") + " this server's clock by more than "
                            + tolerance.toSeconds() + " s; sign each delivery when sending it");
        }
    }

    static byte[] hexOrNull(String hex) {
        if (hex.length() % 2 != 0 || hex.length() > 256) return null;
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) return null;
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
