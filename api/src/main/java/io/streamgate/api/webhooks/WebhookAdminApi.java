package io.streamgate.api.webhooks;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.http.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /admin/webhooks/{eventId}}: one event's status and delivery history, for
 * operators. Protected by {@code OPERATOR_TOKEN} ({@code Authorization: Bearer <token>}),
 * compared in constant time; generated in dev; when unset elsewhere the endpoint answers 503.
 */
public final class WebhookAdminApi implements Component {
    private static final Logger log = LoggerFactory.getLogger(WebhookAdminApi.class);
    public static final String TOKEN_ENV = "OPERATOR_TOKEN";

    private final Platform platform;
    private final byte[] tokenDigest;

    public WebhookAdminApi(Platform platform) {
        this.platform = platform;
        String token = platform.secrets().optional(TOKEN_ENV).orElse(null);
        if (token == null) log.warn("{} is not set: GET /admin/webhooks/... answers 503 until it is", TOKEN_ENV);
        this.tokenDigest = token == null ? null : sha256(token);
    }

    @Override
    public void http(JavalinConfig config) {
        config.routes.get("/admin/webhooks/{eventId}", this::get);
    }

    private void requireOperator(Context ctx) {
        if (tokenDigest == null) {
            throw ProblemException.unavailable("operator_access_not_configured", TOKEN_ENV + " is not configured", 60);
        }
        String header = ctx.header("Authorization");
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        // Digests first: equal lengths, so the comparison time says nothing about the token.
        if (given == null || !MessageDigest.isEqual(tokenDigest, sha256(given))) {
            throw ProblemException.unauthorized("operator_token_required", "a valid operator token is required");
        }
    }

    private void get(Context ctx) {
        requireOperator(ctx);
        String eventId = ctx.pathParam("eventId");
        if (eventId.length() > 255) throw ProblemException.notFound("no webhook event " + eventId.substring(0, 40) + "...");
        Map<String, Object> body;
        // The app role: these tables are operational (no RLS), readable but not writable by it.
        try (Connection c = platform.db().app().getConnection()) {
            body = read(c, eventId);
        } catch (SQLException e) {
            throw new io.streamgate.platform.db.DatabaseException(e);
        }
        if (body == null) throw ProblemException.notFound("no webhook event " + eventId);
        ctx.json(body);
    }

    private static Map<String, Object> read(Connection c, String eventId) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select event_id, source, type, created, received_at, status, reason, subscription_id, deliveries, updated_at
                from webhook_events where event_id = ?""")) {
            ps.setString(1, eventId);
            ResultSet rs = ps.executeQuery();
            if (!rs.next()) return null;
            m.put("event_id", rs.getString(1));
            m.put("source", rs.getString(2));
            m.put("type", rs.getString(3));
            m.put("created", instant(rs.getTimestamp(4)));
            m.put("received_at", instant(rs.getTimestamp(5)));
            m.put("status", rs.getString(6));
            m.put("reason", rs.getString(7));
            m.put("subscription_id", rs.getString(8));
            m.put("deliveries", rs.getInt(9));
            m.put("updated_at", instant(rs.getTimestamp(10)));
        }
        List<Map<String, Object>> history = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select delivery_id, outcome, reason, received_at, decided_at from webhook_deliveries
                where event_id = ? order by received_at, decided_at""")) {
            ps.setString(1, eventId);
            ResultSet rs = ps.executeQuery();
            while (rs.next()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("delivery_id", rs.getString(1));
                d.put("outcome", rs.getString(2));
                d.put("reason", rs.getString(3));
                d.put("received_at", instant(rs.getTimestamp(4)));
                d.put("decided_at", instant(rs.getTimestamp(5)));
                history.add(d);
            }
        }
        m.put("history", history);
        return m;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
