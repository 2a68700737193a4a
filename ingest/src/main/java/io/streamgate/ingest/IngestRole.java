package io.streamgate.ingest;

import io.streamgate.ingest.auth.AuthEndpoints;
import io.streamgate.ingest.webhooks.WebhookIngest;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import java.util.ArrayList;
import java.util.List;

/** The components of the {@code ingest} role, built from the platform's dependencies. */
public final class IngestRole {
    private IngestRole() {}

    public static List<Component> components(Platform platform) {
        List<Component> components = new ArrayList<>();
        components.add(new AuthEndpoints(platform));
        components.add(new WebhookIngest(platform));
        return components;
    }
}
