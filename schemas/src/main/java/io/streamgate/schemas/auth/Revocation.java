package io.streamgate.schemas.auth;

import java.time.Instant;
import java.util.List;

/**
 * Families whose access tokens must be refused from now on. Every API instance folds these into
 * its revocation view. Key: user id.
 *
 * @param reason {@code reuse}, {@code logout}, {@code logout_all}, {@code session_revoked},
 *     {@code expired}
 * @param requestId the token-usage request that caused it
 */
public record Revocation(String userId, List<String> familyIds, String reason, String requestId, Instant revokedAt) {}
