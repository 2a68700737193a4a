package io.streamgate.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness of the Kafka cluster: it answers a metadata request within two seconds. */
public final class KafkaHealth implements AutoCloseable {
    private final AdminClient admin;
    private KafkaClientMetrics metrics;

    public KafkaHealth(KafkaSettings kafka) {
        this.admin = AdminClient.create(kafka.common("health"));
    }

    /** Publishes this admin client's metrics (connections, request latencies) to {@code registry}. */
    public KafkaHealth bindMetrics(MeterRegistry registry) {
        metrics = new KafkaClientMetrics(admin);
        metrics.bindTo(registry);
        return this;
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
        if (metrics != null) metrics.close();
        admin.close();
    }
}
