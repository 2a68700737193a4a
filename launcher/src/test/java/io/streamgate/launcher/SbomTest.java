package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CycloneDX SBOM that launcher/pom.xml writes into target/classes (and so into the shipped
 * jar) before the tests run: it exists, names the runtime components a scanner must see, with the
 * versions the classpath really loads, and leaves test-only libraries out.
 */
class SbomTest {
    static final String RESOURCE = "/META-INF/sbom/streamgate.cdx.json";
    static JsonNode bom;
    /** "group:name" to version, for every component. */
    static final Map<String, String> components = new HashMap<>();

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = SbomTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE + " (cyclonedx-maven-plugin, generate-resources in launcher/pom.xml)").isNotNull();
            bom = new ObjectMapper().readTree(in);
        }
        for (JsonNode c : bom.path("components")) {
            components.put(c.path("group").asText() + ":" + c.path("name").asText(), c.path("version").asText());
        }
    }

    @Test
    void isACycloneDxBomOfTheLauncher() {
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(bom.path("metadata").path("component").path("purl").asText()).startsWith("pkg:maven/io.streamgate/launcher@");
        assertThat(components).containsKeys("io.streamgate:platform", "io.streamgate:ingest", "io.streamgate:processors",
                "io.streamgate:api", "io.streamgate:schemas", "io.streamgate:migrations");
        for (JsonNode c : bom.path("components")) {
            // A scanner matches on the purl; a component without one is invisible to it.
            assertThat(c.path("purl").asText()).as(c.path("name").asText()).startsWith("pkg:maven/");
        }
    }

    @Test
    void namesTheKeyRuntimeComponentsAtTheVersionsOnTheClasspath() throws Exception {
        // Each class's jar file name (artifactId-version.jar in the local repository) is what the
        // tests load; the SBOM must say the same version. Reactor modules load from target/classes.
        assertVersion("org.apache.kafka:kafka-streams", org.apache.kafka.streams.KafkaStreams.class);
        assertVersion("org.apache.kafka:kafka-clients", org.apache.kafka.clients.producer.KafkaProducer.class);
        assertVersion("org.apache.kafka:kafka_2.13", kafka.server.KafkaRaftServer.class);
        assertVersion("io.javalin:javalin", io.javalin.Javalin.class);
        assertVersion("org.eclipse.jetty:jetty-server", org.eclipse.jetty.server.Server.class);
        assertVersion("org.postgresql:postgresql", org.postgresql.Driver.class);
        assertVersion("org.flywaydb:flyway-core", org.flywaydb.core.Flyway.class);
        assertVersion("com.zaxxer:HikariCP", com.zaxxer.hikari.HikariDataSource.class);
        assertVersion("com.fasterxml.jackson.core:jackson-databind", ObjectMapper.class);
        assertVersion("io.jsonwebtoken:jjwt-api", io.jsonwebtoken.Jwts.class);
        assertVersion("org.rocksdb:rocksdbjni", org.rocksdb.RocksDB.class);
        assertVersion("ch.qos.logback:logback-classic", ch.qos.logback.classic.Logger.class);
        assertVersion("org.bouncycastle:bcprov-jdk18on", org.bouncycastle.jce.provider.BouncyCastleProvider.class);
    }

    @Test
    void leavesTestOnlyLibrariesOut() {
        assertThat(components.keySet()).noneMatch(k -> k.startsWith("org.junit") || k.startsWith("org.assertj:")
                || k.startsWith("org.awaitility:") || k.startsWith("org.testcontainers:") || k.startsWith("com.stripe:")
                || k.equals("io.streamgate:testkit") || k.equals("org.apache.kafka:kafka-streams-test-utils")
                // test-scoped in launcher/pom.xml, so not in the jar (see kafka_2.13's exclusion in pom.xml)
                || k.equals("org.yaml:snakeyaml"));
    }

    static void assertVersion(String component, Class<?> loaded) throws URISyntaxException {
        assertThat(components).as("SBOM components").containsKey(component);
        Path jar = Path.of(loaded.getProtectionDomain().getCodeSource().getLocation().toURI());
        String artifactId = component.substring(component.indexOf(':') + 1);
        assertThat(jar.getFileName().toString()).as(loaded.getName() + " loaded from")
                .isEqualTo(artifactId + "-" + components.get(component) + ".jar");
    }
}
