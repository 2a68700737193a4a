package io.streamgate.schemas.coach;

import io.streamgate.schemas.TopicSpec;
import java.util.List;

/** Topics of the AI coach (requests and streamed output). */
public final class CoachTopics {
    private CoachTopics() {}

    public static final List<TopicSpec<?, ?>> ALL = List.of();
}
