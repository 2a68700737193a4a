package io.streamgate.platform.auth;

import io.javalin.http.Context;
import io.streamgate.platform.http.ProblemException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Resolves the signed-in user of a request from {@code Authorization: Bearer <access JWT>};
 * every refusal is a 401 problem body whose type says why.
 */
public final class Authenticator {
    private static final String ATTRIBUTE = "streamgate.access_token";

    private final AccessTokens tokens;
    private final AtomicReference<RevocationView> revocations = new AtomicReference<>(RevocationView.NONE);

    public Authenticator(AccessTokens tokens) {
        this.tokens = tokens;
    }

    public AccessTokens tokens() {
        return tokens;
    }

    /** Installs the live view of revocations (the auth feature does, at start). */
    public void useRevocations(RevocationView view) {
        revocations.set(view);
    }

    /** The verified token of this request, or a 401 {@link ProblemException}. */
    public AccessTokens.Verified require(Context ctx) {
        AccessTokens.Verified cached = ctx.attribute(ATTRIBUTE);
        if (cached != null) return cached;
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ProblemException.unauthorized("missing_token", "send an access token as Authorization: Bearer <token>");
        }
        return verify(ctx, header.substring(7).trim());
    }

    /** Verifies a token given some other way (e.g. a stream ticket exchanged for one). */
    public AccessTokens.Verified verify(Context ctx, String token) {
        try {
            AccessTokens.Verified verified = tokens.verify(token);
            if (revocations.get().isRevoked(verified)) {
                throw ProblemException.unauthorized("token_revoked", "this session has been revoked; sign in again");
            }
            ctx.attribute(ATTRIBUTE, verified);
            return verified;
        } catch (InvalidTokenException e) {
            throw ProblemException.unauthorized(e.reason(), e.getMessage());
        }
    }

    public UUID requireUser(Context ctx) {
        return require(ctx).userId();
    }
}
