package io.streamgate.platform.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Readiness checks registered by the parts of the running roles (Kafka reachable, Streams
 * RUNNING, Postgres answering with migrations applied). Ready only when all pass.
 */
public final class Health {
    private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();

    public void register(String name, BooleanSupplier check) {
        checks.put(name, check);
    }

    /** Each check's result, in name order. A check that throws counts as failed. */
    public Map<String, Boolean> evaluate() {
        Map<String, Boolean> result = new LinkedHashMap<>();
        checks.keySet().stream().sorted().forEach(name -> {
            boolean ok;
            try {
                ok = checks.get(name).getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            result.put(name, ok);
        });
        return result;
    }

    public boolean ready() {
        return evaluate().values().stream().allMatch(Boolean::booleanValue);
    }
}
