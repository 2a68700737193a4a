package io.streamgate.api.webhooks;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.http.ProblemException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /v1/subscription}: the signed-in user's subscription, read under row level
 * security (the query has no user filter of its own: Postgres shows this user's rows only).
 * With several (a re-subscription after a cancel), the one that grants access longest.
 */
public final class SubscriptionApi implements Component {
    private final Platform platform;

    public SubscriptionApi(Platform platform) {
        this.platform = platform;
    }

    @Override
    public void http(JavalinConfig config) {
        config.routes.get("/v1/subscription", this::get);
    }

    private void get(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        Instant now = platform.clock().instant();
        Map<String, Object> body = platform.db().inUserTransaction(user, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    select stripe_subscription_id, status, customer_id, current_period_end, access_until, last_event_created
                    from subscriptions order by access_until desc nulls last, last_event_created desc limit 1""")) {
                ResultSet rs = ps.executeQuery();
                if (!rs.next()) return null;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("subscription_id", rs.getString(1));
                m.put("status", rs.getString(2));
                m.put("customer_id", rs.getString(3));
                m.put("current_period_end", instant(rs.getTimestamp(4)));
                Instant accessUntil = instant(rs.getTimestamp(5));
                m.put("access_until", accessUntil);
                m.put("has_access", accessUntil != null && accessUntil.isAfter(now));
                m.put("updated_by_event_at", instant(rs.getTimestamp(6)));
                return m;
            }
        });
        if (body == null) throw new ProblemException(404, "no_subscription", "Not Found", "you have no subscription");
        ctx.json(body);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
