package io.streamgate.bench.webhooks;

import io.javalin.Javalin;
import io.streamgate.bench.HttpLoad;
import io.streamgate.launcher.LaunchOptions;
import io.streamgate.launcher.Streamgate;
import io.streamgate.platform.auth.JwtKeySet;
import io.streamgate.platform.config.Secrets;
import io.streamgate.platform.kafka.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook benchmarks on a real {@code streamgate dev} (in-process: embedded broker, local
 * Postgres in a scratch database):
 * <ol>
 *   <li>signed Stripe webhook ingest at 64 connections vs a bare Javalin POST handler in the same
 *       run (throughput, p50/p99 latency; goal: ingest/baseline >= 0.5);
 *   <li>end-to-end latency webhook → subscription row in Postgres (p50/p99; goal: p99 within the
 *       ordering grace + 250 ms).
 * </ol>
 * Args: [connections=64] [seconds=15, 0 = end to end only] [e2eEvents=100]; {@code -Dwarmup=20} seconds of warm-up per path at least (see {@link #warm}), {@code -Drounds=3},
 * {@code -Dphases=e2e,all,role}
 */
public final class WebhookBench {
    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        Duration measure = Duration.ofSeconds(args.length > 1 ? Integer.parseInt(args[1]) : 15);
        int e2eEvents = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        // The least warm-up per path; warm() goes on until the JIT is quiet.
        Duration warmup = Duration.ofSeconds(Integer.getInteger("warmup", 20));

        String db = "bench_webhooks_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres")) {
            c.createStatement().execute("create database " + db);
        }
        var dir = Files.createTempDirectory("webhook-bench");
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/" + db + "?user=postgres");
        env.put("LOG_LEVEL", "WARN");
        Streamgate sg = Streamgate.start(LaunchOptions.parse("dev", "--port", "0", "--kafka-port", "0", "--data-dir", dir.toString()), env);
        Javalin bare = Javalin.create(cfg -> cfg.routes.post("/echo", ctx -> {
            ctx.bodyAsBytes();
            ctx.contentType("application/json").result("{\"received\":true}");
        })).start("127.0.0.1", 0);
        try {
            String secret = sg.platform().secrets().get("STRIPE_WEBHOOK_SECRETS").split(",")[0];
            URI ingest = URI.create("http://127.0.0.1:" + sg.port() + "/webhooks/stripe");
            URI echo = URI.create("http://127.0.0.1:" + bare.port() + "/echo");
            String run = UUID.randomUUID().toString().substring(0, 8);
            // Latency first, on an idle pipeline: after the load phase the processors would still
            // be working through its tens of thousands of events.
            // A first round on the just-started system (JIT, connections, Streams tasks still
            // warming), reported apart; then the measured round.
            if (PHASES.contains("e2e")) {
                endToEnd(sg, secret, ingest, 30, db, "cold start, first 30 events");
                endToEnd(sg, secret, ingest, e2eEvents, db, "measured");
            }

            if (measure.isZero()) return; // seconds=0: end to end only
            if (PHASES.contains("all")) {
                System.out.println("All in one (dev: broker, processors, sink and API in the same JVM, all working on what ingest accepts):");
                load(echo, ingest, secret, run, connections, warmup, measure);
            }
            if (!PHASES.contains("role")) return;

            // The ingest role alone, as it is deployed (its own process; here the broker still
            // shares the JVM and the two cores, but no processors, sink or API do).
            Map<String, String> roleEnv = new HashMap<>(env);
            for (String name : List.of("DATABASE_APP_PASSWORD", "DATABASE_WORKER_PASSWORD")) {
                roleEnv.put(name, sg.platform().secrets().get(name)); // the dev run made the login roles with these
            }
            sg.close();
            sg = null;
            try (EmbeddedKafka broker = EmbeddedKafka.start(Files.createTempDirectory("webhook-bench-broker"), 0)) {
                roleEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
                String roleSecret = "whsec_" + Secrets.randomToken();
                roleEnv.put("STRIPE_WEBHOOK_SECRETS", roleSecret);
                roleEnv.put("JWT_SIGNING_KEYS", JwtKeySet.generateJson());
                roleEnv.put("REFRESH_TOKEN_SECRET", Secrets.randomToken());
                roleEnv.put("COACH_TICKET_SECRET", Secrets.randomToken());
                try (Streamgate role = Streamgate.start(LaunchOptions.parse("ingest", "--port", "0",
                        "--data-dir", Files.createTempDirectory("webhook-bench-ingest").toString()), roleEnv)) {
                    System.out.println("Ingest role alone (broker in the same JVM):");
                    load(echo, URI.create("http://127.0.0.1:" + role.port() + "/webhooks/stripe"), roleSecret, run + "r",
                            connections, warmup, measure);
                }
            }
        } finally {
            bare.stop();
            if (sg != null) sg.close();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres")) {
                c.createStatement().execute("drop database if exists " + db + " with (force)");
            }
        }
    }

    /**
     * Each path is first warmed (not recorded: see {@link #warm}), then measured in
     * {@code -Drounds} interleaved rounds (baseline, ingest; 3 s settling each). Every round's
     * rows and ratio are printed; the summary is the median of the per-round ratios, so one
     * round disturbed by the machine moves it less than a best-of would.
     */
    static void load(URI echo, URI ingest, String secret, String run, int connections, Duration warmup, Duration measure)
            throws InterruptedException {
        AtomicLong seq = new AtomicLong();
        HttpLoad baseline = HttpLoad.of("bare Javalin POST (baseline)", () -> post(echo, event("evt_b" + seq.incrementAndGet(), run, 0)))
                .connections(connections);
        HttpLoad ours = HttpLoad.of("POST /webhooks/stripe (verify + Kafka acks=all)", () -> {
            String body = event("evt_" + run + "_" + seq.incrementAndGet(), run, 0);
            return post(ingest, body, "Stripe-Signature", sign(secret, body));
        }).connections(connections);
        warm(baseline, warmup);
        warm(ours, warmup);
        baseline.warmup(Duration.ofSeconds(3)).duration(measure);
        ours.warmup(Duration.ofSeconds(3)).duration(measure);
        List<double[]> ratios = new ArrayList<>();
        List<String> cpu = new ArrayList<>();
        System.out.println(HttpLoad.Result.HEADER.replace("| run |", "| round: run |"));
        for (int round = 1; round <= ROUNDS; round++) {
            HttpLoad.Result b = baseline.run();
            HttpLoad.Result o = ours.run();
            System.out.println(("| " + round + ": " + b.row(b).substring(2)));
            System.out.println(("| " + round + ": " + o.row(b).substring(2)));
            cpu.add(round + ": " + b.cpuPerRequest());
            cpu.add(round + ": " + o.cpuPerRequest());
            ratios.add(new double[] {o.throughput() / b.throughput(), o.p50Ms() / b.p50Ms(), o.p99Ms() / b.p99Ms()});
        }
        cpu.forEach(System.out::println);
        System.out.printf("median of %d rounds, ingest/baseline: throughput %.2f (rounds %s), p50 latency %.2f, p99 latency %.2f%n",
                ROUNDS, median(ratios, 0), ratios.stream().map(r -> String.format("%.2f", r[0])).toList(), median(ratios, 1), median(ratios, 2));
    }

    /**
     * Runs {@code load} in 10 s slices until the JIT is quiet: at least {@code minimum}, then until
     * compilations were in progress under 5 % of a slice, at most 4 minutes. That is the JVM's
     * compilation wall time (all compiler threads), so a compiler thread waiting for a core
     * counts too and it can read over 100 %: a cautious criterion; the CPU the JIT took in each
     * measured round is reported by {@link io.streamgate.bench.ThreadCpu}. On
     * two cores the one C2 thread competes with every busy thread, so its backlog drains slowly;
     * measured before it has, a round pays for compiling whichever code got hot last (Jetty's and
     * the load driver's as much as ours) and runs partly unoptimised code, which made round-to-round
     * CPU per request differ by a third.
     */
    static void warm(HttpLoad load, Duration minimum) throws InterruptedException {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        Duration slice = Duration.ofSeconds(10);
        long started = System.nanoTime();
        long compiledMs = jit.getTotalCompilationTime();
        while (true) {
            load.warmup(Duration.ZERO).duration(slice).run();
            long now = jit.getTotalCompilationTime();
            double share = (now - compiledMs) / (double) slice.toMillis();
            compiledMs = now;
            Duration spent = Duration.ofNanos(System.nanoTime() - started);
            if (spent.compareTo(minimum) >= 0 && share < 0.05 || spent.compareTo(Duration.ofMinutes(4)) >= 0) {
                System.out.printf("warm-up of %s: %d s (compilations in progress %.0f %% of the last slice, wall time)%n", load.name(), spent.toSeconds(), share * 100);
                return;
            }
        }
    }

    static final int ROUNDS = Integer.getInteger("rounds", 3);
    /** Which parts run: {@code -Dphases=e2e,all,role} (all three by default). */
    static final List<String> PHASES = List.of(System.getProperty("phases", "e2e,all,role").split(","));

    static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static HttpRequest post(URI uri, String body, String... headers) {
        var b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b.build();
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /**
     * A Stripe-shaped event of a type no processor applies (ingest cost only). Built by plain
     * concatenation: the driver's work is the provider's, not ours, yet it runs on the same two
     * cores, and {@code String.format} here (a regex per format string, 32 per signature) was 7 %
     * of all CPU samples of an ingest run.
     */
    static String event(String id, String run, int i) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2025-03-31.basil\",\"created\":"
                + Instant.now().getEpochSecond() + ",\"livemode\":false,\"pending_webhooks\":1,\"type\":\"customer.updated\","
                + "\"data\":{\"object\":{\"id\":\"cus_" + run + "_" + i + "\",\"object\":\"customer\","
                + "\"email\":\"bench@example.com\",\"metadata\":{}}}}";
    }

    private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);

    /** {@code Stripe-Signature} for {@code body}, signed now; one keyed Mac per driver thread. */
    static String sign(String secret, String body) {
        long t = Instant.now().getEpochSecond();
        Mac mac = MACS.get().computeIfAbsent(secret, WebhookBench::mac);
        byte[] sig = mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8));
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(sig);
    }

    private static Mac mac(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static void endToEnd(Streamgate sg, String secret, URI ingest, int events, String db, String label) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        var poller = new Thread(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + db + "?user=postgres")) {
                var ps = c.prepareStatement("select stripe_subscription_id from subscriptions where stripe_subscription_id like ?");
                ps.setString(1, "sub_e2e_" + run + "_%");
                while (seenAt.size() < events && !Thread.currentThread().isInterrupted()) {
                    ResultSet rs = ps.executeQuery();
                    long now = System.nanoTime();
                    while (rs.next()) seenAt.putIfAbsent(rs.getString(1), now);
                    Thread.sleep(2);
                }
            } catch (InterruptedException ignored) {
                // done
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        poller.start();
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < events; i++) {
            String sub = "sub_e2e_" + run + "_" + i;
            long now = Instant.now().getEpochSecond();
            String body = ("{\"id\":\"evt_e2e_%s_%d\",\"object\":\"event\",\"api_version\":\"2025-03-31.basil\",\"created\":%d,\"livemode\":false,"
                    + "\"type\":\"customer.subscription.created\",\"data\":{\"object\":{\"id\":\"%s\",\"object\":\"subscription\","
                    + "\"customer\":\"cus_e2e_%d\",\"status\":\"active\",\"items\":{\"object\":\"list\",\"data\":[{\"id\":\"si_%d\","
                    + "\"object\":\"subscription_item\",\"current_period_end\":%d}]}}}}").formatted(run, i, now, sub, i, i, now + 30 * 86400);
            long t0 = System.nanoTime();
            sentAt.put(sub, t0);
            HttpResponse<String> r = client.send(post(ingest, body, "Stripe-Signature", sign(secret, body)), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException("ingest answered " + r.statusCode() + ": " + r.body());
            Thread.sleep(100);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (seenAt.size() < events && System.nanoTime() < deadline) Thread.sleep(50);
        poller.interrupt();
        poller.join();
        long[] lat = sentAt.entrySet().stream().filter(e -> seenAt.containsKey(e.getKey()))
                .mapToLong(e -> seenAt.get(e.getKey()) - e.getValue()).sorted().toArray();
        String grace = sg.platform().env().string("SUBSCRIPTION_ORDERING_GRACE", "10s");
        System.out.printf("end-to-end webhook -> subscriptions row (grace %s, %s): %d/%d events, p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                grace, label, lat.length, events, pct(lat, 0.5), pct(lat, 0.99), lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1e6);
    }
}
