package io.streamgate.platform.auth;

import io.streamgate.platform.config.Env;
import java.time.Duration;

/**
 * How long a refresh-token family (a session) lives: read once here for the processor that
 * judges refreshes and the API that lists sessions, so the list never shows a session the
 * processor would refuse.
 *
 * @param familyLifetime absolute ({@code REFRESH_FAMILY_LIFETIME}, 30 days): a family older than
 *     this cannot be refreshed, whatever its use
 * @param idleTimeout {@code REFRESH_IDLE_TIMEOUT} (7 days): a family not refreshed for this long
 *     cannot be refreshed
 */
public record RefreshLifetimes(Duration familyLifetime, Duration idleTimeout) {
    public static final RefreshLifetimes DEFAULTS = new RefreshLifetimes(Duration.ofDays(30), Duration.ofDays(7));

    public static RefreshLifetimes from(Env env) {
        return new RefreshLifetimes(
                env.duration("REFRESH_FAMILY_LIFETIME", DEFAULTS.familyLifetime(), false),
                env.duration("REFRESH_IDLE_TIMEOUT", DEFAULTS.idleTimeout(), false));
    }
}
