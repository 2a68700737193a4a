package io.streamgate.platform.kafka;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness of the Kafka cluster: it answers a metadata request within two seconds. */
public final class KafkaHealth implements AutoCloseable {
    private final Admin admin;

    public KafkaHealth(KafkaSettings kafka) {
        this.admin = Admin.create(kafka.common("health"));
    }

    public boolean reachable() {
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                    .nodes().get(2500, TimeUnit.MILLISECONDS).isEmpty();
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
