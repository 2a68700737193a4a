package io.streamgate.platform.auth;

/**
 * Revoked token families and users, as this instance currently knows them (fed from the
 * revocations topic by the auth feature). The platform default revokes nothing.
 */
public interface RevocationView {
    RevocationView NONE = token -> false;

    boolean isRevoked(AccessTokens.Verified token);
}
