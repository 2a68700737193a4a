package io.streamgate.schemas;

import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.coach.CoachTopics;
import io.streamgate.schemas.webhooks.WebhookTopics;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry of every topic Streamgate owns. Each feature declares its topics in its
 * own holder class ({@link WebhookTopics}, {@link AuthTopics}, {@link CoachTopics});
 * this class is the one list that `dev` creates, the docs describe and the schema
 * tests walk.
 */
public final class Topics {
    private Topics() {}

    public static List<TopicSpec<?, ?>> all() {
        List<TopicSpec<?, ?>> all = new ArrayList<>();
        all.addAll(WebhookTopics.ALL);
        all.addAll(AuthTopics.ALL);
        all.addAll(CoachTopics.ALL);
        return List.copyOf(all);
    }

    public static TopicSpec<?, ?> byName(String name) {
        return all().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no topic named " + name));
    }
}
