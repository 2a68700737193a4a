package io.streamgate.ingest.auth;

import io.streamgate.platform.Platform;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.SecretVersions;
import io.streamgate.schemas.auth.AuthTopics;
import java.time.Duration;

/**
 * Settings of the /auth edge, read from the environment.
 *
 * @param refreshKeys REFRESH_TOKEN_SECRET's versions (a malformed value is a problem; a stand-in key then)
 * @param verdictTimeout how long /auth/refresh waits for the processor before answering 503
 * @param replyPartition the verdicts partition this instance reads (default: from its instance id)
 * @param passwordHashConcurrency password hashes running at once in this process
 * @param passwordHashWait how long a request waits for a hashing permit before its 503
 * @param limiterMaxKeys keys each limiter's in-memory pre-filter remembers at most
 */
record AuthSettings(
        SecretVersions refreshKeys,
        Duration verdictTimeout,
        int replyPartition,
        int loginsPerIpPerMinute,
        int failuresPerAccount,
        Duration failureWindow,
        int passwordHashConcurrency,
        Duration passwordHashWait,
        int limiterMaxKeys) {

    static final Duration MAX_HASH_WAIT = Duration.ofSeconds(2);

    static AuthSettings from(Platform platform) {
        Env env = platform.env();
        int partitions = AuthTopics.TOKEN_VERDICTS.partitions();
        int defaultPartition = Math.floorMod(platform.kafka().instanceId().hashCode(), partitions);
        Duration hashWait = env.duration("PASSWORD_HASH_WAIT", Duration.ofMillis(100), true);
        if (hashWait.compareTo(MAX_HASH_WAIT) > 0) {
            // a request parked longer holds a server thread the rest of the API needs
            env.problem("PASSWORD_HASH_WAIT must be at most " + MAX_HASH_WAIT.toSeconds() + "s, got " + hashWait.toMillis() + "ms");
            hashWait = MAX_HASH_WAIT;
        }
        return new AuthSettings(
                SecretVersions.read(env, platform.secrets(), "REFRESH_TOKEN_SECRET"),
                env.duration("REFRESH_VERDICT_TIMEOUT", Duration.ofSeconds(5), false),
                env.integer("AUTH_REPLY_PARTITION", defaultPartition, 0, partitions - 1),
                env.integer("AUTH_LOGIN_MAX_PER_IP_PER_MINUTE", 30, 1, 1_000_000),
                env.integer("AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, 1, 1_000_000),
                env.duration("AUTH_LOGIN_FAILURE_WINDOW", Duration.ofMinutes(15), false),
                // One core fewer than the machine has (at least one): a sign-in flood that keeps every
                // slot busy still leaves a core for the requests of signed-in users.
                env.integer("PASSWORD_HASH_CONCURRENCY", Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 1, 1024),
                hashWait,
                env.integer("AUTH_LIMITER_MAX_KEYS", 20_000, 1, 10_000_000));
    }
}
