package io.streamgate.schemas.auth;

import io.streamgate.schemas.TopicSpec;
import java.util.List;

/** Topics of the token pipeline (refresh-token usage, verdicts, revocations, audit). */
public final class AuthTopics {
    private AuthTopics() {}

    public static final List<TopicSpec<?, ?>> ALL = List.of();
}
