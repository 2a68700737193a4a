package io.streamgate.processors.tokens;

import io.streamgate.processors.tokens.UserTokens.Decided;
import io.streamgate.processors.tokens.UserTokens.Family;
import io.streamgate.schemas.auth.Revocation;
import io.streamgate.schemas.auth.TokenAudit;
import io.streamgate.schemas.auth.TokenUsage;
import io.streamgate.schemas.auth.TokenVerdict;
import io.streamgate.schemas.auth.Verdicts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rules of refresh-token families as a pure function of (user state, event): the topology
 * calls it for each event of a user in partition order, so there are no locks and no races.
 *
 * <p>Every time comparison uses the event's {@code occurred_at}, not the wall clock, so the same
 * event judged twice against the same state gets the same verdict.
 *
 * <p>The leeway excuses the current token's parent only when it comes back from the client its
 * successor was made for: the edge sends a keyed hash of the client's address prefix and
 * User-Agent with each event ({@code client_binding}), the family keeps the one of the request
 * that rotated it, and two that differ make the presentation a reuse ({@link Leeway}).
 */
final class TokenDecider {
    private TokenDecider() {}

    /**
     * What one event changes and emits. {@code decided} is what to remember for the request;
     * {@code revocation} is null when nothing was revoked.
     */
    record Outcome(UserTokens state, Decided decided, TokenVerdict verdict, Revocation revocation, TokenAudit audit) {}

    /** The outcome again for a request decided before: nothing changes, the same answer goes out. */
    static Outcome again(UserTokens state, TokenUsage event, Decided earlier, Instant now) {
        return emit(state, event, earlier, now);
    }

    static Outcome decide(UserTokens state, TokenUsage event, TokenRules rules, Instant now) {
        Instant at = event.occurredAt();
        Family family = state.families().get(event.familyId());
        Decided decided = switch (event.type()) {
            case TokenUsage.ISSUE -> issue(state, event, family);
            case TokenUsage.REFRESH -> refresh(state, event, family, rules, at);
            case TokenUsage.LOGOUT, TokenUsage.LOGOUT_ALL -> logout(state, event, family, rules, at);
            case TokenUsage.REVOKE_FAMILY -> revokeFamily(state, event, family, at);
            default -> throw new IllegalArgumentException("unknown token event type " + event.type());
        };
        return emit(state, event, decided, now);
    }

    private static Decided issue(UserTokens state, TokenUsage e, Family existing) {
        if (existing == null) {
            state.families().put(e.familyId(), new Family(e.familyId(), e.tokenHash(), e.requestId(), null,
                    e.occurredAt(), e.occurredAt(), Family.ACTIVE, null, e.clientBinding()));
        }
        Family f = state.families().get(e.familyId());
        return decided(e, Verdicts.ISSUED, f.currentRequestId(), f.createdAt(), List.of(), null);
    }

    private static Decided refresh(UserTokens state, TokenUsage e, Family f, TokenRules rules, Instant at) {
        if (f != null && Family.EXPIRED.equals(f.status()) && e.tokenHash().equals(f.currentHash())) {
            // The family ran out of time earlier; its last token is not a stolen one.
            return decided(e, Verdicts.EXPIRED, null, f.createdAt(), List.of(), null);
        }
        if (f == null) return reuse(state, e, at, Verdicts.REUSE_UNKNOWN_FAMILY, null);
        if (!f.active()) return reuse(state, e, at, Verdicts.REUSE_FAMILY_CLOSED, null);
        boolean current = e.tokenHash().equals(f.currentHash());
        Leeway leeway = current ? null : leeway(f, e, rules, at);
        if (expired(f, rules, at)) {
            if (!current && !leeway.excused()) return reuse(state, e, at, leeway);
            state.families().put(f.familyId(), f.close(Family.EXPIRED, at));
            return decided(e, Verdicts.EXPIRED, null, f.createdAt(), List.of(f.familyId()), "expired",
                    current ? null : leeway.clientMatch(), null);
        }
        if (current) {
            state.families().put(f.familyId(), new Family(f.familyId(), e.successorHash(), e.requestId(), f.currentHash(),
                    f.createdAt(), at, Family.ACTIVE, null, e.clientBinding()));
            return decided(e, Verdicts.ROTATED, e.requestId(), f.createdAt(), List.of(), null);
        }
        if (leeway.excused()) {
            return decided(e, Verdicts.REISSUED, f.currentRequestId(), f.createdAt(), List.of(), null, leeway.clientMatch(), null);
        }
        return reuse(state, e, at, leeway);
    }

    private static Decided logout(UserTokens state, TokenUsage e, Family f, TokenRules rules, Instant at) {
        boolean all = TokenUsage.LOGOUT_ALL.equals(e.type());
        if (f != null && !f.active() && e.tokenHash().equals(f.currentHash()) && !all) {
            // A second logout with the same token (double click, retry), or logging out of a
            // family that already expired, changes nothing.
            return decided(e, Verdicts.LOGGED_OUT, null, f.createdAt(), List.of(), null);
        }
        if (f == null) return reuse(state, e, at, Verdicts.REUSE_UNKNOWN_FAMILY, null);
        if (!f.active()) return reuse(state, e, at, Verdicts.REUSE_FAMILY_CLOSED, null);
        boolean current = e.tokenHash().equals(f.currentHash());
        Leeway leeway = current ? null : leeway(f, e, rules, at);
        if (!current && !leeway.excused()) return reuse(state, e, at, leeway);
        List<String> revoked = all ? revokeAll(state, at) : revokeOne(state, f, at);
        return decided(e, Verdicts.LOGGED_OUT, null, f.createdAt(), revoked, all ? "logout_all" : "logout",
                current ? null : leeway.clientMatch(), null);
    }

    private static Decided revokeFamily(UserTokens state, TokenUsage e, Family f, Instant at) {
        if (f == null || !f.active()) return decided(e, Verdicts.NOT_FOUND, null, null, List.of(), null);
        return decided(e, Verdicts.LOGGED_OUT, null, f.createdAt(), revokeOne(state, f, at), "session_revoked");
    }

    /** A presentation that is neither the current token nor an excused parent. */
    private static Decided reuse(UserTokens state, TokenUsage e, Instant at, Leeway leeway) {
        return reuse(state, e, at, leeway == Leeway.OTHER_CLIENT ? Verdicts.REUSE_CLIENT_MISMATCH : Verdicts.REUSE_STALE_TOKEN,
                leeway.clientMatch());
    }

    /**
     * A token that is not the current one nor the parent within the leeway from the same client
     * was presented: someone holds a token they should not (RFC 9700 4.14.2). Revoke every
     * family of the user.
     */
    private static Decided reuse(UserTokens state, TokenUsage e, Instant at, String reason, Boolean clientMatch) {
        List<String> revoked = revokeAll(state, at);
        if (!revoked.contains(e.familyId())) revoked.add(e.familyId());
        Family f = state.families().get(e.familyId());
        return decided(e, Verdicts.REUSED, null, f == null ? null : f.createdAt(), revoked, "reuse", clientMatch, reason);
    }

    private static List<String> revokeAll(UserTokens state, Instant at) {
        List<String> revoked = new ArrayList<>();
        for (Family f : List.copyOf(state.families().values())) {
            if (f.active()) {
                state.families().put(f.familyId(), f.close(Family.REVOKED, at));
                revoked.add(f.familyId());
            }
        }
        return revoked;
    }

    private static List<String> revokeOne(UserTokens state, Family f, Instant at) {
        state.families().put(f.familyId(), f.close(Family.REVOKED, at));
        return List.of(f.familyId());
    }

    /**
     * Where a presented token other than the current one stands against the leeway rule. The
     * leeway exists for one client that lost a response or raced itself (two tabs), so it excuses
     * the parent only when it comes back from the client the successor was made for.
     */
    enum Leeway {
        /** Not the immediate parent, or after the leeway, or the leeway is off. */
        OUTSIDE,
        /** The parent inside the leeway, from the client the successor was made for. */
        SAME_CLIENT,
        /**
         * The parent inside the leeway, where one side has no binding to compare: the family was
         * last rotated, or the event was written, by a release before bindings (a rolling
         * upgrade). Excused, as before; once every edge writes bindings this no longer occurs.
         */
        UNBOUND,
        /** The parent inside the leeway from another client: someone else holds the token. */
        OTHER_CLIENT;

        boolean excused() {
            return this == SAME_CLIENT || this == UNBOUND;
        }

        /** The audit's {@code client_match}: only when two bindings were compared. */
        Boolean clientMatch() {
            return switch (this) {
                case SAME_CLIENT -> Boolean.TRUE;
                case OTHER_CLIENT -> Boolean.FALSE;
                default -> null;
            };
        }
    }

    static Leeway leeway(Family f, TokenUsage e, TokenRules rules, Instant at) {
        if (!withinLeeway(f, e, rules, at)) return Leeway.OUTSIDE;
        if (f.currentBinding() == null || e.clientBinding() == null) return Leeway.UNBOUND;
        return f.currentBinding().equals(e.clientBinding()) ? Leeway.SAME_CLIENT : Leeway.OTHER_CLIENT;
    }

    /** Only the immediate parent, only for {@code reuseLeeway} after the rotation; zero = never. */
    static boolean withinLeeway(Family f, TokenUsage e, TokenRules rules, Instant at) {
        if (rules.reuseLeeway().isZero() || f.parentHash() == null) return false;
        if (!Objects.equals(e.tokenHash(), f.parentHash())) return false;
        return !at.isAfter(f.rotatedAt().plus(rules.reuseLeeway()));
    }

    static boolean expired(Family f, TokenRules rules, Instant at) {
        return at.isAfter(f.createdAt().plus(rules.familyLifetime())) || at.isAfter(f.rotatedAt().plus(rules.idleTimeout()));
    }

    private static Decided decided(TokenUsage e, String verdict, String successorRequestId, Instant familyCreatedAt,
                                   List<String> revoked, String revocationReason) {
        return decided(e, verdict, successorRequestId, familyCreatedAt, revoked, revocationReason, null, null);
    }

    private static Decided decided(TokenUsage e, String verdict, String successorRequestId, Instant familyCreatedAt,
                                   List<String> revoked, String revocationReason, Boolean clientMatch, String reuseReason) {
        return new Decided(e.requestId(), verdict, e.familyId(), successorRequestId, familyCreatedAt,
                new ArrayList<>(revoked), revocationReason, e.occurredAt(), clientMatch, reuseReason);
    }

    private static Outcome emit(UserTokens state, TokenUsage e, Decided d, Instant now) {
        TokenVerdict verdict = new TokenVerdict(e.requestId(), e.userId(), e.familyId(), d.verdict(), d.successorRequestId(),
                d.familyCreatedAt(), e.replyPartition(), now);
        Revocation revocation = d.revokedFamilyIds().isEmpty() ? null
                : new Revocation(e.userId(), List.copyOf(d.revokedFamilyIds()), d.revocationReason(), e.requestId(), d.decidedAt());
        TokenAudit audit = new TokenAudit(e.requestId(), e.userId(), e.familyId(), e.tokenHash(), e.type(), d.verdict(),
                d.revokedFamilyIds().isEmpty() ? null : List.copyOf(d.revokedFamilyIds()), e.ip(), e.userAgent(), e.occurredAt(), now,
                d.clientMatch(), d.reuseReason());
        return new Outcome(state, d, verdict, revocation, audit);
    }
}
