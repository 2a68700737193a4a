package io.streamgate.ingest.webhooks;

import java.time.Instant;
import java.util.function.Function;

/**
 * Checks that a webhook request was signed by its provider, over the raw body, recently.
 * One implementation per signing scheme (Stripe's, Standard Webhooks); the endpoint does not
 * care which.
 */
public interface WebhookVerifier {

    /**
     * @param header reads a request header by name (null when absent)
     * @param body the raw request body, exactly as received
     * @param now the receiver's clock
     * @return what the signature covered
     * @throws Rejected with a reason slug and a detail that never names a secret or the
     *     expected signature
     */
    Verified verify(Function<String, String> header, byte[] body, Instant now) throws Rejected;

    /**
     * @param signatureTimestamp the signed timestamp
     * @param messageId the id the scheme signs (Standard Webhooks' {@code webhook-id}), or null
     */
    record Verified(Instant signatureTimestamp, String messageId) {}

    final class Rejected extends Exception {
        private final String reason;
        private final String auditReason;
        private final Instant claimedTimestamp;

        public Rejected(String reason, String detail) {
            this(reason, reason, null, detail);
        }

        /**
         * @param auditReason the finer reason the refusal audit and metric carry (a timestamp
         *     out of tolerance is either too old or in the future: a replay or a skewed signer)
         * @param claimedTimestamp the timestamp the signature header claims, or null
         */
        public Rejected(String reason, String auditReason, Instant claimedTimestamp, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
            this.auditReason = auditReason;
            this.claimedTimestamp = claimedTimestamp;
        }

        /** A short slug, used as the problem type and the metric tag. */
        public String reason() {
            return reason;
        }

        public String auditReason() {
            return auditReason;
        }

        public Instant claimedTimestamp() {
            return claimedTimestamp;
        }
    }
}
