package io.streamgate.bench.coach;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamgate.platform.auth.AccessTokens;
import io.streamgate.platform.auth.JwtConfig;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.Secrets;
import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.schemas.Json;
import io.streamgate.schemas.coach.CoachOutput;
import io.streamgate.schemas.coach.CoachTopics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Coach SSE at scale against a real server process ({@code streamgate dev}, -Xmx1g, its own
 * embedded broker and a scratch database), with the client load in this process:
 * <ol>
 *   <li>N concurrent event streams held by the one server (sessions whose generation never
 *       starts: COACH_TOKEN_DELAY=10m, one worker thread); server heap after a full GC and
 *       live threads, versus the same server with no stream open;</li>
 *   <li>token delivery latency Kafka → client: this process writes the output of 100 sessions (one stream each)
 *       at the offline model's pace (acks=all) while all N streams stay open; latency = client receipt of the
 *       token's event − the broker's acknowledgement of the token's record (same clock);</li>
 *   <li>time to the first event after a reconnect with Last-Event-ID to a finished session.</li>
 * </ol>
 * <pre>mvn -q -B -o -pl bench -am compile dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp
 * java -Xmx2g -cp bench/target/classes:$(cat /tmp/bench.cp) io.streamgate.bench.coach.CoachSseBench 10000</pre>
 */
public final class CoachSseBench {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();

    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int perSession = 50;
        Path dir = Files.createTempDirectory("coach-bench");
        String db = "coach_bench_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres")) {
            c.createStatement().execute("create database " + db);
        }
        int httpPort = freePort();
        int kafkaPort = freePort();
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.streamgate.launcher.Main",
                "dev", "--port", Integer.toString(httpPort), "--kafka-port", Integer.toString(kafkaPort), "--data-dir", dir.toString());
        pb.environment().put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/" + db + "?user=postgres");
        pb.environment().put("COACH_TOKEN_DELAY", "10m");
        pb.environment().put("COACH_WORKER_THREADS", "1");
        // One user holds every stream and creates every session here: per-user quotas would cap the
        // capacity this measures, and waves of 250 connects start 250 replays at once.
        pb.environment().put("COACH_STREAMS_PER_USER", Integer.toString(streams + 1000));
        pb.environment().put("COACH_SESSIONS_PER_MINUTE", "100000");
        pb.environment().put("COACH_REPLAY_QUEUE", "100000");
        pb.environment().put("COACH_SSE_MAX_DURATION", "1h");
        pb.environment().put("HTTP_HOST", "127.0.0.1");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        Process server = pb.start();
        String base = "http://127.0.0.1:" + httpPort;
        List<Probe> probes = new CopyOnWriteArrayList<>();
        try {
            awaitReady(base, server);
            Secrets secrets = Secrets.dev(new Env(Map.of()), dir.resolve("secrets.properties"));
            AccessTokens tokens = new AccessTokens(JwtConfig.from(new Env(Map.of()), secrets), Clock.systemUTC());
            String token = tokens.issue(UUID.randomUUID(), "bench").token();
            long pid = server.pid();

            // 1. Held streams and heap.
            Thread.sleep(3000);
            long[] idle = heap(pid, base);
            System.out.printf("server idle (after full GC): heap used %.1f MiB, live threads %d%n", idle[0] / 1048576.0, idle[1]);
            // The first LIVE sessions get one stream each and are used for latency; the rest hold the load.
            int live = Math.min(100, streams / 10);
            int sessions = live + Math.max(1, (streams - live) / perSession);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < sessions; i++) ids.add(create(base, token, i));
            long t0 = System.nanoTime();
            for (int i = 0; i < streams; i += 250) {
                List<CompletableFuture<?>> wave = new ArrayList<>();
                for (int j = i; j < Math.min(streams, i + 250); j++) {
                    Probe p = new Probe(j < live ? ids.get(j) : ids.get(live + j % (sessions - live)));
                    probes.add(p);
                    wave.add(p.open(base, token, null));
                }
                CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                while (probes.stream().filter(p -> p.retrySeen).count() < Math.min(streams, i + 250)) Thread.sleep(10);
            }
            double openSeconds = (System.nanoTime() - t0) / 1e9;
            long ok = probes.stream().filter(p -> p.status == 200 && p.retrySeen).count();
            long[] held = heap(pid, base);
            System.out.printf("%d streams open (%d sessions) in %.1f s; server heap used %.1f MiB after full GC (+%.1f KiB per stream), live threads %d%n",
                    ok, sessions, openSeconds, held[0] / 1048576.0, (held[0] - idle[0]) / 1024.0 / ok, held[1]);

            // 2. Latency Kafka → client, with every stream still open.
            int latencySessions = live;
            String answer = PartialParseBench.answer(1500);
            List<String> answerTokens = PartialParseBench.tokens(answer);
            Map<String, long[]> acked = new ConcurrentHashMap<>();
            KafkaSettings kafka = new KafkaSettings("127.0.0.1:" + kafkaPort, dir.resolve("bench-streams"), "bench", Map.of());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("coach-bench"))) {
                for (int s = 0; s < latencySessions; s++) acked.put(ids.get(s), new long[answerTokens.size() + 2]);
                for (int seq = 1; seq <= answerTokens.size() + 1; seq++) {
                    for (int s = 0; s < latencySessions; s++) {
                        String id = ids.get(s);
                        UUID sid = UUID.fromString(id);
                        CoachOutput out = seq <= answerTokens.size()
                                ? CoachOutput.token(sid, seq, answerTokens.get(seq - 1), Instant.now())
                                : CoachOutput.done(sid, seq, Json.mapper().readTree(answer), Instant.now());
                        int at = seq;
                        producer.send(new ProducerRecord<>(CoachTopics.OUTPUT.name(), id.getBytes(StandardCharsets.UTF_8),
                                CoachTopics.OUTPUT.valueSerde().serializer().serialize(CoachTopics.OUTPUT.name(), out)),
                                (md, e) -> acked.get(id)[at] = System.nanoTime());
                    }
                    Thread.sleep(15); // the offline model's default pace
                }
                producer.flush();
            }
            List<Probe> measured = probes.stream().filter(p -> acked.containsKey(p.session)).toList();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (measured.stream().anyMatch(p -> !p.done) && System.nanoTime() < deadline) Thread.sleep(50);
            List<Long> latencies = new ArrayList<>();
            long complete = 0;
            for (Probe p : measured) {
                if (p.done) complete++;
                long[] ack = acked.get(p.session);
                for (long[] r : p.received) for (long seq = r[0]; seq <= r[1]; seq++) latencies.add(r[2] - ack[(int) seq]);
            }
            System.out.printf("token delivery Kafka ack → client (%d streams of %d generating sessions, %d tokens each, %d streams complete, %d token deliveries): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    measured.size(), latencySessions, answerTokens.size(), complete, latencies.size(), pct(latencies, 50), pct(latencies, 99), pct(latencies, 100));

            // 3. Reconnect to a finished session: time to the first event.
            List<Long> firsts = new ArrayList<>();
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < 200; i++) {
                Probe p = new Probe(ids.get(i % latencySessions));
                long start = System.nanoTime();
                p.open(base, token, Long.toString(1 + random.nextInt(answerTokens.size() - 1))).get(30, TimeUnit.SECONDS);
                while (p.firstEventAt == 0) Thread.sleep(0, 100_000);
                firsts.add(p.firstEventAt - start);
                p.cancel();
            }
            System.out.printf("reconnect with Last-Event-ID to a finished session → first event (200 reconnects, %d other streams open): p50 %.1f ms, p99 %.1f ms%n",
                    probes.size() - measured.size(), pct(firsts, 50), pct(firsts, 99));
        } finally {
            probes.forEach(Probe::cancel);
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            if (server.isAlive()) server.destroyForcibly();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres")) {
                c.createStatement().execute("drop database if exists " + db + " with (force)");
            }
            System.out.println("server log: " + dir.resolve("server.log"));
        }
    }

    /** One client stream: parses frames from raw bytes without a thread of its own. */
    static final class Probe implements Flow.Subscriber<List<ByteBuffer>> {
        final String session;
        volatile int status;
        volatile boolean retrySeen;
        volatile boolean done;
        volatile long firstEventAt;
        final List<long[]> received = new ArrayList<>(); // [seq_from, seq_to, nanos]
        private final StringBuilder pending = new StringBuilder();
        private volatile Flow.Subscription subscription;

        Probe(String session) {
            this.session = session;
        }

        CompletableFuture<?> open(String base, String token, String lastEventId) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/coach/sessions/" + session + "/events"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
            if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
            return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofPublisher()).thenAccept(r -> {
                status = r.statusCode();
                r.body().subscribe(this);
            });
        }

        void cancel() {
            if (subscription != null) subscription.cancel();
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> buffers) {
            long now = System.nanoTime();
            for (ByteBuffer b : buffers) pending.append(StandardCharsets.UTF_8.decode(b));
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
                String frame = pending.substring(0, end);
                pending.delete(0, end + 2);
                if (frame.startsWith("retry:")) retrySeen = true;
                else if (frame.startsWith("event: ")) {
                    if (firstEventAt == 0) firstEventAt = now;
                    if (frame.startsWith("event: token")) {
                        JsonNode data = data(frame);
                        received.add(new long[] {data.get("seq_from").asLong(), data.get("seq_to").asLong(), now});
                    } else if (frame.startsWith("event: done") || frame.startsWith("event: error")) {
                        done = true;
                    }
                }
            }
        }

        private static JsonNode data(String frame) {
            int at = frame.indexOf("\ndata: ");
            try {
                return Json.mapper().readTree(frame.substring(at + 7));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}
    }

    static String create(String base, String token, int i) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/coach/sessions"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"bench session " + i + "\",\"asset_type\":\"thumbnail\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) throw new IllegalStateException("create: " + r.statusCode() + " " + r.body());
        return Json.mapper().readTree(r.body()).get("session_id").asText();
    }

    /** Heap used after a full GC (jcmd GC.run, then the JVM's own metric) and live threads. */
    static long[] heap(long pid, String base) throws Exception {
        new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        long heap = 0;
        long threads = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.startsWith("jvm_threads_live_threads")) threads = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return new long[] {heap, threads};
    }

    static void awaitReady(String base, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new IllegalStateException("the server exited; see its log");
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the server did not become ready");
    }

    static double pct(List<Long> nanos, int p) {
        if (nanos.isEmpty()) return Double.NaN;
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int at = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, at)] / 1e6;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
