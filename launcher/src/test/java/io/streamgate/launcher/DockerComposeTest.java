package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.platform.db.DatabaseUrl;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
        assertThat((String) services.get("kafka").get("image")).startsWith("apache/kafka:");
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
