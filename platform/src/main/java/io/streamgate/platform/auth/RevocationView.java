package io.streamgate.platform.auth;

/**
 * Revoked token families and users, as this instance currently knows them (fed from the
 * revocations topic by the auth feature). The platform default revokes nothing.
 */
public interface RevocationView {
    RevocationView NONE = familyId -> false;

    /** Whether the family (a login session; the access token's {@code sid}) has been revoked. */
    boolean isFamilyRevoked(String familyId);

    default boolean isRevoked(AccessTokens.Verified token) {
        return token.familyId() != null && isFamilyRevoked(token.familyId());
    }
}
