package io.streamgate.api.sessions;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.AccessTokens;
import io.streamgate.platform.auth.RefreshLifetimes;
import io.streamgate.platform.http.ClientAddress;
import io.streamgate.platform.http.ProblemException;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code GET /v1/sessions}: the signed-in user's active sessions (refresh-token families), read
 * under row level security from the read model the audit sink keeps. {@code DELETE
 * /v1/sessions/{id}}: revokes one; like every token decision it goes through the processor that
 * owns the user's partition (a {@code revoke_family} event), which also tells every API instance
 * to refuse the session's access tokens.
 */
public final class SessionsEndpoints implements Component {
    private final Platform platform;
    private final Duration familyLifetime;
    private final Duration idleTimeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaClientMetrics producerMetrics;

    public SessionsEndpoints(Platform platform) {
        this.platform = platform;
        // The same settings the processor judges by, so the list never shows a session it would refuse.
        RefreshLifetimes lifetimes = RefreshLifetimes.from(platform.env());
        this.familyLifetime = lifetimes.familyLifetime();
        this.idleTimeout = lifetimes.idleTimeout();
        Map<String, Object> props = platform.kafka().producer("sessions-api");
        props.put("linger.ms", 0);
        this.producer = new KafkaProducer<>(props);
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(platform.metrics());
    }

    @Override
    public void http(JavalinConfig config) {
        config.routes.get("/v1/sessions", this::list);
        config.routes.delete("/v1/sessions/{id}", this::revoke);
    }

    private void list(Context ctx) {
        AccessTokens.Verified me = platform.auth().require(ctx);
        Timestamp now = Timestamp.from(platform.clock().instant());
        List<Map<String, Object>> sessions = platform.db().inUserTransaction(me.userId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    select id, created_at, last_used_at, ip, user_agent from auth_sessions
                    where user_id = ? and status = 'active'
                      and created_at > ?::timestamptz - make_interval(secs => ?)
                      and last_used_at > ?::timestamptz - make_interval(secs => ?)
                    order by last_used_at desc limit 100""")) {
                ps.setObject(1, me.userId());
                ps.setTimestamp(2, now);
                ps.setLong(3, familyLifetime.toSeconds());
                ps.setTimestamp(4, now);
                ps.setLong(5, idleTimeout.toSeconds());
                List<Map<String, Object>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> s = new LinkedHashMap<>();
                        String id = rs.getString("id");
                        s.put("id", id);
                        s.put("created_at", rs.getTimestamp("created_at").toInstant().toString());
                        s.put("last_used_at", rs.getTimestamp("last_used_at").toInstant().toString());
                        s.put("ip", rs.getString("ip"));
                        s.put("user_agent", rs.getString("user_agent"));
                        s.put("current", id.equals(me.familyId()));
                        out.add(s);
                    }
                }
                return out;
            }
        });
        ctx.header("Cache-Control", "no-store");
        ctx.json(Map.of("sessions", sessions));
    }

    private void revoke(Context ctx) {
        AccessTokens.Verified me = platform.auth().require(ctx);
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no such session");
        }
        boolean mine = platform.db().inUserTransaction(me.userId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("select 1 from auth_sessions where id = ? and status = 'active'")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (!mine) throw ProblemException.notFound("no such session");
        TokenUsage event = new TokenUsage(UUID.randomUUID().toString(), TokenUsage.REVOKE_FAMILY, me.userId().toString(),
                id.toString(), null, null, null, ClientAddress.of(ctx), ctx.userAgent(), platform.clock().instant(), null);
        byte[] value = AuthTopics.TOKEN_USAGE.valueSerde().serializer().serialize(AuthTopics.TOKEN_USAGE.name(), event);
        try {
            producer.send(new ProducerRecord<>(AuthTopics.TOKEN_USAGE.name(), me.userId().toString().getBytes(StandardCharsets.UTF_8), value))
                    .get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("kafka_unavailable", "interrupted; retry", 1);
        } catch (ExecutionException | TimeoutException e) {
            throw ProblemException.unavailable("kafka_unavailable", "the event log is unavailable; retry shortly", 2);
        }
        // Durable in Kafka: the processor revokes it and every instance refuses its tokens shortly.
        ctx.status(204);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        producerMetrics.close();
    }
}
