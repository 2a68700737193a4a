package io.streamgate.schemas.auth;

import java.time.Instant;

/**
 * One presentation of a refresh token (or the start of a family at login), keyed by user id so
 * that one partition owner sees every event of a user in order and decides without locks.
 * Only hashes of refresh tokens travel here; the token itself never leaves the edge.
 *
 * @param requestId correlation id: the verdict carries it back, and reprocessing the same
 *     request gives the same verdict
 * @param type {@code issue} (login starts a family), {@code refresh}, {@code logout} (revoke
 *     this family), {@code logout_all} (revoke every family of the user), {@code revoke_family}
 *     (an authenticated user revoking one of their sessions by id; no token presented)
 * @param tokenHash base64url SHA-256 of the presented refresh token (for {@code issue}: of the
 *     family's first token)
 * @param successorHash for {@code refresh}: hash of the successor the edge derived from this
 *     request (HMAC of request id and presented hash), installed if the verdict is a rotation
 * @param replyPartition the partition of the verdicts topic the asking instance reads; null when
 *     nobody waits
 * @param clientBinding keyed hash (base64url HMAC-SHA256) of the client's address prefix and
 *     User-Agent, made by the edge: the processor compares it when a token's parent is presented
 *     again inside the reuse leeway, without ever holding the raw values in its state; null when
 *     no token was presented ({@code revoke_family}) and in events of releases before it existed
 */
public record TokenUsage(
        String requestId,
        String type,
        String userId,
        String familyId,
        String tokenHash,
        String successorHash,
        Integer replyPartition,
        String ip,
        String userAgent,
        Instant occurredAt,
        String clientBinding) {

    public static final String ISSUE = "issue";
    public static final String REFRESH = "refresh";
    public static final String LOGOUT = "logout";
    public static final String LOGOUT_ALL = "logout_all";
    public static final String REVOKE_FAMILY = "revoke_family";
}
