package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real entry point in a child JVM: exit statuses and what the operator reads. */
class MainProcessTest {
    @TempDir
    Path dataDir;

    record Run(int exit, String out, String err) {}

    Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("DATABASE_") || k.startsWith("HTTP_"));
        pb.environment().put("STREAMGATE_DATA_DIR", dataDir.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void versionPrintsTheBuildsVersion() throws Exception {
        Run run = run(Map.of(), "--version");
        assertThat(run.exit()).isZero();
        assertThat(run.out().strip()).isEqualTo("streamgate " + io.streamgate.platform.Version.current());
        assertThat(io.streamgate.platform.Version.current()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void helpPrintsTheRolesAndFlags() throws Exception {
        Run run = run(Map.of(), "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Usage: ./streamgate <role> [flags]")
                .contains("dev").contains("all").contains("ingest").contains("processors").contains("api")
                .contains("--port").contains("--data-dir").contains("--fresh").contains("--tls").contains("--kafka-port");
    }

    @Test
    void configurationErrorsExitWith78AndListEveryProblem() throws Exception {
        Run run = run(Map.of("HTTP_PORT", "eighty", "CORS_ALLOWED_ORIGINS", "*"), "all");
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.err()).contains("invalid configuration:")
                .contains("  - HTTP_PORT must be a whole number, got 'eighty'")
                .contains("  - KAFKA_BOOTSTRAP_SERVERS is required outside dev")
                .contains("  - CORS_ALLOWED_ORIGINS entries must be exact origins");
    }

    @Test
    void noSecretReachesTheOutputOfAFailedStart() throws Exception {
        Run run = run(Map.of("DATABASE_URL", "postgres://app:Sup3rS3cretPw%zz@db/app", "REFRESH_TOKEN_SECRET", "short-refresh-value",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9"), "all");
        assertThat(run.exit()).isEqualTo(78);
        assertThat(run.err()).contains("  - DATABASE_URL is not a URL: malformed escape pair")
                .contains("  - REFRESH_TOKEN_SECRET is too short: 19 bytes, at least 32 are required outside dev");
        assertThat(run.out() + run.err()).doesNotContain("Sup3rS3cretPw").doesNotContain("short-refresh-value");
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        Run run = run(Map.of(), "everything");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("unknown role 'everything'").contains("Usage:");
    }

    /**
     * With the production logging configuration (asynchronous appender), a SIGTERM right after a
     * request still gets that request's access-log line out: the shutdown hook stops logging
     * last, which drains the queue.
     */
    /** The owner's URL of {@code database} as an operator writes it in DATABASE_URL. */
    static String ownerUrl(TestDatabase database) {
        var url = database.url();
        String password = url.password() == null ? "" : ":" + java.net.URLEncoder.encode(url.password(), StandardCharsets.UTF_8);
        return "postgres://" + url.user() + password + "@" + url.host() + ":" + url.port() + "/" + url.database();
    }

    @Test
    void migrateIsADeployStepThatMigratesAndExitsAndSaysWhatIsMissing() throws Exception {
        try (TestDatabase database = TestDatabase.create("migrate")) {
            // Login roles are server-wide: names of this test's own, dropped at the end.
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            Map<String, String> env = Map.of("DATABASE_URL", ownerUrl(database),
                    "DATABASE_APP_USER", "mig_app_" + suffix, "DATABASE_APP_PASSWORD", "app-" + UUID.randomUUID() + UUID.randomUUID(),
                    "DATABASE_WORKER_USER", "mig_worker_" + suffix, "DATABASE_WORKER_PASSWORD", "worker-" + UUID.randomUUID() + UUID.randomUUID());
            try {
                Run first = run(env, "migrate");
                assertThat(first.exit()).as(first.err()).isZero();
                assertThat(first.out()).containsPattern("streamgate: database migrated, schema version \\d+");
                try (var c = io.streamgate.platform.db.Database.ownerDataSource(database.url()).getConnection();
                     var rs = c.createStatement().executeQuery("select count(*) filter (where not success), count(*) from flyway_schema_history")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("failed migrations").isZero();
                    assertThat(rs.getLong(2)).as("applied migrations").isPositive();
                }
                // Idempotent, as a step run on every deploy must be.
                Run again = run(env, "migrate");
                assertThat(again.exit()).as(again.err()).isZero();
                assertThat(again.out()).isEqualTo(first.out());

                // No Kafka, no other secret needed; a missing role password is one config line, exit 78.
                Map<String, String> missing = new java.util.HashMap<>(env);
                missing.remove("DATABASE_WORKER_PASSWORD");
                Run refused = run(missing, "migrate");
                assertThat(refused.exit()).isEqualTo(78);
                assertThat(refused.err()).contains("DATABASE_WORKER_PASSWORD is required").doesNotContain("Exception");
            } finally {
                try (var c = io.streamgate.platform.db.Database.ownerDataSource(TestDatabase.serverUrl()).getConnection();
                     var s = c.createStatement()) {
                    s.execute("drop database if exists " + database.url().database() + " with (force)");
                    s.execute("drop role if exists mig_app_" + suffix);
                    s.execute("drop role if exists mig_worker_" + suffix);
                }
            }
        }
    }

    @Test
    void migrateWithARoleIsAUsageError() throws Exception {
        Run run = run(Map.of(), "migrate", "api");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("migrate takes no role");
    }

    @Test
    void sigtermDrainsTheLogQueueAndACleanStartAndStopLogNoWarning() throws Exception {
        // Under the build directory, not the OS temp dir: Kafka Streams rightly warns about state there.
        Path dataDir = Files.createDirectories(Path.of("target", "main-process-" + UUID.randomUUID()));
        try (TestDatabase database = TestDatabase.create("mainlog")) {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "dev", "--port", "0", "--kafka-port", "0", "--data-dir", dataDir.toAbsolutePath().toString());
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("DATABASE_") || k.startsWith("HTTP_") || k.startsWith("LOG_"));
            pb.environment().put("DATABASE_URL", database.url().jdbcUrl() + "?user=" + database.url().user());
            Path err = dataDir.resolve("stderr.log");
            pb.redirectError(err.toFile());
            Process p = pb.start();
            try {
                var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String base = null;
                for (String line; base == null && (line = out.readLine()) != null; ) {
                    Matcher m = Pattern.compile("HTTP\\s+(http://\\S+)").matcher(line);
                    if (m.find()) base = m.group(1);
                }
                assertThat(base).as("the banner names the HTTP address").isNotNull();
                String requestId = "drain-" + UUID.randomUUID();
                var response = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(base + "/health/live")).header("X-Request-Id", requestId).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                p.destroy(); // SIGTERM
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String log = Files.readString(err);
                assertThat(log).contains("streamgate: stopping");
                assertThat(log.lines().filter(l -> l.contains("\"log.logger\":\"http.access\"") && l.contains(requestId))).hasSize(1);
                // A newcomer's first start and stop: any WARN or ERROR would look like trouble.
                assertThat(log.lines().filter(l -> l.contains("\"log.level\":\"WARN\"") || l.contains("\"log.level\":\"ERROR\"")))
                        .as("WARN and ERROR lines of a clean dev start and stop").isEmpty();
            } finally {
                p.destroyForcibly();
            }
        } finally {
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
