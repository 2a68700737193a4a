package io.streamgate.ingest.webhooks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Stripe's scheme: {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, each
 * {@code v1} an HMAC-SHA256 of {@code "<t>.<raw body>"} keyed by the endpoint secret's UTF-8
 * bytes ({@code whsec_...} as a whole). Any configured secret may match any {@code v1}, so a
 * secret can be rotated without downtime; {@code v0} (test-mode legacy) is ignored.
 */
public final class StripeSignatureVerifier implements WebhookVerifier {
    public static final String HEADER = "Stripe-Signature";
    private static final int MAX_HEADER_CHARS = 4096;

    private final List<Signatures.HmacSha256> secrets;
    private final Duration tolerance;

    public StripeSignatureVerifier(List<String> secrets, Duration tolerance) {
        this.secrets = secrets.stream().map(s -> new Signatures.HmacSha256(s.getBytes(StandardCharsets.UTF_8))).toList();
        this.tolerance = tolerance;
    }

    @Override
    public Verified verify(Function<String, String> header, byte[] body, Instant now) throws Rejected {
        String value = header.apply(HEADER);
        if (value == null || value.isBlank()) throw new Rejected("missing_signature", "the Stripe-Signature header is missing");
        if (value.length() > MAX_HEADER_CHARS) throw new Rejected("malformed_signature", "the Stripe-Signature header is too long");
        Long timestamp = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String element : value.split(",")) {
            int eq = element.indexOf('=');
            if (eq <= 0) continue;
            String key = element.substring(0, eq).trim();
            String v = element.substring(eq + 1).trim();
            if (key.equals("t")) {
                try {
                    timestamp = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new Rejected("malformed_signature", "the Stripe-Signature timestamp t is not a number");
                }
            } else if (key.equals("v1")) {
                byte[] sig = Signatures.hexOrNull(v);
                if (sig != null) candidates.add(sig);
            }
        }
        if (timestamp == null) throw new Rejected("malformed_signature", "the Stripe-Signature header has no timestamp t");
        if (candidates.isEmpty()) throw new Rejected("malformed_signature", "the Stripe-Signature header has no v1 signature");
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        // Every secret against every candidate, no early exit: the work done does not depend
        // on which secret matched.
        for (Signatures.HmacSha256 secret : secrets) {
            byte[] expected = secret.of(prefix, body);
            for (byte[] candidate : candidates) match |= Signatures.equal(expected, candidate);
        }
        if (!match) {
            throw new Rejected("invalid_signature", "invalid_signature", Signatures.claimed(timestamp),
                    "no v1 signature matches the payload for any configured secret");
        }
        return new Verified(Signatures.requireWithinTolerance(timestamp, now, tolerance), null);
    }
}
