package io.streamgate.platform.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One counter name with one tag, its known values registered up front: a dashboard or an alert
 * on the counter's rate then sees a 0 series from start-up instead of no series until the first
 * event, and the test that compares the dashboard with {@code /metrics} finds the name. A value
 * not in the known list still counts, under a series of its own ({@code unknown} for null).
 */
public final class CounterFamily {
    private final MeterRegistry metrics;
    private final String name;
    private final String tag;
    private final String description;
    private final Map<String, Counter> byValue = new ConcurrentHashMap<>();

    public CounterFamily(MeterRegistry metrics, String name, String description, String tag, List<String> known) {
        this.metrics = metrics;
        this.name = name;
        this.tag = tag;
        this.description = description;
        known.forEach(this::counter);
    }

    public void increment(String value) {
        counter(value == null ? "unknown" : value).increment();
    }

    private Counter counter(String value) {
        return byValue.computeIfAbsent(value, v -> Counter.builder(name).tag(tag, v).description(description).register(metrics));
    }
}
