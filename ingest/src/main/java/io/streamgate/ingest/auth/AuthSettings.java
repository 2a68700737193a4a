package io.streamgate.ingest.auth;

import io.streamgate.platform.Platform;
import io.streamgate.platform.config.Env;
import io.streamgate.schemas.auth.AuthTopics;
import java.time.Duration;

/**
 * Settings of the /auth edge, read from the environment.
 *
 * @param verdictTimeout how long /auth/refresh waits for the processor before answering 503
 * @param replyPartition the verdicts partition this instance reads (default: from its instance id)
 */
record AuthSettings(
        String refreshSecret,
        Duration verdictTimeout,
        int replyPartition,
        int loginsPerIpPerMinute,
        int failuresPerAccount,
        Duration failureWindow) {

    static AuthSettings from(Platform platform) {
        Env env = platform.env();
        int partitions = AuthTopics.TOKEN_VERDICTS.partitions();
        int defaultPartition = Math.floorMod(platform.kafka().instanceId().hashCode(), partitions);
        return new AuthSettings(
                platform.secrets().get("REFRESH_TOKEN_SECRET"),
                env.duration("REFRESH_VERDICT_TIMEOUT", Duration.ofSeconds(5), false),
                env.integer("AUTH_REPLY_PARTITION", defaultPartition, 0, partitions - 1),
                env.integer("AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", 30, 1, 1_000_000),
                env.integer("AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, 1, 1_000_000),
                env.duration("AUTH_LOGIN_FAILURE_WINDOW", Duration.ofMinutes(15), false));
    }
}
