package io.streamgate.api.coach;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.streamgate.api.resources.AssetRequests;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.RefusedUntil;
import io.streamgate.platform.auth.AccessTokens;
import io.streamgate.platform.config.SecretVersions;
import io.streamgate.platform.http.FieldErrors;
import io.streamgate.platform.http.JsonBodies;
import io.streamgate.platform.http.ProblemException;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachRequest;
import io.streamgate.schemas.coach.CoachRequest.BrandKitSnapshot;
import io.streamgate.schemas.coach.CoachTopics;
import jakarta.servlet.AsyncContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coach's HTTP side: create a session (the request goes to Kafka), read its status, get
 * a stream ticket, and stream its output as Server-Sent Events (docs/coach.md).
 *
 * <p>Streaming holds no thread per connection: each stream is a Servlet async request written
 * with non-blocking I/O ({@link SseConnection}); records come from one hub consumer per
 * instance ({@link OutputHub}) and, for history, from a small replay pool
 * ({@link OutputReplay}); batching and heartbeats run on one shared scheduler.
 *
 * <p>Quotas, each refused before any work or any byte of the stream: sessions per user per
 * rolling minute (counted in Postgres, so across instances: 429), open streams per user on this
 * instance ({@link StreamSlots}: 429), and replays waiting for the pool (503); a stream open for
 * {@code COACH_SSE_MAX_DURATION} ends with a {@code reconnect} event the client resumes from.
 */
public final class CoachApi implements Component {
    private static final Logger log = LoggerFactory.getLogger(CoachApi.class);

    private final Platform platform;
    private final CoachSettings settings;
    private final CoachSessions sessions;
    private final BrandKits brandKits;
    private final StreamTickets tickets;
    private final OutputHub hub;
    private final StreamSlots streamSlots;
    /**
     * Users Postgres has refused a session, until their window makes room: a flood of creates by
     * one user is then refused from memory, without a transaction each. Only Postgres grants, so
     * the limit still holds across instances; bounded, and each entry expires with its window.
     */
    private final RefusedUntil<UUID> creationRefused;
    private final Set<SseConnection> open = ConcurrentHashMap.newKeySet();
    private final SignInStreams signIns = new SignInStreams();
    private Runnable stopRevocations = () -> {};
    private ScheduledExecutorService scheduler;
    private OutputReplay replay;
    private KafkaProducer<byte[], byte[]> producer;
    private ScheduledFuture<?> heartbeats;

    public CoachApi(Platform platform) {
        this(platform, CoachSettings.from(platform.env()));
        if (platform.http() != null && settings.heartbeat().compareTo(platform.http().idleTimeout()) >= 0) {
            platform.env().problem("COACH_SSE_HEARTBEAT (" + settings.heartbeat() + ") must be shorter than HTTP_IDLE_TIMEOUT ("
                    + platform.http().idleTimeout() + "): the edge closes a connection idle that long, so a quiet stream would be cut");
        }
    }

    public CoachApi(Platform platform, CoachSettings settings) {
        this.platform = platform;
        this.settings = settings;
        this.sessions = new CoachSessions(platform.db());
        this.brandKits = new JdbcBrandKits(platform.db());
        this.tickets = new StreamTickets(SecretVersions.read(platform.env(), platform.secrets(), "COACH_TICKET_SECRET"),
                settings.ticketTtl(), platform.clock());
        this.hub = new OutputHub(platform.kafka(), platform.metrics());
        this.streamSlots = new StreamSlots(settings.streamsPerUser());
        this.creationRefused = new RefusedUntil<>(platform.clock(), 100_000);
    }

    @Override
    public void http(JavalinConfig config) {
        config.routes.post("/v1/coach/sessions", this::create);
        config.routes.get("/v1/coach/sessions/{id}", this::show);
        config.routes.post("/v1/coach/sessions/{id}/stream-tickets", this::ticket);
        config.routes.get("/v1/coach/sessions/{id}/events", this::events);
    }

    /** Event streams stay open for minutes; {@link StreamSlots} bounds them per user instead of the edge's admission queue. */
    @Override
    public List<String> streamingPaths() {
        return List.of("^/v1/coach/sessions/[^/]+/events$");
    }

    @Override
    public void start() {
        scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "coach-sse");
            t.setDaemon(true);
            return t;
        });
        producer = new KafkaProducer<>(platform.kafka().producer("coach-api"));
        replay = new OutputReplay(platform.kafka(), settings.replayThreads(), settings.replayQueue());
        hub.start();
        stopRevocations = platform.auth().onRevocation(signIns::revoked);
        platform.health().register("coach-output-hub", hub::healthy);
        long every = settings.heartbeat().toMillis();
        heartbeats = scheduler.scheduleAtFixedRate(() -> open.forEach(c -> c.send(": heartbeat\n\n")), every, every, TimeUnit.MILLISECONDS);
        io.micrometer.core.instrument.Gauge.builder("coach.sse.streams", open, Set::size).register(platform.metrics());
    }

    record CreateSession(String prompt, String assetType, UUID brandKitId) {}

    private ProblemException tooManySessions(long retryAfter) {
        return new ProblemException(429, "too_many_sessions", "Too Many Requests",
                "at most " + settings.sessionsPerMinute() + " coach sessions may be created per minute; retry after " + retryAfter + " s")
                .header("Retry-After", Long.toString(retryAfter)).with("limit", settings.sessionsPerMinute());
    }

    private void create(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        Duration refusedFor = creationRefused.refusedFor(user);
        if (refusedFor != null) throw tooManySessions(refusedFor.toSeconds() + 1);
        CreateSession body = JsonBodies.read(ctx, CreateSession.class);
        String prompt = body.prompt() == null ? null : body.prompt().strip();
        new FieldErrors()
                .check(prompt != null && !prompt.isEmpty(), "prompt", "is required")
                .check(prompt == null || prompt.length() <= AssetRequests.MAX_PROMPT, "prompt", "must be at most " + AssetRequests.MAX_PROMPT + " characters")
                .check(body.assetType() != null && AssetRequests.ASSET_TYPES.contains(body.assetType()), "asset_type", "must be one of " + AssetRequests.ASSET_TYPES_LISTED)
                .throwIfAny();
        BrandKitSnapshot kit = null;
        if (body.brandKitId() != null) {
            kit = brandKits.find(user, body.brandKitId()).orElse(null);
            if (kit == null) new FieldErrors().add("brand_kit_id", "no brand kit with this id").throwIfAny();
        }
        UUID id = UUID.randomUUID();
        int partition = hub.partitionFor(id);
        long from = hub.lowerBound(partition);
        CoachRequest request = new CoachRequest(id, user, prompt, body.assetType(), kit, platform.clock().instant());
        byte[] value = CoachTopics.REQUESTS.valueSerde().serializer().serialize(CoachTopics.REQUESTS.name(), request);
        // The row and the request land together: the request is acknowledged (acks=all) before the
        // row commits, and a failed send rolls the row back, so neither exists without the other.
        platform.db().inUserTransaction(user, c -> {
            int retryAfter = CoachSessions.reserveCreation(c, user, settings.sessionsPerMinute());
            if (retryAfter > 0) {
                creationRefused.refuse(user, platform.clock().instant().plusSeconds(retryAfter));
                throw tooManySessions(retryAfter);
            }
            CoachSessions.insert(c, id, user, prompt, body.assetType(), body.brandKitId(), partition, from);
            try {
                producer.send(new ProducerRecord<>(CoachTopics.REQUESTS.name(), id.toString().getBytes(StandardCharsets.UTF_8), value))
                        .get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProblemException.unavailable("kafka_unavailable", "the request could not be queued; retry", 2);
            } catch (Exception e) {
                log.warn("coach request {} not queued: {}", id, e.toString());
                throw ProblemException.unavailable("kafka_unavailable", "the request could not be queued; retry", 2);
            }
            return null;
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("session_id", id);
        answer.put("status", "queued");
        answer.put("stream_url", streamUrl(id));
        ctx.status(202).header("Location", "/v1/coach/sessions/" + id).json(answer);
    }

    private void show(Context ctx) {
        UUID user = platform.auth().requireUser(ctx);
        CoachSessions.Session s = ownSession(user, ctx.pathParam("id"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session_id", s.id());
        body.put("status", s.status());
        body.put("last_seq", s.lastSeq());
        body.put("asset_type", s.assetType());
        body.put("prompt", s.prompt());
        body.put("brand_kit_id", s.brandKitId());
        body.put("error_reason", s.errorReason());
        body.put("stream_url", streamUrl(s.id()));
        body.put("created_at", s.createdAt());
        body.put("updated_at", s.updatedAt());
        ctx.json(body);
    }

    private void ticket(Context ctx) {
        AccessTokens.Verified token = platform.auth().require(ctx);
        UUID user = token.userId();
        if (token.familyId() == null) {
            throw ProblemException.unauthorized("invalid_token", "this access token names no sign-in session; sign in again");
        }
        CoachSessions.Session s = ownSession(user, ctx.pathParam("id"));
        StreamTickets.Issued issued = tickets.issue(user, s.id(), token.familyId(), token.expiresAt());
        ctx.status(201).json(Map.of("ticket", issued.ticket(), "expires_at", issued.expiresAt()));
    }

    private void events(Context ctx) {
        UUID sessionId = parseId(ctx.pathParam("id"));
        String ticket = ctx.queryParam("ticket");
        UUID user;
        String family;
        if (ticket != null && ctx.header("Authorization") == null) {
            StreamTickets.Ticket verified = tickets.verify(ticket, sessionId);
            if (verified == null) {
                throw ProblemException.unauthorized("invalid_ticket", tickets.unknownVersion(ticket)
                        .map(v -> "the stream ticket was signed with key version " + v + ", which this server does not hold; get a new one")
                        .orElse("the stream ticket is invalid, expired or for another session; get a new one"));
            }
            if (platform.auth().isFamilyRevoked(verified.family())) {
                throw ProblemException.unauthorized("token_revoked", "the sign-in this ticket was issued for has ended; sign in again");
            }
            user = verified.user();
            family = verified.family();
        } else {
            AccessTokens.Verified token = platform.auth().require(ctx);
            user = token.userId();
            family = token.familyId();
        }
        long resumeAfter = lastEventId(ctx);
        // Quotas come before the session lookup (a flood of connects is refused without touching
        // Postgres) and before the response starts (a refusal is a problem the client can read).
        StreamSlots.Slot slot = streamSlots.tryAcquire(user);
        if (slot == null) {
            // A connection the client dropped holds its slot until a write finds it gone, at the
            // latest with the next heartbeat: that is when a slot may free without the client's help.
            long retryAfter = Math.max(1, (settings.heartbeat().toMillis() + 999) / 1000);
            throw new ProblemException(429, "too_many_streams", "Too Many Requests", "at most " + streamSlots.perUser()
                    + " event streams may be open at once; close one, or retry after " + retryAfter + " s")
                    .header("Retry-After", Long.toString(retryAfter)).with("limit", streamSlots.perUser());
        }
        CoachSessions.Session s;
        OutputReplay.Reservation reservation;
        try {
            s = sessions.find(user, sessionId).orElseThrow(() -> ProblemException.notFound("no coach session " + sessionId));
            if (s.finished() && s.lastSeq() != null && resumeAfter >= s.lastSeq()) {
                // 204 tells EventSource the stream is over: it stops reconnecting.
                slot.release();
                ctx.status(204);
                return;
            }
            reservation = replay.reserve();
            if (reservation == null) throw ProblemException.unavailable("replay_busy", "too many streams are starting on this instance; retry", 1);
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
        ctx.status(200);
        ctx.res().setContentType("text/event-stream;charset=utf-8");
        ctx.header("X-Accel-Buffering", "no");
        ctx.future(() -> {
            SseConnection connection = null;
            boolean replaying = false;
            try {
                AsyncContext async = ctx.req().getAsyncContext();
                connection = new SseConnection(async, ctx.res().getOutputStream());
                SseConnection conn = connection;
                SessionStream stream = new SessionStream(sessionId, resumeAfter, connection, settings, scheduler);
                java.util.function.Consumer<io.streamgate.schemas.coach.CoachOutput> subscriber = stream::accept;
                connection.start(() -> {
                    open.remove(conn);
                    if (family != null) signIns.remove(family, conn);
                    hub.unsubscribe(sessionId, subscriber);
                    stream.cancel();
                    slot.release();
                });
                open.add(connection);
                if (family != null) {
                    signIns.add(family, connection);
                    // revoked between the check above and now: the listener has already run
                    if (platform.auth().isFamilyRevoked(family)) signIns.revoked(List.of(family));
                }
                connection.send("retry: " + settings.retry().toMillis() + "\n\n");
                stream.limitDuration(settings.maxStreamDuration());
                long until = hub.subscribe(sessionId, s.outputPartition(), subscriber);
                // A finished session's terminal record was acknowledged before its status was
                // written, so reading to the partition's end must find it, unless retention removed it.
                replaying = true;
                reservation.replay(sessionId, s.outputPartition(), s.outputFromOffset(), until, s.finished(), subscriber).whenComplete((terminalSeen, e) -> {
                    if (e != null) {
                        log.warn("coach session {}: replay failed ({}); closing the stream so the client resumes", sessionId, e.toString());
                        conn.close();
                    } else if (s.finished() && !terminalSeen) {
                        stream.expired(s.lastSeq() == null ? resumeAfter : s.lastSeq());
                    }
                });
                return connection.finished();
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("coach session {}: the stream could not start ({}); the client resumes", sessionId, e.toString());
                slot.release();
                if (!replaying) reservation.close();
                if (connection == null) return java.util.concurrent.CompletableFuture.completedFuture(null);
                connection.close();
                return connection.finished();
            }
        });
    }

    /**
     * Last-Event-ID header (EventSource's reconnect), else the {@code last_event_id} query (a
     * fresh page resuming: EventSource cannot set the header on its first request). The query's
     * first spelling, {@code lastEventId}, is still read for pages loaded before the rename.
     */
    private static long lastEventId(Context ctx) {
        String raw = ctx.header("Last-Event-ID");
        if (raw == null || raw.isBlank()) raw = ctx.queryParam("last_event_id");
        if (raw == null || raw.isBlank()) raw = ctx.queryParam("lastEventId");
        if (raw == null || raw.isBlank()) return 0;
        try {
            long v = Long.parseLong(raw.trim());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("invalid_last_event_id", "Last-Event-ID must be a sequence number (a non-negative integer)");
        }
    }

    private CoachSessions.Session ownSession(UUID user, String rawId) {
        UUID id = parseId(rawId);
        return sessions.find(user, id).orElseThrow(() -> ProblemException.notFound("no coach session " + id));
    }

    private static UUID parseId(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no coach session " + raw);
        }
    }

    private static String streamUrl(UUID id) {
        return "/v1/coach/sessions/" + id + "/events";
    }

    int openStreams() {
        return open.size();
    }

    /** The replay pool, for tests that fill it. */
    OutputReplay replayPool() {
        return replay;
    }

    @Override
    public void close() {
        stopRevocations.run();
        if (heartbeats != null) heartbeats.cancel(false);
        open.forEach(SseConnection::close);
        hub.close();
        if (replay != null) replay.close();
        if (scheduler != null) scheduler.shutdownNow();
        if (producer != null) producer.close(Duration.ofSeconds(5));
    }
}
