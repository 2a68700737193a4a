package io.streamgate.ingest.webhooks;

import io.streamgate.schemas.webhooks.WebhookRefusal;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 from the JDK and the checks both schemes share. */
final class Signatures {
    private static final long MIN_EPOCH_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long MAX_EPOCH_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

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
     * Both directions: a signature from the future is as suspicious as an old one (a skewed or
     * compromised signer could otherwise mint requests that stay replayable for long).
     *
     * @return the signed timestamp as an instant
     */
    static Instant requireWithinTolerance(long epochSecond, Instant now, Duration tolerance) throws WebhookVerifier.Rejected {
        Instant signed = claimed(epochSecond);
        boolean ahead = epochSecond > now.getEpochSecond();
        if (signed == null || Duration.between(signed, now).abs().compareTo(tolerance) > 0) {
            throw new WebhookVerifier.Rejected("timestamp_out_of_tolerance",
                    ahead ? WebhookRefusal.TIMESTAMP_IN_FUTURE : WebhookRefusal.TIMESTAMP_TOO_OLD, signed,
                    "the signature timestamp is " + (ahead ? "ahead of" : "behind") + " this server's clock by more than "
                            + tolerance.toSeconds() + " s; sign each delivery when sending it");
        }
        return signed;
    }

    /** A claimed Unix timestamp as an instant, or null outside the years 0000-9999 (no ISO-8601 form there). */
    static Instant claimed(long epochSecond) {
        return epochSecond < MIN_EPOCH_SECOND || epochSecond > MAX_EPOCH_SECOND ? null : Instant.ofEpochSecond(epochSecond);
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
