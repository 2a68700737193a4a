package io.streamgate.processors;

import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.processors.coach.CoachWorker;
import io.streamgate.processors.tokens.RefreshTokenProcessor;
import io.streamgate.processors.tokens.TokenAuditSink;
import io.streamgate.processors.webhooks.WebhookProcessors;
import java.util.ArrayList;
import java.util.List;

/** The components of the {@code processors} role, built from the platform's dependencies. */
public final class ProcessorsRole {
    private ProcessorsRole() {}

    public static List<Component> components(Platform platform) {
        List<Component> components = new ArrayList<>();
        components.add(CoachWorker.fromEnv(platform));
        components.add(RefreshTokenProcessor.component(platform));
        components.add(TokenAuditSink.create(platform));
        components.addAll(WebhookProcessors.components(platform));
        return components;
    }
}
