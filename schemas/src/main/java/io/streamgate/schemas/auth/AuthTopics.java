package io.streamgate.schemas.auth;

import io.streamgate.schemas.TopicSpec;
import io.streamgate.schemas.TopicSpec.CleanupPolicy;
import java.time.Duration;
import java.util.List;

/** Topics of the token pipeline (refresh-token usage, verdicts, revocations, audit). */
public final class AuthTopics {
    private AuthTopics() {}

    public static final TopicSpec<String, TokenUsage> TOKEN_USAGE = new TopicSpec<>(
            "auth.token-usage", String.class, TokenUsage.class, 12, Duration.ofDays(7), CleanupPolicy.DELETE,
            "Every refresh-token presentation, login, logout and session revocation, keyed by user id "
                    + "(one partition owner decides per user). Hashes only, never tokens.");

    /** Short-lived replies: a verdict nobody read within seconds is useless. */
    public static final TopicSpec<String, TokenVerdict> TOKEN_VERDICTS = new TopicSpec<>(
            "auth.token-verdicts", String.class, TokenVerdict.class, 12, Duration.ofHours(1), CleanupPolicy.DELETE,
            "The processor's verdict per token-usage request, written to the partition the asking edge "
                    + "instance reads (request/reply). Key: user id.");

    /**
     * Kept one day: longer than any access token lives (15 min default), so an instance that
     * starts and replays this topic knows every revocation still relevant.
     */
    public static final TopicSpec<String, Revocation> REVOCATIONS = new TopicSpec<>(
            "auth.revocations", String.class, Revocation.class, 6, Duration.ofDays(1), CleanupPolicy.DELETE,
            "Families whose access tokens every API instance must refuse from now on. Key: user id.");

    public static final TopicSpec<String, TokenAudit> AUDIT = new TopicSpec<>(
            "audit.auth.token-usage", String.class, TokenAudit.class, 6, Duration.ofDays(400), CleanupPolicy.DELETE,
            "Security audit trail: one record per token event with the verdict (user, family, token "
                    + "hash id, IP, user agent, times). Sunk idempotently into refresh_token_usage.");

    public static final List<TopicSpec<?, ?>> ALL = List.of(TOKEN_USAGE, TOKEN_VERDICTS, REVOCATIONS, AUDIT);
}
