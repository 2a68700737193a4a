package io.streamgate.platform.auth;

import io.javalin.http.Context;
import io.streamgate.platform.http.ProblemException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the signed-in user of a request from {@code Authorization: Bearer <access JWT>};
 * every refusal is a 401 problem body whose type says why.
 */
public final class Authenticator {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private static final String ATTRIBUTE = "streamgate.access_token";

    private final AccessTokens tokens;
    private final AtomicReference<RevocationView> revocations = new AtomicReference<>(RevocationView.NONE);
    private final List<Consumer<List<String>>> revocationListeners = new CopyOnWriteArrayList<>();

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

    /**
     * Whether a session (refresh family) is revoked as far as this instance knows; for credentials
     * that name a session without being an access token, such as stream tickets.
     */
    public boolean isFamilyRevoked(String familyId) {
        return familyId != null && revocations.get().isFamilyRevoked(familyId);
    }

    /**
     * Calls {@code listener} with the family ids of each revocation this instance learns of, on
     * the revocation feed's thread (so it must be quick), for whatever holds a session open beyond
     * one request, such as an event stream. Returns what removes the listener.
     */
    public Runnable onRevocation(Consumer<List<String>> listener) {
        revocationListeners.add(listener);
        return () -> revocationListeners.remove(listener);
    }

    /** Tells the listeners of {@link #onRevocation} (the revocation feed calls this). */
    public void revoked(List<String> familyIds) {
        for (Consumer<List<String>> listener : revocationListeners) {
            try {
                listener.accept(familyIds);
            } catch (RuntimeException e) {
                // One listener's failure must not stop the feed, or revocations stop reaching requests.
                log.warn("a revocation listener failed", e);
            }
        }
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
