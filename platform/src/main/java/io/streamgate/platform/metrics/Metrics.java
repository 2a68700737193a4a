package io.streamgate.platform.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process's one Prometheus registry, served at {@code /metrics}: JVM and process
 * metrics bound here, HTTP timers and Jetty's thread pool and connections by the edge, HikariCP
 * pools by {@code Database}, Kafka client and Streams metrics by the components that own the
 * clients ({@code KafkaClientMetrics}, {@code KafkaStreamsMetrics}).
 */
public final class Metrics {
    private Metrics() {}

    public static PrometheusMeterRegistry registry(String role, String instanceId) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Not "instance" (nor "job"): Prometheus sets those on every scraped series itself, and a
        // series' own label of that name is renamed exported_instance or overwrites the target's.
        metrics.config().commonTags("role", role, "instance_id", instanceId);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ClassLoaderMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        return metrics;
    }
}
