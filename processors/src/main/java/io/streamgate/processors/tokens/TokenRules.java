package io.streamgate.processors.tokens;

import io.streamgate.platform.auth.RefreshLifetimes;
import io.streamgate.platform.config.Env;
import java.time.Duration;

/**
 * How the processor judges refresh-token presentations.
 *
 * @param reuseLeeway how long after a rotation the immediate parent may still be presented and
 *     get the same successor (concurrent tabs, a retried request whose answer was lost); zero is
 *     strict: any second presentation is a reuse
 * @param familyLifetime absolute: a family older than this cannot be refreshed, whatever its use
 * @param idleTimeout a family not refreshed for this long cannot be refreshed
 *     (both read by {@link RefreshLifetimes}, which the sessions API shares)
 */
public record TokenRules(Duration reuseLeeway, Duration familyLifetime, Duration idleTimeout) {
    public static final TokenRules DEFAULTS = new TokenRules(Duration.ofSeconds(10),
            RefreshLifetimes.DEFAULTS.familyLifetime(), RefreshLifetimes.DEFAULTS.idleTimeout());

    public static TokenRules from(Env env) {
        Duration leeway = env.duration("REFRESH_REUSE_LEEWAY", DEFAULTS.reuseLeeway(), true);
        if (leeway.compareTo(Duration.ofSeconds(60)) > 0) {
            env.problem("REFRESH_REUSE_LEEWAY must be at most 60s (it widens the window in which a stolen token works), got "
                    + leeway.toSeconds() + "s");
        }
        RefreshLifetimes lifetimes = RefreshLifetimes.from(env);
        return new TokenRules(leeway, lifetimes.familyLifetime(), lifetimes.idleTimeout());
    }
}
