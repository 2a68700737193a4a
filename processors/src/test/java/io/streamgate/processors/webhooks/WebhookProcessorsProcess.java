package io.streamgate.processors.webhooks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.Secrets;
import io.streamgate.platform.db.Database;
import io.streamgate.platform.db.DatabaseConfig;
import io.streamgate.platform.health.Health;
import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.testkit.TestEnv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The webhook components of the processors role in a child JVM of their own, so a test can
 * SIGKILL them mid-stream: no close(), no commit, no leaving the group, as a crashed host.
 * The child prints {@code ready} once every Streams app of it is RUNNING.
 */
final class WebhookProcessorsProcess implements AutoCloseable {
    private final Process process;

    private WebhookProcessorsProcess(Process process) {
        this.process = process;
    }

    /** Starts the child against the test's broker and database, with the test's settings, and waits until it is ready. */
    static WebhookProcessorsProcess start(TestEnv env, String instance, WebhookProcessorsConfig config) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), WebhookProcessorsProcess.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env.environment(Map.of()));
        pb.environment().put("CHILD_BOOTSTRAP", env.bootstrapServers());
        pb.environment().put("CHILD_DATA_DIR", env.dataDir().toString());
        pb.environment().put("CHILD_INSTANCE", instance);
        pb.environment().put("SUBSCRIPTION_ORDERING_GRACE", config.orderingGrace().toMillis() + "ms");
        pb.environment().put("SUBSCRIPTION_RENEWAL_GRACE", config.renewalGrace().toSeconds() + "s");
        pb.environment().put("WEBHOOK_DEDUP_RETENTION", config.dedupRetention().toSeconds() + "s");
        Path log = env.dataDir().resolve(instance + ".log");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("ready")) {
                // Keep reading what it prints, or a full pipe would block its logging, and with it the instance.
                Thread drain = new Thread(() -> {
                    try (var writer = Files.newBufferedWriter(log)) {
                        for (String l; (l = out.readLine()) != null; ) writer.write(l + "\n");
                    } catch (IOException e) {
                        // the child is gone
                    }
                }, "child-output-" + instance);
                drain.setDaemon(true);
                drain.start();
                return new WebhookProcessorsProcess(p);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the child processors instance " + instance + " ended before it was ready");
    }

    /** SIGKILL: the instance stops at once, wherever it is. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> values = new HashMap<>(System.getenv());
        Env env = new Env(values);
        Path dataDir = Path.of(values.get("CHILD_DATA_DIR"));
        Secrets secrets = Secrets.dev(env, dataDir.resolve("secrets.properties"));
        DatabaseConfig dbConfig = DatabaseConfig.from(env, secrets);
        WebhookProcessorsConfig config = WebhookProcessorsConfig.from(env);
        env.validate();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Database db = Database.start(dbConfig, metrics);
        String instance = values.get("CHILD_INSTANCE");
        KafkaSettings kafka = new KafkaSettings(values.get("CHILD_BOOTSTRAP"), dataDir.resolve("streams"), instance, Map.of());
        Health health = new Health();
        Platform platform = new Platform(env, secrets, kafka, db, metrics, health, null, null, Clock.systemUTC(), dataDir, true);
        List<Component> components = WebhookProcessors.components(platform, config);
        components.forEach(Component::start);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!health.refresh().ready()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("not ready: " + health.evaluate());
            Thread.sleep(50);
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed
    }
}
