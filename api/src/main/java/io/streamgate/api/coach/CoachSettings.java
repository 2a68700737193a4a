package io.streamgate.api.coach;

import io.streamgate.platform.config.Env;
import java.time.Duration;

/**
 * Settings of the coach API and its event streams.
 *
 * @param batchWindow tokens arriving within this window go out as one {@code token} event
 * @param maxBatchTokens a batch is sent early once it holds this many tokens
 * @param maxBatchBytes ... or this many UTF-16 chars of text
 * @param heartbeat interval of the {@code : heartbeat} comment on idle and busy streams
 * @param retry the reconnection delay the stream advises ({@code retry:})
 * @param ticketTtl lifetime of a stream ticket (at most {@link StreamTickets#MAX_TTL})
 * @param replayThreads Kafka consumers serving reconnect replays
 * @param replayQueue replays that may wait for a replay thread; a stream beyond that is refused with 503
 * @param maxStreamDuration a stream open this long ends with a {@code reconnect} event (the client resumes)
 * @param streamsPerUser event streams one user may hold open at once on one API instance
 * @param sessionsPerMinute sessions one user may create per rolling minute, across all API instances
 */
public record CoachSettings(Duration batchWindow, int maxBatchTokens, int maxBatchBytes, Duration heartbeat, Duration retry,
        Duration ticketTtl, int replayThreads, int replayQueue, Duration maxStreamDuration, int streamsPerUser, int sessionsPerMinute) {

    public static CoachSettings from(Env env) {
        return new CoachSettings(
                env.duration("COACH_SSE_BATCH_WINDOW", Duration.ofMillis(25), true),
                env.integer("COACH_SSE_MAX_BATCH_TOKENS", 64, 1, 100_000),
                env.integer("COACH_SSE_MAX_BATCH_BYTES", 16_384, 16, 1 << 20),
                env.duration("COACH_SSE_HEARTBEAT", Duration.ofSeconds(15), false),
                env.duration("COACH_SSE_RETRY", Duration.ofMillis(2000), false),
                StreamTickets.ttl(env),
                env.integer("COACH_REPLAY_THREADS", 2, 1, 64),
                env.integer("COACH_REPLAY_QUEUE", 256, 1, 100_000),
                env.duration("COACH_SSE_MAX_DURATION", Duration.ofMinutes(10), false),
                env.integer("COACH_STREAMS_PER_USER", 8, 1, 100_000),
                env.integer("COACH_SESSIONS_PER_MINUTE", 10, 1, 100_000));
    }
}
