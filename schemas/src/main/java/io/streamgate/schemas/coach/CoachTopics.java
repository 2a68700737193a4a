package io.streamgate.schemas.coach;

import io.streamgate.schemas.TopicSpec;
import io.streamgate.schemas.TopicSpec.CleanupPolicy;
import java.time.Duration;
import java.util.List;

/** Topics of the AI coach (requests and streamed output). */
public final class CoachTopics {
    private CoachTopics() {}

    /** The answer object's JSON Schema: the coach output's text must parse to it. */
    public static final String ANSWER_SCHEMA = "schemas/coach.answer.schema.json";

    public static final TopicSpec<String, CoachRequest> REQUESTS = new TopicSpec<>(
            "coach.requests", String.class, CoachRequest.class, 6, Duration.ofDays(1),
            CleanupPolicy.DELETE,
            "Coaching requests, keyed by session id, with a snapshot of the brand kit; consumed by the coach worker.");

    /**
     * Output is the replay log of every SSE stream: a reconnect on any API instance reads the
     * session's partition from here, so retention bounds how long a finished session can be
     * replayed.
     */
    public static final TopicSpec<String, CoachOutput> OUTPUT = new TopicSpec<>(
            "coach.output", String.class, CoachOutput.class, 6, Duration.ofDays(7),
            CleanupPolicy.DELETE,
            "Coach output keyed by session id: tokens with gap-free sequence numbers, then one done or error record.");

    public static final List<TopicSpec<?, ?>> ALL = List.of(REQUESTS, OUTPUT);
}
