package io.streamgate.testkit;

import org.testcontainers.kafka.KafkaContainer;

/** The opt-in Testcontainers path; needs a Docker engine, which CI machines here lack. */
final class ContainerKafka {
    private ContainerKafka() {}

    static String start() {
        KafkaContainer kafka = new KafkaContainer(System.getProperty("streamgate.test.kafka.image", "apache/kafka:" + KafkaVersion.clients()));
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "test-kafka-container-stop"));
        return kafka.getBootstrapServers();
    }
}
