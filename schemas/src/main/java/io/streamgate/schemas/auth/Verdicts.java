package io.streamgate.schemas.auth;

/** The verdict names on the verdicts and audit topics. */
public final class Verdicts {
    private Verdicts() {}

    /** Login started a family. */
    public static final String ISSUED = "issued";
    /** The family's current token was presented: the successor is now current. */
    public static final String ROTATED = "rotated";
    /** The current token's immediate parent was presented within the leeway: same successor again. */
    public static final String REISSUED = "reissued";
    /** Anything else: every family of the user is revoked. */
    public static final String REUSED = "reused";
    /** The family passed its absolute lifetime or idle timeout. */
    public static final String EXPIRED = "expired";
    /** Logout revoked the family (or, for logout_all, every family). */
    public static final String LOGGED_OUT = "logged_out";
    /** revoke_family for a family the user does not (or no longer) have. */
    public static final String NOT_FOUND = "not_found";

    // Why a presentation was a reuse: the audit record's reuse_reason.

    /** The parent inside the leeway, but from another client (address prefix or User-Agent differs). */
    public static final String REUSE_CLIENT_MISMATCH = "client_mismatch";
    /** An older ancestor, or the parent after the leeway. */
    public static final String REUSE_STALE_TOKEN = "stale_token";
    /** A token of a family that is already closed (revoked, or expired and not its last token). */
    public static final String REUSE_FAMILY_CLOSED = "family_closed";
    /** A family the processor does not know (never issued, or pruned a lifetime after it closed). */
    public static final String REUSE_UNKNOWN_FAMILY = "unknown_family";
}
