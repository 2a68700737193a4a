package io.streamgate.testkit;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamgate.platform.Component;
import io.streamgate.platform.Platform;
import io.streamgate.platform.auth.AccessTokens;
import io.streamgate.platform.auth.Authenticator;
import io.streamgate.platform.auth.JwtConfig;
import io.streamgate.platform.config.Env;
import io.streamgate.platform.config.Secrets;
import io.streamgate.platform.db.Database;
import io.streamgate.platform.db.DatabaseConfig;
import io.streamgate.platform.db.DatabaseUrl;
import io.streamgate.platform.health.Health;
import io.streamgate.platform.http.HttpConfig;
import io.streamgate.platform.http.HttpEdge;
import io.streamgate.platform.kafka.KafkaSettings;
import io.streamgate.platform.kafka.TopicAdmin;
import io.streamgate.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Real parts for one test class: the shared broker (every registry topic created), a fresh
 * Postgres database (migrated on first use), and helpers to build a {@link Platform} and
 * serve components over real HTTP. Everything it starts is stopped after the class.
 */
public final class TestEnv implements AutoCloseable {
    private final String name;
    private final String bootstrap;
    private final TestDatabase database;
    private final Path dataDir;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    private TestEnv(String name, String bootstrap, TestDatabase database, Path dataDir) {
        this.name = name;
        this.bootstrap = bootstrap;
        this.database = database;
        this.dataDir = dataDir;
    }

    static TestEnv create(String testClass) {
        String bootstrap = SharedKafka.bootstrapServers();
        try {
            Path dataDir = Files.createTempDirectory("streamgate-test-" + testClass);
            TestEnv env = new TestEnv(testClass, bootstrap, TestDatabase.create(testClass), dataDir);
            TopicAdmin.ensureTopics(env.kafka("topics"), Topics.all());
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** The owner's URL of this class's database. */
    public DatabaseUrl databaseUrl() {
        return database.url();
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Kafka settings with a fresh instance id (so Streams state dirs never collide). Every
     * producer built from them validates what it writes against the topic's JSON Schema.
     */
    public KafkaSettings kafka(String instance) {
        return new KafkaSettings(bootstrap, dataDir.resolve("streams"), instance + "-" + UUID.randomUUID().toString().substring(0, 6),
                Map.of("producer.interceptor.classes", SchemaCheckingInterceptor.class.getName()));
    }

    /** The environment a platform of this class sees: its database, plus {@code overrides}. */
    public Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("DATABASE_URL", database.url().jdbcUrl() + "?user=" + database.url().user()
                + (database.url().password() == null ? "" : "&password=" + database.url().password()));
        values.put("HTTP_PORT", "0");
        values.put("HTTP_HOST", "127.0.0.1");
        values.putAll(overrides);
        return values;
    }

    /**
     * A platform as the launcher would build it for dev (generated secrets under this class's
     * data dir), connected to the shared broker and this class's database, migrated.
     */
    public Platform platform(Map<String, String> overrides) {
        Env env = new Env(environment(overrides));
        Secrets secrets = Secrets.dev(env, dataDir.resolve("secrets.properties"));
        HttpConfig http = HttpConfig.from(env);
        DatabaseConfig dbConfig = DatabaseConfig.from(env, secrets);
        JwtConfig jwtConfig = JwtConfig.from(env, secrets);
        env.validate();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Database db = Database.start(dbConfig, metrics);
        closeables.push(db);
        // Running as the launcher runs it, so health().ready() follows the checks as they change.
        Health health = new Health().bindMetrics(metrics);
        health.start();
        closeables.push(health);
        return new Platform(env, secrets, kafka(name), db, metrics, health, http,
                new Authenticator(new AccessTokens(jwtConfig, Clock.systemUTC())), Clock.systemUTC(), dataDir, true);
    }

    public Platform platform() {
        return platform(Map.of());
    }

    /**
     * Serves {@code components} on a real HTTP server (random port) with the platform's edge,
     * starts them, and returns the server; all stopped after the class.
     */
    public Javalin serve(Platform platform, List<? extends Component> components) {
        Javalin app = HttpEdge.create(platform.http(), platform.metrics(), platform.health(), components);
        closeables.push(app::stop);
        for (Component c : components) {
            c.start();
            closeables.push(c);
        }
        app.start();
        return app;
    }

    /** Closes {@code resource} after the class, before the database is dropped. */
    public <T extends AutoCloseable> T closeAfterClass(T resource) {
        closeables.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                System.err.println("test cleanup: " + e);
            }
        }
        database.close();
    }
}
