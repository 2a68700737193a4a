package io.streamgate.ingest.auth;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.AccessTokens;
import io.streamgate.platform.http.ClientAddress;
import io.streamgate.platform.http.FieldErrors;
import io.streamgate.platform.http.JsonBodies;
import io.streamgate.platform.http.ProblemException;
import io.streamgate.schemas.auth.AuthTopics;
import io.streamgate.schemas.auth.TokenUsage;
import io.streamgate.schemas.auth.TokenVerdict;
import io.streamgate.schemas.auth.Verdicts;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /auth/*} and {@code /.well-known/jwks.json}. The edge checks what it can alone
 * (passwords, the refresh token's form and tag), writes every token event to
 * {@code auth.token-usage} keyed by user id, and for refresh and logout waits for the
 * processor's verdict: the processor that owns the user's partition is the only one that
 * decides whether a token is current, so there is nothing to lock here.
 *
 * <p>Sign-in and registration are limited before any work: the client address's attempts per
 * minute, then (sign-in) a failure slot of the account reserved before the password is checked
 * and given back when it was right, both counted in Postgres so every instance shares them; and
 * password hashing itself is bounded per process ({@link PasswordHashing}).
 */
public final class AuthEndpoints implements Component {
    private static final Logger log = LoggerFactory.getLogger(AuthEndpoints.class);
    private static final String INVALID_CREDENTIALS = "the email or password is incorrect";
    private static final java.time.Duration ADDRESS_WINDOW = java.time.Duration.ofMinutes(1);

    private final Platform platform;
    private final AuthSettings settings;
    private final RefreshTokens refreshTokens;
    private final Passwords passwords;
    private final PasswordHashing hashing;
    private final AttemptCounters counters;
    private final RateLimiter perAddress;
    private final RateLimiter perAccount;
    private final ScheduledExecutorService sweeper;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaClientMetrics producerMetrics;
    private final Counter verdictTimeouts;
    private volatile VerdictReplies replies;

    public AuthEndpoints(Platform platform) {
        this(platform, Passwords.owaspDefaults(), null);
    }

    /** {@code hashing} null: bounded as configured; tests pass their own to hold its permits. */
    AuthEndpoints(Platform platform, Passwords passwords, PasswordHashing hashing) {
        this.platform = platform;
        this.settings = AuthSettings.from(platform);
        this.refreshTokens = new RefreshTokens(settings.refreshKeys());
        this.passwords = passwords;
        this.hashing = hashing != null ? hashing
                : new PasswordHashing(settings.passwordHashConcurrency(), settings.passwordHashWait(), platform.metrics());
        this.counters = new AttemptCounters(platform.db());
        this.perAddress = new RateLimiter("address", settings.loginsPerIpPerMinute(), ADDRESS_WINDOW, counters, platform.clock(),
                settings.limiterMaxKeys(), platform.metrics());
        this.perAccount = new RateLimiter("account", settings.failuresPerAccount(), settings.failureWindow(), counters, platform.clock(),
                settings.limiterMaxKeys(), platform.metrics());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "auth-attempt-sweeper");
            t.setDaemon(true);
            return t;
        });
        Map<String, Object> props = platform.kafka().producer("auth-edge");
        // A refresh waits for its event to be acknowledged; batching would only add latency.
        props.put("linger.ms", 0);
        this.producer = new KafkaProducer<>(props);
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(platform.metrics());
        this.verdictTimeouts = Counter.builder("auth.verdict.timeouts")
                .description("refresh and logout requests answered 503 because no verdict came back in time").register(platform.metrics());
        platform.health().register("auth:verdicts", () -> replies != null && replies.running());
    }

    @Override
    public void http(JavalinConfig config) {
        config.routes.get("/.well-known/jwks.json", this::jwks);
        config.routes.post("/auth/register", this::register);
        config.routes.post("/auth/login", this::login);
        config.routes.post("/auth/refresh", this::refresh);
        config.routes.post("/auth/logout", ctx -> logout(ctx, TokenUsage.LOGOUT));
        config.routes.post("/auth/logout-all", ctx -> logout(ctx, TokenUsage.LOGOUT_ALL));
    }

    @Override
    public void start() {
        // Assigned and positioned at the end before the server takes requests, so no verdict
        // of a request this instance sends can be missed.
        VerdictReplies r = new VerdictReplies(platform, settings.replyPartition());
        r.start();
        replies = r;
        // Ended windows are dead rows; any instance may delete them, and doing it twice is harmless.
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.MINUTES);
    }

    private void sweep() {
        try {
            counters.sweep(platform.clock().instant());
        } catch (RuntimeException e) {
            log.warn("cannot delete ended attempt windows: {}", e.toString());
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        if (replies != null) replies.close();
        producer.close(java.time.Duration.ofSeconds(10));
        producerMetrics.close();
    }

    // --- routes -------------------------------------------------------------------------------

    private void jwks(Context ctx) {
        ctx.header("Cache-Control", "public, max-age=300");
        ctx.contentType("application/json").result(platform.auth().tokens().keys().publicJwksJson());
    }

    record Credentials(String email, String password) {}

    record RefreshBody(String refreshToken) {}

    private void register(Context ctx) {
        limitAddress(ctx);
        Credentials body = JsonBodies.read(ctx, Credentials.class);
        String email = normalise(body.email());
        new FieldErrors()
                .check(email != null && email.length() <= 254 && email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+"), "email", "must be an email address")
                .check(body.password() != null && body.password().length() >= 10, "password", "must be at least 10 characters")
                .check(body.password() == null || body.password().length() <= 256, "password", "must be at most 256 characters")
                .throwIfAny();
        UUID id = UUID.randomUUID();
        String hash = hashing.run(() -> passwords.hash(body.password()));
        Instant now = platform.clock().instant();
        boolean created = platform.db().inWorkerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into users (id, email, password_hash, created_at) values (?, ?, ?, ?) on conflict do nothing")) {
                ps.setObject(1, id);
                ps.setString(2, email);
                ps.setString(3, hash);
                ps.setObject(4, java.sql.Timestamp.from(now));
                return ps.executeUpdate() == 1;
            }
        });
        if (!created) {
            throw new ProblemException(409, "email_taken", "Conflict", "an account with this email already exists; sign in instead");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", id.toString());
        out.put("email", email);
        out.put("created_at", now.toString());
        ctx.status(201).json(out);
    }

    private void login(Context ctx) {
        limitAddress(ctx);
        Credentials body = JsonBodies.read(ctx, Credentials.class);
        String email = normalise(body.email());
        new FieldErrors()
                .check(email != null && email.length() <= 254, "email", "is required")
                .check(body.password() != null && body.password().length() <= 256, "password", "is required (at most 256 characters)")
                .throwIfAny();
        // Reserved as a failure before the password is checked, so concurrent guesses cannot all
        // pass a check that none of them has yet failed; a right password gives the slot back.
        RateLimiter.Slot failure = perAccount.acquire(email, "too many failed sign-ins for this account; try again later");
        Optional<UUID> user;
        try {
            user = findUser(email, body.password());
        } catch (RuntimeException e) {
            perAccount.refund(failure); // no password was checked (hashing busy, database down)
            throw e;
        }
        if (user.isEmpty()) throw ProblemException.unauthorized("invalid_credentials", INVALID_CREDENTIALS);
        perAccount.refund(failure);
        UUID family = UUID.randomUUID();
        String token = refreshTokens.first(user.get(), family);
        // The family exists once this event is acknowledged: any later refresh of it lands on
        // the same partition after it, so login need not wait for the processor.
        String address = ClientAddress.of(ctx);
        send(new TokenUsage(UUID.randomUUID().toString(), TokenUsage.ISSUE, user.get().toString(), family.toString(),
                RefreshTokens.hash(token), null, null, ip(address), userAgent(ctx), platform.clock().instant(),
                refreshTokens.clientBinding(refreshTokens.signingVersion(), address, ctx.userAgent())));
        tokens(ctx, user.get(), family, token);
    }

    private void refresh(Context ctx) {
        RefreshTokens.Parsed presented = presentedToken(ctx);
        // Server-made, never the client's X-Request-Id: the successor is derived from it, and the
        // processor answers a request id it has seen with its earlier verdict.
        String requestId = refreshTokens.newRequestId();
        String successor = refreshTokens.successor(presented.userId(), presented.familyId(), requestId, presented.hash()).orElseThrow();
        TokenVerdict verdict = ask(ctx, TokenUsage.REFRESH, presented, requestId, RefreshTokens.hash(successor));
        switch (verdict.verdict()) {
            case Verdicts.ROTATED, Verdicts.REISSUED -> {
                // Another instance may have made the successor under a version this one does not hold
                // yet (a rotation's roll skipped its verify-only step): the client retries elsewhere or later.
                String token = verdict.successorRequestId().equals(requestId) ? successor
                        : refreshTokens.successor(presented.userId(), presented.familyId(), verdict.successorRequestId(), presented.hash())
                                .orElseThrow(() -> ProblemException.unavailable("refresh_key_unavailable",
                                        "this session's new refresh token was made with a key version this instance does not hold yet; retry shortly", 1));
                tokens(ctx, presented.userId(), presented.familyId(), token);
            }
            default -> throw refused(verdict);
        }
    }

    private void logout(Context ctx, String type) {
        RefreshTokens.Parsed presented = presentedToken(ctx);
        TokenVerdict verdict = ask(ctx, type, presented, UUID.randomUUID().toString(), null);
        if (!Verdicts.LOGGED_OUT.equals(verdict.verdict())) throw refused(verdict);
        ctx.header("Cache-Control", "no-store");
        ctx.status(204);
    }

    // --- helpers -------------------------------------------------------------------------------

    private RefreshTokens.Parsed presentedToken(Context ctx) {
        RefreshBody body = JsonBodies.read(ctx, RefreshBody.class);
        if (body.refreshToken() == null || body.refreshToken().isBlank()) {
            new FieldErrors().add("refresh_token", "is required").throwIfAny();
        }
        String token = body.refreshToken().trim();
        return refreshTokens.parse(token).orElseThrow(() -> ProblemException.unauthorized("invalid_token",
                refreshTokens.unknownVersion(token)
                        .map(v -> "the refresh token was made with key version " + v + ", which this server does not hold; sign in again")
                        .orElse("the refresh token is not one this server issued")));
    }

    /**
     * Writes the event and waits for its verdict: bounded, and a timeout is never a success. The
     * write's acknowledgement is not awaited on its own (the verdict cannot come before it); a
     * failed write fails the wait instead.
     */
    private TokenVerdict ask(Context ctx, String type, RefreshTokens.Parsed presented, String requestId, String successorHash) {
        var pending = replies.expect(requestId);
        try {
            String address = ClientAddress.of(ctx);
            TokenUsage event = new TokenUsage(requestId, type, presented.userId().toString(), presented.familyId().toString(),
                    presented.hash(), successorHash, replies.partition(), ip(address), userAgent(ctx), platform.clock().instant(),
                    refreshTokens.clientBinding(presented.keyVersion(), address, ctx.userAgent()));
            producer.send(record(event), (metadata, error) -> {
                if (error != null) pending.completeExceptionally(new WriteFailed(error));
            });
            return pending.get(settings.verdictTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Only the wait running out: a failed write is kafka_unavailable, counted by the producer's own metrics.
            verdictTimeouts.increment();
            throw ProblemException.unavailable("verdict_timeout",
                    "the token service did not answer in time; retry the same request shortly", 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("verdict_timeout", "interrupted while waiting; retry", 1);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WriteFailed w) throw kafkaUnavailable(w.getCause());
            throw ProblemException.unavailable("verdict_timeout", "the token service failed; retry", 1);
        } catch (KafkaException e) {
            throw kafkaUnavailable(e);
        } finally {
            replies.forget(requestId);
        }
    }

    /** A token event that the broker did not take. */
    private static final class WriteFailed extends RuntimeException {
        WriteFailed(Throwable cause) {
            super(cause);
        }
    }

    private static ProblemException kafkaUnavailable(Throwable cause) {
        log.warn("cannot write token event: {}", cause.toString());
        return ProblemException.unavailable("kafka_unavailable", "the event log is unavailable; retry shortly", 2);
    }

    private static ProducerRecord<byte[], byte[]> record(TokenUsage event) {
        byte[] key = event.userId().getBytes(StandardCharsets.UTF_8);
        byte[] value = AuthTopics.TOKEN_USAGE.valueSerde().serializer().serialize(AuthTopics.TOKEN_USAGE.name(), event);
        return new ProducerRecord<>(AuthTopics.TOKEN_USAGE.name(), key, value);
    }

    /** Writes the event and waits for the broker's acknowledgement. */
    private void send(TokenUsage event) {
        try {
            producer.send(record(event)).get(settings.verdictTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("kafka_unavailable", "interrupted while writing; retry", 1);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw kafkaUnavailable(e);
        }
    }

    private void tokens(Context ctx, UUID user, UUID family, String refreshToken) {
        AccessTokens.Issued access = platform.auth().tokens().issue(user, family.toString());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("access_token", access.token());
        out.put("token_type", "Bearer");
        out.put("expires_in", Math.max(0, access.expiresAt().getEpochSecond() - platform.clock().instant().getEpochSecond()));
        out.put("refresh_token", refreshToken);
        out.put("session_id", family.toString());
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        ctx.json(out);
    }

    private static ProblemException refused(TokenVerdict verdict) {
        return switch (verdict.verdict()) {
            case Verdicts.REUSED -> ProblemException.unauthorized("token_reused",
                    "this refresh token was already used; every session of this account has been signed out");
            case Verdicts.EXPIRED -> ProblemException.unauthorized("token_expired", "this session has expired; sign in again");
            default -> ProblemException.unauthorized("invalid_token", "the refresh token is not valid");
        };
    }

    private Optional<UUID> findUser(String email, String password) {
        record Row(UUID id, String hash) {}
        Optional<Row> row = platform.db().inWorkerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select id, password_hash from users where lower(email) = ?")) {
                ps.setString(1, email);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Row(rs.getObject(1, UUID.class), rs.getString(2))) : Optional.<Row>empty();
                }
            }
        });
        // Unknown email and wrong password do the same work and get the same answer.
        if (row.isEmpty()) {
            hashing.run(() -> passwords.verifyDummy(password));
            return Optional.empty();
        }
        boolean right = hashing.run(() -> passwords.verify(password, row.get().hash()));
        return right ? Optional.of(row.get().id()) : Optional.empty();
    }

    /** Counts the attempt against the client address (IPv6 by /64) before anything else is done. */
    private void limitAddress(Context ctx) {
        perAddress.acquire(ClientAddress.limitKey(ctx), "too many sign-in attempts from this address; try again later");
    }

    RateLimiter perAddress() {
        return perAddress;
    }

    private static String normalise(String email) {
        return email == null ? null : email.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static String ip(String address) {
        return address.length() > 64 ? address.substring(0, 64) : address;
    }

    private static String userAgent(Context ctx) {
        String ua = ctx.userAgent();
        if (ua == null) return null;
        return ua.length() > 512 ? ua.substring(0, 512) : ua;
    }
}
