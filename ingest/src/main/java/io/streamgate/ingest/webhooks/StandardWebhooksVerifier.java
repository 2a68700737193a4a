package io.streamgate.ingest.webhooks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Standard Webhooks scheme (standardwebhooks.com): headers {@code webhook-id},
 * {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature} (space separated
 * {@code v1,<base64>}), each an HMAC-SHA256 of {@code "<id>.<timestamp>.<raw body>"} keyed by
 * the base64 part of a {@code whsec_...} secret. Several secrets may be configured (rotation).
 */
public final class StandardWebhooksVerifier implements WebhookVerifier {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    private final List<Signatures.HmacSha256> keys;
    private final Duration tolerance;

    public StandardWebhooksVerifier(List<String> secrets, Duration tolerance) {
        this.keys = secrets.stream().map(s -> new Signatures.HmacSha256(key(s))).toList();
        this.tolerance = tolerance;
    }

    /** The key bytes of a {@code whsec_<base64>} secret; throws IllegalArgumentException if malformed. */
    public static byte[] key(String secret) {
        String b64 = secret.startsWith("whsec_") ? secret.substring(6) : secret;
        return Base64.getDecoder().decode(b64);
    }

    @Override
    public Verified verify(Function<String, String> header, byte[] body, Instant now) throws Rejected {
        String id = header.apply("webhook-id");
        String ts = header.apply("webhook-timestamp");
        String signatures = header.apply("webhook-signature");
        if (id == null || ts == null || signatures == null) {
            throw new Rejected("missing_signature", "webhook-id, webhook-timestamp and webhook-signature headers are required");
        }
        if (!ID.matcher(id).matches()) throw new Rejected("malformed_signature", "webhook-id is not a valid id");
        long timestamp;
        try {
            timestamp = Long.parseLong(ts.trim());
        } catch (NumberFormatException e) {
            throw new Rejected("malformed_signature", "webhook-timestamp is not a number");
        }
        List<byte[]> candidates = new ArrayList<>();
        for (String part : signatures.trim().split(" ")) {
            int comma = part.indexOf(',');
            if (comma <= 0 || !part.substring(0, comma).equals("v1")) continue;
            try {
                candidates.add(Base64.getDecoder().decode(part.substring(comma + 1)));
            } catch (IllegalArgumentException ignored) {
                // not base64: cannot match
            }
        }
        if (candidates.isEmpty()) throw new Rejected("malformed_signature", "webhook-signature has no v1 signature");
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (Signatures.HmacSha256 key : keys) {
            byte[] expected = key.of(prefix, body);
            for (byte[] candidate : candidates) match |= Signatures.equal(expected, candidate);
        }
        if (!match) {
            throw new Rejected("invalid_signature", "invalid_signature", Signatures.claimed(timestamp),
                    "no v1 signature matches the payload for any configured secret");
        }
        return new Verified(Signatures.requireWithinTolerance(timestamp, now, tolerance), id);
    }
}
