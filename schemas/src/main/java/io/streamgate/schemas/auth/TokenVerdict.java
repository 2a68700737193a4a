package io.streamgate.schemas.auth;

import java.time.Instant;

/**
 * The processor's answer to one {@link TokenUsage}, written to the partition the asking instance
 * named. Key: user id.
 *
 * @param verdict see {@link Verdicts}
 * @param successorRequestId for {@code rotated} and {@code reissued}: the request whose id
 *     (with the presented token's hash) derives the successor token, so the edge can rebuild the
 *     same successor without it ever being stored or sent
 * @param replyPartition the verdicts partition this record is written to (the asker's)
 */
public record TokenVerdict(
        String requestId,
        String userId,
        String familyId,
        String verdict,
        String successorRequestId,
        Instant familyCreatedAt,
        Integer replyPartition,
        Instant decidedAt) {}
