package io.streamgate.processors.tokens;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state-store value for one user: their token families and the verdicts of their most recent
 * requests (request-id idempotency: a request processed twice, e.g. replayed after a crash under
 * at-least-once, gets its first verdict again instead of being judged against the state it
 * already changed).
 */
public record UserTokens(Map<String, Family> families, List<Decided> recent) {
    /** Enough to cover every request in flight for one user several times over. */
    static final int RECENT_LIMIT = 64;

    public static UserTokens empty() {
        return new UserTokens(new LinkedHashMap<>(), new ArrayList<>());
    }

    public UserTokens {
        families = families == null ? new LinkedHashMap<>() : new LinkedHashMap<>(families);
        recent = recent == null ? new ArrayList<>() : new ArrayList<>(recent);
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
     */
    public record Family(
            String familyId,
            String currentHash,
            String currentRequestId,
            String parentHash,
            Instant createdAt,
            Instant rotatedAt,
            String status,
            Instant closedAt) {

        public static final String ACTIVE = "active";
        public static final String REVOKED = "revoked";
        public static final String EXPIRED = "expired";

        boolean active() {
            return ACTIVE.equals(status);
        }

        Family close(String newStatus, Instant at) {
            return new Family(familyId, currentHash, currentRequestId, parentHash, createdAt, rotatedAt, newStatus, at);
        }
    }

    /** A verdict already given to a request. */
    public record Decided(String requestId, String verdict, String familyId, String successorRequestId,
            Instant familyCreatedAt, List<String> revokedFamilyIds, String revocationReason, Instant decidedAt) {}
}
