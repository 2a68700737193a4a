package io.streamgate.bench.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.bench.ThreadCpu;
import io.streamgate.launcher.LaunchOptions;
import io.streamgate.launcher.Streamgate;
import io.streamgate.schemas.Json;
import io.streamgate.testkit.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Hostile load against a whole {@code streamgate dev} in this JVM (embedded broker, every role,
 * a scratch database on the local Postgres), as seen by one signed-in user. For each flood: a
 * quiet phase (the user's probe alone: {@code GET /v1/brand-kits} every 20 ms, open loop), then
 * the flood with the probe beside it. Reported per flood: the probe's p50 and p99 in the flood
 * against its quiet ones from just before (goal: p99 at most 3x), the heap's peak in each phase,
 * the flood's answers by status, and the checks that every refusal (429, 503) carried
 * {@code Retry-After} and that nothing was left hanging (the client's timeout, counted).
 * <ol>
 *   <li>{@code readiness}: concurrent unauthenticated {@code GET /health/ready};</li>
 *   <li>{@code login}: {@code POST /auth/login} from many loopback addresses (127.0.0.2 and up,
 *       each client bound to its own; Linux routes all of 127.0.0.0/8 to lo), wrong passwords for
 *       a few registered accounts and, in a share of attempts, emails nobody registered (credential
 *       stuffing: no account lock ever applies to them);</li>
 *   <li>{@code sse}: coach event-stream connects as the API wants them (bearer token; a fresh
 *       ticket from {@code POST .../stream-tickets}) and as it must refuse them (no credentials; a
 *       forged ticket), accepted streams held open;</li>
 *   <li>{@code coach}: concurrent {@code POST /v1/coach/sessions} by a few users.</li>
 * </ol>
 * The floods use Jetty's asynchronous client (it can bind a source address; the JDK's cannot).
 * Coach generations run at {@code -Dcoach.token-delay} (default 250 ms a token): the SSE flood's
 * sessions (long answers, about two minutes each) generate through its quiet phase and the flood,
 * so its streams stay open on live sessions, and the coach flood's generations cost what they
 * cost at that pace ({@code COACH_WORKER_THREADS} of them at once).
 *
 * <p>System properties (all optional): {@code phases=readiness,login,sse,coach}, {@code seconds=20}
 * (each flood), {@code quiet=seconds} (each quiet phase), {@code warmup=10} (the probe alone, once),
 * {@code flood-warmup=15} (each flood, unmeasured, before its quiet phase), {@code settle=5} (between
 * phases), {@code timeout=10} (the client's, seconds), {@code rate=0} (a ceiling in requests per second
 * for the readiness, login and coach floods; 0: as fast as answers come), {@code probe.path=/v1/brand-kits}, {@code probe.interval-ms=20},
 * {@code readiness.concurrency=64}, {@code readiness.path=/health/ready}, {@code login.sources=64},
 * {@code login.per-source=1}, {@code login.accounts=8}, {@code login.unknown-share=0.5},
 * {@code sse.concurrency=64}, {@code sse.held=2000}, {@code sse.users=4}, {@code sse.sessions=2}
 * (per user), {@code coach.concurrency=64}, {@code coach.users=4}, {@code coach.token-delay=250ms},
 * {@code results=bench/results/abuse.jsonl}; {@code env.NAME=value} sets the server's environment variable NAME.
 * <pre>
 * bench/run.sh abuse                                   # BENCH_JAVA_OPTS="-Dphases=login -Dseconds=5" to narrow it
 * </pre>
 */
public final class AbuseBench {
    static final List<String> ORDER = List.of("readiness", "login", "sse", "coach");
    static final List<String> PHASES = Arrays.stream(System.getProperty("phases", String.join(",", ORDER)).split(","))
            .map(String::trim).filter(p -> !p.isEmpty()).toList();
    static final Duration FLOOD = Duration.ofSeconds(Integer.getInteger("seconds", 20));
    static final Duration QUIET = Duration.ofSeconds(Integer.getInteger("quiet", (int) FLOOD.toSeconds()));
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("warmup", 10));
    static final Duration SETTLE = Duration.ofSeconds(Integer.getInteger("settle", 5));
    /**
     * Each flood runs this long, unmeasured, before its quiet phase: its code paths (the
     * refusals) are then compiled, as in a service that has met floods before, and the phase
     * measures the refusals themselves rather than the JIT compiling them on two cores.
     */
    static final Duration FLOOD_WARMUP = Duration.ofSeconds(Integer.getInteger("flood-warmup", 15));
    static final Duration TIMEOUT = Duration.ofSeconds(Integer.getInteger("timeout", 10));
    static final double RATE = Double.parseDouble(System.getProperty("rate", "0"));
    static final String PROBE_PATH = System.getProperty("probe.path", "/v1/brand-kits");
    static final Duration PROBE_INTERVAL = Duration.ofMillis(Integer.getInteger("probe.interval-ms", 20));
    static final int READINESS_CONCURRENCY = Integer.getInteger("readiness.concurrency", 64);
    static final String READINESS_PATH = System.getProperty("readiness.path", "/health/ready");
    static final int LOGIN_SOURCES = Integer.getInteger("login.sources", 64);
    static final int LOGIN_PER_SOURCE = Integer.getInteger("login.per-source", 1);
    static final int LOGIN_ACCOUNTS = Integer.getInteger("login.accounts", 8);
    static final double LOGIN_UNKNOWN_SHARE = Double.parseDouble(System.getProperty("login.unknown-share", "0.5"));
    static final int SSE_CONCURRENCY = Integer.getInteger("sse.concurrency", 64);
    static final int SSE_HELD = Integer.getInteger("sse.held", 2000);
    static final int SSE_USERS = Integer.getInteger("sse.users", 4);
    static final int SSE_SESSIONS = Integer.getInteger("sse.sessions", 2);
    static final int COACH_CONCURRENCY = Integer.getInteger("coach.concurrency", 64);
    static final int COACH_USERS = Integer.getInteger("coach.users", 4);
    static final String TOKEN_DELAY = System.getProperty("coach.token-delay", "250ms");
    static final Path RESULTS = Path.of(System.getProperty("results", "bench/results/abuse.jsonl"));
    static final double GOAL_P99_RATIO = 3.0;
    static final String PASSWORD = "correct horse battery staple";

    private final String base;
    private final QueuedThreadPool threads;
    private final ScheduledExecutorScheduler timers;
    private final ByteBufferPool buffers = new ArrayByteBufferPool();
    private final List<HttpClient> clients = new ArrayList<>();
    private int nextSetupAddress = 1;

    private AbuseBench(String base) throws Exception {
        this.base = base;
        // Started here and handed to every client: a client does not stop what it did not start,
        // and 64 bound clients share one pool instead of starting 64 of their own.
        threads = new QueuedThreadPool(256, 8);
        threads.setName("load-jetty");
        threads.setDaemon(true);
        threads.start();
        timers = new ScheduledExecutorScheduler("load-jetty-timer", true);
        timers.start();
    }

    public static void main(String[] args) throws Exception {
        for (String p : PHASES) {
            if (!ORDER.contains(p)) throw new IllegalArgumentException("unknown phase " + p + "; phases are " + ORDER);
        }
        String revision = revision();
        Files.createDirectories(RESULTS.toAbsolutePath().getParent());
        Path dir = Files.createTempDirectory("abuse-bench-");
        List<PhaseResult> results = new ArrayList<>();
        Throwable failure = null;
        try (TestDatabase db = TestDatabase.create("abusebench")) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("DATABASE_URL", db.url().jdbcUrl() + "?user=" + db.url().user());
            env.put("HTTP_HOST", "127.0.0.1");
            env.put("LOG_LEVEL", "WARN");
            env.put("COACH_TOKEN_DELAY", TOKEN_DELAY);
            // -Denv.NAME=value sets the server's NAME, e.g. to compare a limit's settings in one session
            System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("env."))
                    .forEach(k -> env.put(k.substring(4), System.getProperty(k)));
            try (Streamgate running = Streamgate.start(LaunchOptions.parse("dev", "--port", "0", "--kafka-port", "0", "--data-dir", dir.toString()), env)) {
                AbuseBench bench = new AbuseBench("http://127.0.0.1:" + running.port());
                try {
                    bench.run(r -> {
                        results.add(r);
                        // as each phase ends: a run that dies later (a flood can exhaust the heap) keeps what it measured
                        appendLine(r, revision);
                    });
                } catch (Exception | Error e) {
                    failure = e;
                } finally {
                    bench.close();
                }
            }
        }
        report(results, revision);
        System.out.println();
        System.out.println("appended " + results.size() + " lines to " + RESULTS);
        if (failure != null) {
            System.out.println("the run stopped early: " + failure);
            failure.printStackTrace();
        }
        System.exit(failure == null ? 0 : 1); // the broker's and clients' non-daemon threads would keep the JVM up
    }

    void run(java.util.function.Consumer<PhaseResult> done) throws Exception {
        log("setting up users on %s", base);
        User probeUser = user("probe");
        for (int i = 1; i <= 3; i++) {
            setup(() -> probeUser.client.newRequest(base + "/v1/brand-kits").method(HttpMethod.POST)
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + probeUser.accessToken()))
                    .body(json(Map.of("name", "Bench kit " + UUID.randomUUID().toString().substring(0, 4)))), 201);
        }
        List<User> loginAccounts = PHASES.contains("login") ? users("login", LOGIN_ACCOUNTS) : List.of();
        List<User> sseUsers = PHASES.contains("sse") ? users("sse", SSE_USERS) : List.of();
        List<User> coachUsers = PHASES.contains("coach") ? users("coach", COACH_USERS) : List.of();

        HttpClient probeClient = probeUser.client;
        Probe probe = new Probe(probeClient, URI.create(base + PROBE_PATH), probeUser::accessToken, PROBE_INTERVAL, TIMEOUT);
        log("warm-up: probe alone for %d s", WARMUP.toSeconds());
        log("warm-up: %s", probe.run(WARMUP).brief());

        for (String phase : ORDER) {
            if (!PHASES.contains(phase)) continue;
            probeUser.refreshIfOld();
            System.gc();
            Thread.sleep(SETTLE.toMillis());
            int phaseClients = clients.size();
            if (!FLOOD_WARMUP.isZero()) {
                log("%s: warm-up flood for %d s (not measured)", phase, FLOOD_WARMUP.toSeconds());
                Flood warm = flood(phase, loginAccounts, sseUsers, coachUsers);
                warm.start();
                Thread.sleep(FLOOD_WARMUP.toMillis());
                warm.stop(TIMEOUT.plusSeconds(5));
                stopClientsFrom(phaseClients);
                System.gc();
                Thread.sleep(SETTLE.toMillis());
            }
            // Made before the quiet phase so both phases run with the same clients and sessions.
            Flood flood = flood(phase, loginAccounts, sseUsers, coachUsers);
            log("%s: quiet phase, probe alone for %d s", phase, QUIET.toSeconds());
            HeapWatch heap = new HeapWatch();
            var cpu0 = ThreadCpu.snapshot();
            heap.start();
            Probe.Window quiet = probe.run(QUIET);
            HeapWatch.Figures quietHeap = heap.stop();
            var cpu1 = ThreadCpu.snapshot();
            log("%s: quiet: %s", phase, quiet.brief());

            log("%s: flood for %d s with the probe beside it", phase, FLOOD.toSeconds());
            heap = new HeapWatch();
            heap.start();
            long t0 = System.nanoTime();
            flood.start();
            Probe.Window loud = probe.run(FLOOD);
            // the drain gives every request in flight its full timeout, and a little more
            Flood.Outcome outcome = flood.stop(TIMEOUT.plusSeconds(5));
            double floodSeconds = (System.nanoTime() - t0) / 1e9;
            HeapWatch.Figures floodHeap = heap.stop();
            var cpu2 = ThreadCpu.snapshot();
            log("%s: flood: %s; flood answers %s; hanging %d", phase, loud.brief(), outcome.tally().statusSummary(), outcome.hanging());
            done.accept(new PhaseResult(phase, describe(phase), quiet, loud, quietHeap, floodHeap, outcome, floodSeconds,
                    ThreadCpu.between(cpu0, cpu1), ThreadCpu.between(cpu1, cpu2)));
            stopClientsFrom(phaseClients);
        }
    }

    // --- floods ------------------------------------------------------------------------------

    private Flood flood(String phase, List<User> loginAccounts, List<User> sseUsers, List<User> coachUsers) throws Exception {
        return switch (phase) {
            case "readiness" -> readinessFlood();
            case "login" -> loginFlood(loginAccounts);
            case "sse" -> sseFlood(sseUsers);
            case "coach" -> coachFlood(coachUsers);
            default -> throw new IllegalStateException(phase);
        };
    }

    private Flood readinessFlood() throws Exception {
        HttpClient client = client(null, READINESS_CONCURRENCY);
        return new ClosedLoop(READINESS_CONCURRENCY, worker -> client.newRequest(base + READINESS_PATH)
                .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), threads, timers, RATE);
    }

    private Flood loginFlood(List<User> accounts) throws Exception {
        List<HttpClient> sources = new ArrayList<>();
        for (int i = 0; i < LOGIN_SOURCES; i++) sources.add(client(loopback(0, 2 + i), LOGIN_PER_SOURCE));
        String url = base + "/auth/login";
        return new ClosedLoop(LOGIN_SOURCES * LOGIN_PER_SOURCE, worker -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String email = accounts.isEmpty() || random.nextDouble() < LOGIN_UNKNOWN_SHARE
                    ? "nobody-" + UUID.randomUUID() + "@example.com"
                    : accounts.get(random.nextInt(accounts.size())).email;
            return sources.get(worker % LOGIN_SOURCES).newRequest(url).method(HttpMethod.POST)
                    .body(json(Map.of("email", email, "password", "wrong password " + random.nextInt(1_000_000))))
                    .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }, threads, timers, RATE);
    }

    /** The stream targets are made just before the quiet phase: both phases run beside their generations. */
    private Flood sseFlood(List<User> users) throws Exception {
        record Target(User user, String session) {}
        List<Target> targets = new ArrayList<>();
        for (User u : users) {
            for (int i = 0; i < SSE_SESSIONS; i++) targets.add(new Target(u, createSession(u, i)));
        }
        Tally tally = new Tally();
        IntFunction<CompletableFuture<Request>> attempts = n -> {
            Target t = targets.get(n % targets.size());
            String events = base + "/v1/coach/sessions/" + t.session() + "/events";
            return switch (n / targets.size() % 4) {
                case 0 -> CompletableFuture.completedFuture(stream(t.user().client, events)
                        .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + t.user().accessToken())));
                case 1 -> {
                    Request ticket = t.user().client.newRequest(base + "/v1/coach/sessions/" + t.session() + "/stream-tickets")
                            .method(HttpMethod.POST).headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + t.user().accessToken()))
                            .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    yield new CompletableResponseListener(ticket).send().handle((r, e) -> {
                        if (e != null) {
                            tally.failed(e);
                            return null;
                        }
                        tally.answered(r);
                        if (r.getStatus() != 201) return null;
                        String value = field(r, "ticket");
                        return stream(t.user().client, events + "?ticket=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
                    }).exceptionally(e -> null);
                }
                case 2 -> CompletableFuture.completedFuture(stream(t.user().client, events));
                default -> CompletableFuture.completedFuture(stream(t.user().client, events + "?ticket=t1." + t.session() + "."
                        + UUID.randomUUID() + "." + (Instant.now().getEpochSecond() + 3600) + ".Zm9yZ2Vk"));
            };
        };
        return new StreamFlood(SSE_CONCURRENCY, SSE_HELD, attempts, threads, timers, TIMEOUT, tally);
    }

    private Request stream(HttpClient client, String url) {
        return client.newRequest(url).headers(h -> h.put(HttpHeader.ACCEPT, "text/event-stream"));
    }

    private Flood coachFlood(List<User> users) {
        String url = base + "/v1/coach/sessions";
        return new ClosedLoop(COACH_CONCURRENCY, worker -> {
            User u = users.get(worker % users.size());
            return u.client.newRequest(url).method(HttpMethod.POST)
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + u.accessToken()))
                    .body(json(Map.of("prompt", "a fox streamer in a neon headset, bold cyan and magenta, close-up, text \"GG\" (worker "
                            + worker + ")", "asset_type", "thumbnail")))
                    .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }, threads, timers, RATE);
    }

    /**
     * A session whose answer is long (the offline model's answer repeats the prompt: about 550
     * tokens here, over two minutes at 250 ms a token), so it still generates through the quiet
     * phase and the flood, and its streams stay open unless the server ends them.
     */
    private String createSession(User u, int i) throws Exception {
        String prompt = "a cosy pixel-art cabin at night, warm orange and teal, centered, text \"LIVE " + i + "\"; "
                + "snow on the roof, smoke from the chimney, a cat in the window, pine trees around it, stars above, a lantern by the door. ".repeat(15);
        ContentResponse r = setup(() -> u.client.newRequest(base + "/v1/coach/sessions").method(HttpMethod.POST)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + u.accessToken()))
                .body(json(Map.of("prompt", prompt, "asset_type", "banner"))), 202);
        return field(r, "session_id");
    }

    static String describe(String phase) {
        return switch (phase) {
            case "readiness" -> String.format(Locale.ROOT, "%d concurrent GET %s, no credentials", READINESS_CONCURRENCY, READINESS_PATH);
            case "login" -> String.format(Locale.ROOT, "%d source addresses (127.0.0.2-127.0.0.%d) × %d concurrent POST /auth/login, wrong passwords"
                    + " for %d accounts, %.0f%% unknown emails", LOGIN_SOURCES, 1 + LOGIN_SOURCES, LOGIN_PER_SOURCE, LOGIN_ACCOUNTS, LOGIN_UNKNOWN_SHARE * 100);
            case "sse" -> String.format(Locale.ROOT, "%d concurrent event-stream connects to %d sessions of %d users (bearer, fresh ticket, none,"
                    + " forged ticket), accepted ones held (at most %,d)", SSE_CONCURRENCY, SSE_USERS * SSE_SESSIONS, SSE_USERS, SSE_HELD);
            case "coach" -> String.format(Locale.ROOT, "%d concurrent POST /v1/coach/sessions by %d users", COACH_CONCURRENCY, COACH_USERS);
            default -> phase;
        };
    }

    // --- users and setup ---------------------------------------------------------------------

    /** A registered user with its own client, bound to its own loopback address (127.0.1.x). */
    final class User {
        final String email;
        final HttpClient client;
        private volatile String accessToken;
        private volatile long signedInAt;

        User(String email, HttpClient client) {
            this.email = email;
            this.client = client;
        }

        String accessToken() {
            return accessToken;
        }

        void signIn() throws Exception {
            ContentResponse r = setup(() -> client.newRequest(base + "/auth/login").method(HttpMethod.POST)
                    .body(json(Map.of("email", email, "password", PASSWORD))), 200);
            accessToken = field(r, "access_token");
            signedInAt = System.nanoTime();
        }

        /** Access tokens live 15 minutes by default; a long run signs in again between phases. */
        void refreshIfOld() throws Exception {
            if (System.nanoTime() - signedInAt > TimeUnit.MINUTES.toNanos(5)) signIn();
        }
    }

    private User user(String kind) throws Exception {
        String email = "abuse-" + kind + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        // one address per user, so the per-address limits the floods meet never refuse the setup
        User u = new User(email, client(loopback(1, nextSetupAddress++), 4096));
        setup(() -> u.client.newRequest(base + "/auth/register").method(HttpMethod.POST).body(json(Map.of("email", email, "password", PASSWORD))), 201);
        u.signIn();
        return u;
    }

    private List<User> users(String kind, int n) throws Exception {
        List<User> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(user(kind));
        return out;
    }

    /** A setup call: waits out 429 and 503 as their Retry-After says (a few times), then wants {@code expected}. */
    private static ContentResponse setup(Supplier<Request> make, int expected) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Request request = make.get();
            ContentResponse r = request.timeout(30, TimeUnit.SECONDS).send();
            if ((r.getStatus() == 429 || r.getStatus() == 503) && attempt < 4) {
                String after = r.getHeaders().get(HttpHeader.RETRY_AFTER);
                long seconds = after == null ? 2 : Math.min(70, Long.parseLong(after.trim()));
                log("setup %s %s: %d, retrying in %d s", request.getMethod(), request.getPath(), r.getStatus(), seconds);
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                continue;
            }
            if (r.getStatus() != expected) {
                throw new IllegalStateException("setup " + request.getMethod() + " " + request.getPath() + ": " + r.getStatus() + " " + r.getContentAsString());
            }
            return r;
        }
    }

    private static String field(ContentResponse r, String name) {
        try {
            JsonNode value = Json.mapper().readTree(r.getContentAsString()).get(name);
            if (value == null) throw new IllegalStateException("no " + name + " in " + r.getContentAsString());
            return value.asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static StringRequestContent json(Object body) {
        try {
            return new StringRequestContent("application/json", Json.mapper().writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String loopback(int third, int fourth) {
        return "127.0." + third + "." + fourth;
    }

    /** A client on the shared threads; {@code bindAddress} null: the kernel's choice (127.0.0.1). */
    private HttpClient client(String bindAddress, int maxConnections) throws Exception {
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(timers);
        client.setByteBufferPool(buffers);
        if (bindAddress != null) client.setBindAddress(new InetSocketAddress(bindAddress, 0));
        client.setMaxConnectionsPerDestination(maxConnections);
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, maxConnections));
        client.setConnectTimeout(TIMEOUT.toMillis());
        // held event streams are quiet between heartbeats (15 s by default)
        client.setIdleTimeout(TimeUnit.MINUTES.toMillis(5));
        client.setFollowRedirects(false);
        client.start();
        clients.add(client);
        return client;
    }

    /** Stops the clients a phase made (the login flood's 64), keeping the users'. */
    private void stopClientsFrom(int first) {
        while (clients.size() > first) {
            try {
                clients.remove(clients.size() - 1).stop();
            } catch (Exception e) {
                log("client stop: %s", e);
            }
        }
    }

    private void close() {
        for (HttpClient c : clients) {
            try {
                c.stop();
            } catch (Exception e) {
                log("client stop: %s", e);
            }
        }
        try {
            timers.stop();
            threads.stop();
        } catch (Exception e) {
            log("thread pool stop: %s", e);
        }
    }

    // --- report ------------------------------------------------------------------------------

    record PhaseResult(String flood, String description, Probe.Window quiet, Probe.Window loud, HeapWatch.Figures quietHeap,
                       HeapWatch.Figures floodHeap, Flood.Outcome outcome, double floodSeconds,
                       Map<String, Double> cpuQuiet, Map<String, Double> cpuFlood) {
        double p99Ratio() {
            return loud.p99Ms() / quiet.p99Ms();
        }

        double p50Ratio() {
            return loud.p50Ms() / quiet.p50Ms();
        }

        /** What missed, empty when every goal of the issue was met. */
        List<String> misses() {
            List<String> out = new ArrayList<>();
            Tally t = outcome.tally();
            if (!(p99Ratio() <= GOAL_P99_RATIO)) out.add(String.format(Locale.ROOT, "probe p99 %.1fx quiet (goal ≤ %.0fx)", p99Ratio(), GOAL_P99_RATIO));
            if (loud.failed() > 0) out.add("probe requests failed: " + loud.failures());
            long noRetryAfter = t.refusedWithoutRetryAfter() + loud.tally().refusedWithoutRetryAfter();
            if (noRetryAfter > 0) out.add(noRetryAfter + " refusals without Retry-After");
            if (outcome.hanging() > 0) out.add(outcome.hanging() + " flood requests left hanging");
            if (t.serverErrors() > 0) out.add(t.serverErrors() + " flood answers 5xx other than 503");
            if (t.transportFailures() > 0) out.add(t.transportFailures() + " flood requests failed without an answer " + t.failureKinds());
            return out;
        }
    }

    /** The command that repeats this run: the phases and durations, and every other property given. */
    static String command() {
        StringBuilder opts = new StringBuilder(String.format(Locale.ROOT, "-Dphases=%s -Dseconds=%d -Dquiet=%d",
                String.join(",", PHASES), FLOOD.toSeconds(), QUIET.toSeconds()));
        for (String key : List.of("warmup", "flood-warmup", "settle", "timeout", "rate", "probe.path", "probe.interval-ms", "readiness.concurrency",
                "readiness.path", "login.sources", "login.per-source", "login.accounts", "login.unknown-share", "sse.concurrency",
                "sse.held", "sse.users", "sse.sessions", "coach.concurrency", "coach.users", "coach.token-delay")) {
            if (System.getProperty(key) != null) opts.append(" -D").append(key).append('=').append(System.getProperty(key));
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("env.")).sorted()
                .forEach(k -> opts.append(" -D").append(k).append('=').append(System.getProperty(k)));
        return "BENCH_JAVA_OPTS=\"" + opts + "\" bench/run.sh abuse";
    }

    static void appendLine(PhaseResult r, String revision) {
        try {
            Files.writeString(RESULTS, Json.mapper().writeValueAsString(jsonLine(r, revision, command())) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log("could not append to %s: %s", RESULTS, e);
        }
    }

    static void report(List<PhaseResult> results, String revision) {
        String command = command();
        System.out.printf(Locale.ROOT, "%nAbuse floods at %s (%s), JDK %s, %d CPUs, heap max %.0f MiB, client timeout %d s%n",
                revision, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), results.isEmpty() ? 0 : results.get(0).floodHeap().heapMaxMib(), TIMEOUT.toSeconds());
        System.out.printf(Locale.ROOT, "Probe: GET %s as one signed-in user every %d ms (open loop, latency from the scheduled send; failures"
                + " counted at the time they failed); quiet phase %d s just before each %d s flood.%n",
                PROBE_PATH, PROBE_INTERVAL.toMillis(), QUIET.toSeconds(), FLOOD.toSeconds());
        System.out.println(command);
        System.out.println();
        System.out.println("| flood | probe p50 quiet → flood ms | probe p99 quiet → flood ms | p50 ratio | **p99 ratio** (goal ≤ 3) | probe failures quiet / flood |");
        System.out.println("|---|---|---|---|---|---|");
        for (PhaseResult r : results) {
            System.out.printf(Locale.ROOT, "| %s | %.1f → %.1f | %.1f → %.1f | %.2f | **%.2f** | %s / %s |%n", r.flood(),
                    r.quiet().p50Ms(), r.loud().p50Ms(), r.quiet().p99Ms(), r.loud().p99Ms(), r.p50Ratio(), r.p99Ratio(),
                    r.quiet().failures(), r.loud().failures());
        }
        System.out.println();
        System.out.println("| flood | requests (req/s) | answers by status | refused 429/503 | refused without Retry-After | hanging (client timeout) | no answer (connection failed) | heap peak quiet → flood MiB | old gen peak quiet → flood MiB | GC count (ms) quiet → flood | threads peak |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (PhaseResult r : results) {
            Tally t = r.outcome().tally();
            System.out.printf(Locale.ROOT, "| %s | %,d (%,.0f/s) | %s | %,d | %,d | %,d | %,d | %.0f → %.0f | %.0f → %.0f | %d (%d) → %d (%d) | %d |%n",
                    r.flood(), t.total(), t.total() / r.floodSeconds(), t.statusSummary(), t.refused(), t.refusedWithoutRetryAfter(),
                    r.outcome().hanging(), t.transportFailures(), r.quietHeap().heapPeakMib(), r.floodHeap().heapPeakMib(),
                    r.quietHeap().oldGenPeakMib(), r.floodHeap().oldGenPeakMib(), r.quietHeap().gcCount(), r.quietHeap().gcMillis(),
                    r.floodHeap().gcCount(), r.floodHeap().gcMillis(), r.floodHeap().threadsPeak());
        }
        System.out.println();
        for (PhaseResult r : results) {
            List<String> misses = r.misses();
            StringBuilder extra = new StringBuilder();
            r.outcome().extra().forEach((k, v) -> extra.append(", ").append(k.replace('_', ' ')).append(' ').append(String.format(Locale.ROOT, "%,d", v)));
            System.out.printf(Locale.ROOT, "- %s (%s)%s: %s%n", r.flood(), r.description(), extra,
                    misses.isEmpty() ? "**every goal met**" : "**missed**: " + String.join("; ", misses));
        }
    }

    static Map<String, Object> jsonLine(PhaseResult r, String revision, String command) {
        Tally t = r.outcome().tally();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("bench", "abuse");
        line.put("at", Instant.now().toString());
        line.put("revision", revision);
        line.put("command", command);
        line.put("cpus", Runtime.getRuntime().availableProcessors());
        line.put("flood", r.flood());
        line.put("description", r.description());
        line.put("flood_seconds", round(r.floodSeconds()));
        line.put("quiet_seconds", QUIET.toSeconds());
        line.put("probe", Map.of("path", PROBE_PATH, "interval_ms", PROBE_INTERVAL.toMillis()));
        line.put("probe_quiet", window(r.quiet()));
        line.put("probe_flood", window(r.loud()));
        line.put("p50_ratio", round(r.p50Ratio()));
        line.put("p99_ratio", round(r.p99Ratio()));
        line.put("requests", t.total());
        line.put("statuses", t.statuses());
        line.put("refused", t.refused());
        line.put("refused_without_retry_after", t.refusedWithoutRetryAfter());
        line.put("hanging", r.outcome().hanging());
        line.put("transport_failures", t.failureKinds());
        line.put("server_errors_other_than_503", t.serverErrors());
        line.putAll(r.outcome().extra());
        line.put("heap_quiet", heap(r.quietHeap()));
        line.put("heap_flood", heap(r.floodHeap()));
        line.put("cpu_seconds_quiet", rounded(r.cpuQuiet()));
        line.put("cpu_seconds_flood", rounded(r.cpuFlood()));
        line.put("goals_missed", r.misses());
        return line;
    }

    static Map<String, Object> window(Probe.Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", w.requests());
        m.put("failed", w.failed());
        m.put("timeouts", w.timeouts());
        m.put("statuses", w.tally().statuses());
        m.put("p50_ms", round(w.p50Ms()));
        m.put("p99_ms", round(w.p99Ms()));
        m.put("max_ms", round(w.maxMs()));
        return m;
    }

    static Map<String, Object> heap(HeapWatch.Figures f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peak_mib", round(f.heapPeakMib()));
        m.put("old_gen_peak_mib", round(f.oldGenPeakMib()));
        m.put("max_mib", round(f.heapMaxMib()));
        m.put("gc_count", f.gcCount());
        m.put("gc_ms", f.gcMillis());
        m.put("threads_peak", f.threadsPeak());
        return m;
    }

    static Map<String, Double> rounded(Map<String, Double> values) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, round(v)));
        return out;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static String revision() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "abuse: " + format + "%n", args);
    }
}
