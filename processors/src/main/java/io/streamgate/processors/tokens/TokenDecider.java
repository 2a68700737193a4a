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
                    e.occurredAt(), e.occurredAt(), Family.ACTIVE, null));
        }
        Family f = state.families().get(e.familyId());
        return decided(e, Verdicts.ISSUED, f.currentRequestId(), f.createdAt(), List.of(), null);
    }

    private static Decided refresh(UserTokens state, TokenUsage e, Family f, TokenRules rules, Instant at) {
        if (f != null && Family.EXPIRED.equals(f.status()) && e.tokenHash().equals(f.currentHash())) {
            // The family ran out of time earlier; its last token is not a stolen one.
            return decided(e, Verdicts.EXPIRED, null, f.createdAt(), List.of(), null);
        }
        if (f == null || !f.active()) return reuse(state, e, at);
        if (expired(f, rules, at)) {
            if (!e.tokenHash().equals(f.currentHash()) && !withinLeeway(f, e, rules, at)) return reuse(state, e, at);
            state.families().put(f.familyId(), f.close(Family.EXPIRED, at));
            return decided(e, Verdicts.EXPIRED, null, f.createdAt(), List.of(f.familyId()), "expired");
        }
        if (e.tokenHash().equals(f.currentHash())) {
            state.families().put(f.familyId(), new Family(f.familyId(), e.successorHash(), e.requestId(), f.currentHash(),
                    f.createdAt(), at, Family.ACTIVE, null));
            return decided(e, Verdicts.ROTATED, e.requestId(), f.createdAt(), List.of(), null);
        }
        if (withinLeeway(f, e, rules, at)) {
            return decided(e, Verdicts.REISSUED, f.currentRequestId(), f.createdAt(), List.of(), null);
        }
        return reuse(state, e, at);
    }

    private static Decided logout(UserTokens state, TokenUsage e, Family f, TokenRules rules, Instant at) {
        boolean all = TokenUsage.LOGOUT_ALL.equals(e.type());
        if (f != null && !f.active() && e.tokenHash().equals(f.currentHash()) && !all) {
            // A second logout with the same token (double click, retry), or logging out of a
            // family that already expired, changes nothing.
            return decided(e, Verdicts.LOGGED_OUT, null, f.createdAt(), List.of(), null);
        }
        if (f == null || !f.active()) return reuse(state, e, at);
        if (!e.tokenHash().equals(f.currentHash()) && !withinLeeway(f, e, rules, at)) return reuse(state, e, at);
        List<String> revoked = all ? revokeAll(state, at) : revokeOne(state, f, at);
        return decided(e, Verdicts.LOGGED_OUT, null, f.createdAt(), revoked, all ? "logout_all" : "logout");
    }

    private static Decided revokeFamily(UserTokens state, TokenUsage e, Family f, Instant at) {
        if (f == null || !f.active()) return decided(e, Verdicts.NOT_FOUND, null, null, List.of(), null);
        return decided(e, Verdicts.LOGGED_OUT, null, f.createdAt(), revokeOne(state, f, at), "session_revoked");
    }

    /**
     * A token that is not the current one nor the parent within the leeway was presented: someone
     * holds a token they should not (RFC 9700 4.14.2). Revoke every family of the user.
     */
    private static Decided reuse(UserTokens state, TokenUsage e, Instant at) {
        List<String> revoked = revokeAll(state, at);
        if (!revoked.contains(e.familyId())) revoked.add(e.familyId());
        Family f = state.families().get(e.familyId());
        return decided(e, Verdicts.REUSED, null, f == null ? null : f.createdAt(), revoked, "reuse");
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
                                   List<String> revoked, String reason) {
        return new Decided(e.requestId(), verdict, e.familyId(), successorRequestId, familyCreatedAt,
                new ArrayList<>(revoked), reason, e.occurredAt());
    }

    private static Outcome emit(UserTokens state, TokenUsage e, Decided d, Instant now) {
        TokenVerdict verdict = new TokenVerdict(e.requestId(), e.userId(), e.familyId(), d.verdict(), d.successorRequestId(),
                d.familyCreatedAt(), e.replyPartition(), now);
        Revocation revocation = d.revokedFamilyIds().isEmpty() ? null
                : new Revocation(e.userId(), List.copyOf(d.revokedFamilyIds()), d.revocationReason(), e.requestId(), d.decidedAt());
        TokenAudit audit = new TokenAudit(e.requestId(), e.userId(), e.familyId(), e.tokenHash(), e.type(), d.verdict(),
                d.revokedFamilyIds().isEmpty() ? null : List.copyOf(d.revokedFamilyIds()), e.ip(), e.userAgent(), e.occurredAt(), now);
        return new Outcome(state, d, verdict, revocation, audit);
    }
}
