package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.streamgate.platform.config.Secret;

import io.streamgate.platform.db.DatabaseUrl;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml: Kafka (KRaft) + Postgres 16 + the app, wired by documented env vars. */
class DockerComposeTest {
    static final Path ROOT = Path.of("..");
    static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws Exception {
        try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> env(String service) {
        return (Map<String, Object>) services.get(service).get("environment");
    }

    @Test
    void kafkaIsTheOfficialImageInKraftMode() {
        assertThat(services).containsKeys("kafka", "postgres", "app");
        // The broker the compose file runs is the version of the clients (and of the dev broker).
        assertThat((String) services.get("kafka").get("image")).isEqualTo("apache/kafka:" + io.streamgate.testkit.KafkaVersion.clients());
        Map<String, Object> kafka = env("kafka");
        assertThat(kafka.get("KAFKA_PROCESS_ROLES").toString()).contains("broker").contains("controller");
        assertThat(kafka).containsKey("KAFKA_CONTROLLER_QUORUM_VOTERS").doesNotContainKey("KAFKA_ZOOKEEPER_CONNECT");
        assertThat(kafka.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").toString()).isEqualTo("1");
        assertThat(kafka.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").toString()).isEqualTo("1");
        assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS").toString()).contains("//kafka:9092");
    }

    @Test
    void postgresIs16() {
        assertThat((String) services.get("postgres").get("image")).isEqualTo("postgres:16");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAppRunsTheBuiltJarInTheAllRoleWiredToBoth() {
        Map<String, Object> app = services.get("app");
        assertThat((String) app.get("image")).startsWith("eclipse-temurin:17");
        assertThat((List<String>) app.get("command")).contains("-jar", "/app/streamgate.jar", "all");
        assertThat((List<String>) app.get("volumes")).anySatisfy(v -> assertThat(v).startsWith("./launcher/target/streamgate.jar:/app/streamgate.jar"));
        assertThat(((Map<String, Object>) app.get("depends_on")).keySet()).contains("kafka", "postgres");

        Map<String, Object> env = env("app");
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka:9092");
        DatabaseUrl db = DatabaseUrl.parse(env.get("DATABASE_URL").toString());
        assertThat(db.host()).isEqualTo("postgres");
        assertThat(db.user()).isEqualTo(env("postgres").get("POSTGRES_USER"));
        assertThat(db.password()).isEqualTo(env("postgres").get("POSTGRES_PASSWORD"));
    }

    @Test
    void everySecretComposeSecretsGeneratesIsPassedToTheAppFromDotEnv() {
        Map<String, Object> env = env("app");
        for (String secret : ComposeSecrets.generate().keySet()) {
            assertThat(env.get(secret)).as(secret).hasToString("${" + secret + ":?run ComposeSecrets into .env first (see the top of this file)}");
        }
        assertThat(readme(".gitignore")).contains(".env");
    }

    /**
     * From the code's own registry, so a secret added there cannot be forgotten here: what the
     * {@code all} role needs (required, or enabling an endpoint: webhook and operator secrets
     * included) is passed from .env; a secret read only with another setting is passed whenever
     * compose sets that setting; a per-source family is for whoever configures a source.
     */
    @Test
    void theAppGetsEverySecretTheCodeRegisters() {
        Map<String, Object> env = env("app");
        for (Secret secret : Secret.values()) {
            if (secret.family()) {
                assertThat(env.keySet()).as("%s* are per source: compose configures none", secret.name())
                        .noneMatch(secret::covers);
            } else if (secret.use() == Secret.Use.ONLY_WITH_ANOTHER_SETTING) {
                if (env.containsKey(secret.companion())) assertThat(env).as(secret + " goes with " + secret.companion()).containsKey(secret.name());
            } else {
                assertThat(env.get(secret.name())).as("docker-compose.yml must pass %s to the app", secret)
                        .hasToString("${" + secret + ":?run ComposeSecrets into .env first (see the top of this file)}");
                assertThat(ComposeSecrets.generate()).as("ComposeSecrets must generate %s", secret).containsKey(secret.name());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void publishedPortsListenOnLoopbackOnly() {
        assertThat(services).allSatisfy((name, service) -> {
            List<Object> ports = (List<Object>) service.getOrDefault("ports", List.of());
            assertThat(ports).as(name).allSatisfy(p -> assertThat(p).asString().startsWith("127.0.0.1:"));
        });
        assertThat((List<Object>) services.get("app").get("ports")).containsExactly("127.0.0.1:8080:8080");
    }

    /** The app's healthcheck as compose runs it: {@code /bin/sh -c}, {@code $$} unescaped, the container's env. */
    @SuppressWarnings("unchecked")
    static String healthcheckCommand() {
        List<String> test = (List<String>) ((Map<String, Object>) services.get("app").get("healthcheck")).get("test");
        assertThat(test).hasSize(2).first().isEqualTo("CMD-SHELL");
        return test.get(1).replace("$$", "$");
    }

    /** The image's /bin/sh is dash (Ubuntu); run with dash when this machine has it, so a bashism fails here too. */
    static String posixShell() {
        return Files.isExecutable(Path.of("/usr/bin/dash")) ? "/usr/bin/dash" : Files.isExecutable(Path.of("/bin/dash")) ? "/bin/dash" : "/bin/sh";
    }

    /** Runs the healthcheck against {@code port} as the container would; its exit status. */
    static int runHealthcheck(int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(posixShell(), "-c", healthcheckCommand()).redirectErrorStream(true);
        pb.environment().put("HTTP_PORT", Integer.toString(port));
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void theHealthcheckIsPosixShellAndUsesAToolTheImageHas() throws Exception {
        String command = healthcheckCommand();
        assertThat(command).as("dash has no /dev/tcp").doesNotContain("/dev/tcp").startsWith("curl ");
        assertThat(command).contains("http://127.0.0.1:${HTTP_PORT}/health/ready");
        Process syntax = new ProcessBuilder(posixShell(), "-n", "-c", command).redirectErrorStream(true).start();
        String out = new String(syntax.getInputStream().readAllBytes());
        assertThat(syntax.waitFor()).as(out).isZero();
    }

    /** 200 → healthy, 503 (not ready) or nothing listening → unhealthy; DevBootTest runs it against the real app. */
    @Test
    void theHealthcheckFollowsReadiness() throws Exception {
        assumeTrue(onPath("curl"), "curl is not installed on this machine (the app image has it)");
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health/ready", exchange -> {
            byte[] body = "{}".getBytes();
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        try {
            assertThat(runHealthcheck(port)).isZero();
            status.set(503);
            assertThat(runHealthcheck(port)).isNotZero();
        } finally {
            server.stop(0);
        }
        assertThat(runHealthcheck(port)).as("nothing listening").isNotZero();
    }

    static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
    }

    @Test
    void everyEnvNameTheAppSetsIsDocumentedInTheReadmeConfigurationTable() throws Exception {
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher("");
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (!line.startsWith("|")) continue;
            m.reset(line);
            while (m.find()) documented.add(m.group(1));
        }
        assertThat(env("app").keySet()).allSatisfy(name -> assertThat(documented)
                .as("%s is set in docker-compose.yml but not documented in README.md's configuration table", name)
                .contains(name));
    }

    static String readme(String file) {
        try {
            return Files.readString(ROOT.resolve(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
