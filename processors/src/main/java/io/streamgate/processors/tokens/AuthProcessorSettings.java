package io.streamgate.processors.tokens;

import io.streamgate.platform.config.Env;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings of the {@code streamgate-auth} Streams application, read once at start.
 *
 * @param rules how refresh-token presentations are judged
 * @param guarantee {@code AUTH_PROCESSING_GUARANTEE}: {@code at_least_once} (default, made
 *     exactly-once in effect by request-id idempotency, see {@link RefreshTokenProcessor}) or
 *     {@code exactly_once_v2}
 */
public record AuthProcessorSettings(TokenRules rules, String guarantee) {

    public static AuthProcessorSettings from(Env env) {
        TokenRules rules = TokenRules.from(env);
        String guarantee = env.string("AUTH_PROCESSING_GUARANTEE", StreamsConfig.AT_LEAST_ONCE);
        if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            env.problem("AUTH_PROCESSING_GUARANTEE must be exactly_once_v2 or at_least_once, got '" + guarantee + "'");
        }
        return new AuthProcessorSettings(rules, guarantee);
    }
}
