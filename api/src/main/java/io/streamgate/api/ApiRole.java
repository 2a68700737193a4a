package io.streamgate.api;

import io.streamgate.api.assets.AssetsApi;
import io.streamgate.api.brandkits.BrandKitsApi;
import io.streamgate.api.coach.CoachApi;
import io.streamgate.api.coach.CoachPage;
import io.streamgate.api.generations.GenerationsApi;
import io.streamgate.api.sessions.SessionsEndpoints;
import io.streamgate.api.webhooks.SubscriptionApi;
import io.streamgate.api.webhooks.WebhookAdminApi;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.RevocationFeed;
import java.util.ArrayList;
import java.util.List;

/** The components of the {@code api} role, built from the platform's dependencies. */
public final class ApiRole {
    private ApiRole() {}

    public static List<Component> components(Platform platform) {
        List<Component> components = new ArrayList<>();
        components.add(new CoachApi(platform));
        components.add(new BrandKitsApi(platform));
        components.add(new AssetsApi(platform));
        components.add(new GenerationsApi(platform));
        components.add(new RevocationFeed(platform));
        components.add(new SessionsEndpoints(platform));
        components.add(new CoachPage());
        components.add(new SubscriptionApi(platform));
        components.add(new WebhookAdminApi(platform));
        return components;
    }
}
