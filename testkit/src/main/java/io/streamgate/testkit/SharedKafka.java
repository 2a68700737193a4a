package io.streamgate.testkit;

import io.streamgate.platform.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real Kafka broker per test JVM: the in-JVM KRaft broker by default, or Testcontainers
 * Kafka when {@code -Dstreamgate.test.kafka=testcontainers} is set and a Docker engine exists.
 * Topics are shared by the test classes of the JVM, so tests use their own random ids.
 */
public final class SharedKafka {
    private static String bootstrap;

    private SharedKafka() {}

    public static synchronized String bootstrapServers() {
        if (bootstrap != null) return bootstrap;
        if ("testcontainers".equals(System.getProperty("streamgate.test.kafka"))) {
            bootstrap = ContainerKafka.start();
            return bootstrap;
        }
        try {
            Path dir = Files.createTempDirectory("streamgate-test-kafka");
            EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "test-kafka-stop"));
            bootstrap = kafka.bootstrapServers();
            return bootstrap;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
