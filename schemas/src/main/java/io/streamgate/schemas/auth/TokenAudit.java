package io.streamgate.schemas.auth;

import java.time.Instant;
import java.util.List;

/**
 * The security audit record of one token event: who presented what, from where, and what was
 * decided. One record per {@link TokenUsage}; {@code eventId} is its request id, so the Postgres
 * sink is idempotent. Key: user id.
 *
 * @param tokenId base64url SHA-256 of the presented token (never the token)
 * @param revokedFamilyIds the families this event revoked (reuse revokes all of them)
 * @param clientMatch set when the current token's parent was presented inside the reuse leeway:
 *     whether the request came from the client the successor was made for (same address prefix
 *     and User-Agent). True: the same successor was handed out again ({@code reissued}); false:
 *     judged a reuse ({@code reused}, reason {@code client_mismatch}). Absent otherwise, and when
 *     either side predates client bindings
 * @param reuseReason for {@code reused}: why ({@link Verdicts#REUSE_CLIENT_MISMATCH} and the others
 *     in {@link Verdicts})
 */
public record TokenAudit(
        String eventId,
        String userId,
        String familyId,
        String tokenId,
        String type,
        String verdict,
        List<String> revokedFamilyIds,
        String ip,
        String userAgent,
        Instant occurredAt,
        Instant decidedAt,
        Boolean clientMatch,
        String reuseReason) {}
