package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.schemas.webhooks.WebhookTopics;
import io.streamgate.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `dev` end to end, in-process: boot, ready, a record through a created topic, stop, restart keeps the data. */
class DevBootTest {
    static TestDatabase database;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.create("devboot");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void devBootsServesReadyKeepsDataAcrossRestart(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("DATABASE_URL", database.url().jdbcUrl() + "?user=" + database.url().user());
        LaunchOptions options = LaunchOptions.parse("dev", "--port", "0", "--kafka-port", "0", "--data-dir", dataDir.toString());
        String key = "evt_" + UUID.randomUUID();

        try (Streamgate first = Streamgate.start(options, env)) {
            assertThat(get(first, "/health/ready").statusCode()).isEqualTo(200);
            if (DockerComposeTest.onPath("curl")) {
                DockerComposeTest.parse();
                assertThat(DockerComposeTest.runHealthcheck(first.port())).as("docker-compose.yml's healthcheck against the real app").isZero();
            }
            assertThat(first.banner()).contains("webhooks.received").contains(first.baseUrl());
            try (var producer = new KafkaProducer<byte[], byte[]>(first.platform().kafka().producer("test"))) {
                producer.send(new ProducerRecord<>(WebhookTopics.RECEIVED.name(), bytes(key), bytes("{}"))).get();
            }
        }

        try (Streamgate second = Streamgate.start(options, env)) {
            assertThat(get(second, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(keysIn(second, WebhookTopics.RECEIVED.name())).contains(key);
        }
    }

    private static HttpResponse<String> get(Streamgate s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> keysIn(Streamgate s, String topic) {
        List<String> keys = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(s.platform().kafka().consumer("test", null))) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (keys.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    keys.add(new String(r.key(), StandardCharsets.UTF_8));
                }
            }
        }
        return keys;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
