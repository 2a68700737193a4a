package io.streamgate.launcher;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.api.ApiRole;
import io.streamgate.ingest.IngestRole;
import io.streamgate.launcher.LaunchOptions.Role;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.AccessTokens;
import io.streamgate.platform.auth.Authenticator;
import io.streamgate.platform.auth.JwtConfig;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.Secrets;
import io.streamgate.platform.db.Database;
import io.streamgate.platform.db.DatabaseConfig;
import io.streamgate.platform.health.Health;
import io.streamgate.platform.http.HttpConfig;
import io.streamgate.platform.http.HttpEdge;
import io.streamgate.platform.http.ManagementConfig;
import io.streamgate.platform.http.SelfSignedKeystore;
import io.streamgate.platform.kafka.EmbeddedKafka;
import io.streamgate.platform.kafka.KafkaHealth;
import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.platform.kafka.TopicAdmin;
import io.streamgate.platform.metrics.Metrics;
import io.streamgate.processors.ProcessorsRole;
import io.streamgate.schemas.TopicSpec;
import io.streamgate.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Streamgate process: the chosen role's components on one HTTP server, with the
 * embedded broker in dev. Built in-process by {@link Main} and by tests; {@link #close()}
 * stops everything in reverse order (streams closed, producers flushed, broker stopped).
 */
public final class Streamgate implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Streamgate.class);

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final LaunchOptions options;
    private Platform platform;
    private Javalin http;
    private Javalin management;
    private ManagementConfig managementConfig;
    private EmbeddedKafka broker;
    private List<String> topicNames = List.of();

    private Streamgate(LaunchOptions options) {
        this.options = options;
    }

    /** Starts the role; on any failure, stops what was already started and rethrows. */
    public static Streamgate start(LaunchOptions options, Map<String, String> environment) {
        Streamgate s = new Streamgate(options);
        try {
            s.boot(environment);
            return s;
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /**
     * Applies the migrations and returns the schema version, with the database settings a role
     * would read: the owner in {@code DATABASE_URL} and the login roles' passwords. Needs no
     * Kafka and no other secret, so it can run as a step of its own before any role rolls.
     */
    static String migrate(LaunchOptions options, Map<String, String> environment) {
        Env env = new Env(settings(options, environment));
        DatabaseConfig config = DatabaseConfig.from(env, Secrets.fromEnv(env));
        env.validate();
        return Database.migrate(config);
    }

    /** The environment with the command line's flags over the variables they stand for. */
    private static Map<String, String> settings(LaunchOptions options, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>(environment);
        values.putAll(options.envOverrides());
        return values;
    }

    private void boot(Map<String, String> environment) {
        long t0 = System.nanoTime();
        Map<String, String> values = settings(options, environment);
        Env env = new Env(values);
        Role role = options.role();
        boolean dev = role == Role.DEV;
        Path dataDir = options.dataDir(values);
        if (dev && options.fresh()) wipe(dataDir);

        Secrets secrets = dev ? Secrets.dev(env, dataDir.resolve("secrets.properties")) : Secrets.fromEnv(env);
        HttpConfig httpConfig = HttpConfig.from(env);
        managementConfig = ManagementConfig.from(env, httpConfig);
        DatabaseConfig dbConfig = DatabaseConfig.from(env, secrets);
        JwtConfig jwtConfig = JwtConfig.from(env, secrets);
        int kafkaPort = env.integer("KAFKA_PORT", 9092, 0, 65535);
        String bootstrap = dev ? null : env.required("KAFKA_BOOTSTRAP_SERVERS", "outside dev (e.g. kafka-1:9092,kafka-2:9092)");
        InstanceId instance = InstanceId.resolve(env, dataDir);
        closeables.push(instance);
        String instanceId = instance.id();
        env.validate();

        if (options.tls()) {
            Path keystore = dataDir.resolve("tls/keystore.p12");
            String password = secrets.get("TLS_KEYSTORE_PASSWORD");
            SelfSignedKeystore.ensure(keystore, password, "localhost");
            httpConfig = httpConfig.withTls(keystore, password);
        }
        if (dev) {
            broker = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort);
            closeables.push(broker);
            bootstrap = broker.bootstrapServers();
        }
        KafkaSettings kafka = new KafkaSettings(bootstrap, dataDir.resolve("streams"), instanceId, kafkaPassThrough(values));
        topicNames = Topics.all().stream().map(TopicSpec::name).toList();
        TopicAdmin.ensureTopics(kafka, Topics.all());

        PrometheusMeterRegistry metrics = Metrics.registry(role.name().toLowerCase(Locale.ROOT), instanceId);
        closeables.push(metrics::close);

        Database db = Database.start(dbConfig, metrics);
        closeables.push(db);
        Health health = new Health().bindMetrics(metrics);
        KafkaHealth kafkaHealth = new KafkaHealth(kafka).bindMetrics(metrics);
        closeables.push(kafkaHealth);
        health.register("kafka", kafkaHealth::reachable);
        health.register("postgres", db::ready);

        platform = new Platform(env, secrets, kafka, db, metrics, health, httpConfig,
                new Authenticator(new AccessTokens(jwtConfig, Clock.systemUTC())), Clock.systemUTC(), dataDir, dev);
        List<Component> components = new ArrayList<>();
        if (role.ingest()) components.addAll(IngestRole.components(platform));
        if (role.processors()) components.addAll(ProcessorsRole.components(platform));
        if (role.api()) components.addAll(ApiRole.components(platform));
        env.validate();

        http = HttpEdge.create(httpConfig, managementConfig, metrics, health, components);
        closeables.push(http::stop);
        if (managementConfig != null) {
            management = HttpEdge.management(httpConfig, managementConfig, metrics, health);
            closeables.push(management::stop);
        }
        // Closed after the components, so readiness follows them down while they stop, and
        // before the clients its checks use; started once every component has registered
        // its checks (some do in start()).
        closeables.push(health);
        for (Component component : components) {
            component.start();
            closeables.push(component);
        }
        health.start();
        if (management != null) management.start();
        http.start();
        awaitReady(health);
        log.info("streamgate {} ready in {} ms", role.name().toLowerCase(Locale.ROOT), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Streams applications and feeds become ready a few seconds after start (group join, state
     * restore, catching up); "ready" in the banner means /health/ready answers 200. Bounded: if
     * a check stays down the process still serves, and /health/ready names it.
     *
     * <p>Forces fresh evaluations rather than reading the snapshot: start-up is not held back
     * by up to a snapshot period once the last check passes, and each forced result is
     * published, so /health/ready already says ready when the banner does. Only this thread
     * forces them, and they share any check invocation still running with the background one.
     */
    private static void awaitReady(Health health) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        Health.Snapshot snapshot = health.refresh();
        while (!snapshot.ready() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            snapshot = health.refresh();
        }
        if (!snapshot.ready()) log.warn("not ready after 60 s, down: {}", snapshot.down());
    }

    public Platform platform() {
        return platform;
    }

    /** The HTTP server, for tests that read what it registered (its routes). */
    Javalin javalin() {
        return http;
    }

    /** The port the edge listens on (the HTTPS one with TLS). */
    public int port() {
        return http.port();
    }

    /** The management listener's port, or -1 when MANAGEMENT_PORT is not set. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /** Where /health/ready and /metrics answer: the management listener when set, the edge otherwise. */
    public String operationsUrl() {
        if (management == null) return baseUrl();
        String host = managementConfig.host();
        if (host.equals("0.0.0.0") || host.equals("::")) host = "localhost";
        else if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + managementPort();
    }

    public String baseUrl() {
        return (platform.http().tlsKeystore() == null ? "http" : "https") + "://localhost:" + port();
    }

    public String bootstrapServers() {
        return platform.kafka().bootstrapServers();
    }

    /** A short banner for the terminal: where everything is. */
    public String banner() {
        String url = baseUrl();
        String operations = operationsUrl();
        return """

                  Streamgate %s is ready
                    HTTP       %s   (health %s/health/ready, metrics %s/metrics)
                    Kafka      %s%s
                    Postgres   %s
                    Topics     %s
                    Data       %s
                """.formatted(options.role().name().toLowerCase(Locale.ROOT), url, operations, operations,
                platform.kafka().bootstrapServers(), broker != null ? " (embedded)" : "",
                platform.db().display(), String.join(", ", topicNames), platform.dataDir());
    }

    @Override
    public synchronized void close() {
        // Checks go down one by one as their components close: expected now, not a warning.
        if (platform != null) platform.health().stopping();
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("error while stopping {}: {}", c, e.toString());
            }
        }
    }

    /** {@code KAFKA_CLIENT_<SETTING>} env vars become client settings (e.g. security.protocol). */
    private static Map<String, String> kafkaPassThrough(Map<String, String> env) {
        Map<String, String> extra = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("KAFKA_CLIENT_")) extra.put(k.substring(13).toLowerCase(Locale.ROOT).replace('_', '.'), v);
        });
        return extra;
    }

    private static void wipe(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot wipe " + dir + ": " + e.getMessage(), e);
        }
    }
}
