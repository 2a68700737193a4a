package io.streamgate.processors.tokens;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state-store value for one user: their token families. Kept small on purpose: it is read,
 * re-serialised and written to the changelog on every event of the user. The verdicts already
 * given (request-id idempotency) live in their own store, keyed by request id
 * ({@link RefreshTokenTopology#REQUESTS_STORE}).
 */
public record UserTokens(Map<String, Family> families) {
    public static UserTokens empty() {
        return new UserTokens(new LinkedHashMap<>());
    }

    public UserTokens {
        families = families == null ? new LinkedHashMap<>() : new LinkedHashMap<>(families);
    }

    /**
     * One refresh-token family (a login session). Only hashes are kept.
     *
     * @param currentHash the hash of the one token that rotates now
     * @param currentRequestId the request that made {@code currentHash}: with the parent's hash it
     *     derives the current token, which lets the edge hand the same token to a caller within
     *     the leeway without the token being stored
     * @param parentHash the hash of the token the current one replaced (null right after login)
     * @param rotatedAt when the current token was made
     * @param status {@code active}, {@code revoked} (reuse, logout, session revoked) or {@code expired}
     * @param currentBinding the client binding (a keyed hash of address prefix and User-Agent,
     *     never the values) of the request that made {@code currentHash}: a parent presented
     *     again inside the leeway gets the same successor only from that client; null for
     *     families last rotated before bindings existed
     */
    public record Family(
            String familyId,
            String currentHash,
            String currentRequestId,
            String parentHash,
            Instant createdAt,
            Instant rotatedAt,
            String status,
            Instant closedAt,
            String currentBinding) {

        public static final String ACTIVE = "active";
        public static final String REVOKED = "revoked";
        public static final String EXPIRED = "expired";

        boolean active() {
            return ACTIVE.equals(status);
        }

        Family close(String newStatus, Instant at) {
            return new Family(familyId, currentHash, currentRequestId, parentHash, createdAt, rotatedAt, newStatus, at, currentBinding);
        }
    }

    /**
     * The verdict given to one request. Remembered by request id so that a request processed
     * twice (replayed after a crash under at-least-once) gets its first verdict again instead of
     * being judged against the state it already changed.
     *
     * @param clientMatch whether a parent presented inside the leeway came from the client its
     *     successor was made for; null when the leeway rule was not what decided
     * @param reuseReason for {@code reused}, why (the audit record's {@code reuse_reason})
     */
    public record Decided(String requestId, String verdict, String familyId, String successorRequestId,
            Instant familyCreatedAt, List<String> revokedFamilyIds, String revocationReason, Instant decidedAt,
            Boolean clientMatch, String reuseReason) {}
}
