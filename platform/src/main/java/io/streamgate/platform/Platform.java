package io.streamgate.platform;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.auth.Authenticator;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.Secrets;
import io.streamgate.platform.db.Database;
import io.streamgate.platform.health.Health;
import io.streamgate.platform.http.HttpConfig;
import io.streamgate.platform.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The dependencies every component is built from. Components read their own settings
 * from {@link #env()} (recording problems there, so one start reports all of them) and
 * their secrets from {@link #secrets()}.
 *
 * @param dev true when running the embedded default (generated secrets, embedded broker)
 * @param dataDir where local state lives (Streams stores, dev broker, dev secrets)
 * @param auth verifies access tokens (Bearer JWT) for user-facing routes
 */
public record Platform(
        Env env,
        Secrets secrets,
        KafkaSettings kafka,
        Database db,
        PrometheusMeterRegistry metrics,
        Health health,
        HttpConfig http,
        Authenticator auth,
        Clock clock,
        Path dataDir,
        boolean dev) {}
