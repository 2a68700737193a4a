package io.streamgate.platform.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness checks registered by the parts of the running roles (Kafka reachable, Streams
 * RUNNING, Postgres answering with migrations applied). Ready only when all pass.
 *
 * <p>Callers read a {@link Snapshot} from memory; once {@link #start() started}, one daemon
 * thread re-evaluates every check about once per {@link #PERIOD}, whatever the number of
 * callers, so a flood of {@code /health/ready} costs no more than {@code /health/live}. Each
 * check runs on its own thread and gets {@link #CHECK_TIMEOUT} to answer: one that hangs is
 * reported down (and logged by name) while the others are still reported; it is not invoked
 * again, nor waited for, until that call returns, so a hang neither piles up threads nor slows
 * the snapshots after the first.
 */
public final class Health implements AutoCloseable {
    /** How often the background evaluation runs (the delay between the end of one and the start of the next). */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    private volatile boolean stopping;
    /**
     * How long a check may take before it counts as down. Above the two seconds the built-in
     * checks give their own clients (Kafka metadata, Postgres query), so they answer false
     * themselves before this cuts them off.
     */
    public static final Duration CHECK_TIMEOUT = Duration.ofMillis(2500);

    private static final Logger log = LoggerFactory.getLogger(Health.class);

    /**
     * One evaluation of every registered check, immutable.
     *
     * @param takenAt when the evaluation finished; null before the first one
     * @param checks each check's result, in name order
     */
    public record Snapshot(Instant takenAt, Map<String, Boolean> checks) {
        static final Snapshot NONE = new Snapshot(null, Map.of());

        public Snapshot {
            checks = Collections.unmodifiableMap(new LinkedHashMap<>(new TreeMap<>(checks)));
        }

        /** True when evaluated and every check passed; nothing evaluated yet is not ready. */
        public boolean ready() {
            return takenAt != null && checks.values().stream().allMatch(Boolean::booleanValue);
        }

        /** The names of the checks that failed, in name order. */
        public List<String> down() {
            return checks.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        }
    }

    /** A running invocation of one check, kept until it returns so a hung check is never started twice. */
    private record Invocation(BooleanSupplier check, Future<Boolean> result) {}

    private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();
    private final Map<String, Invocation> inFlight = new HashMap<>();
    private final Set<String> timedOut = new HashSet<>();
    private final Object evaluating = new Object();
    private final Duration period;
    private final Duration checkTimeout;
    private final Clock clock;
    private final ExecutorService runner;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    private volatile Snapshot snapshot = Snapshot.NONE;
    private volatile ScheduledExecutorService scheduler;
    private volatile MeterRegistry metrics;

    public Health() {
        this(PERIOD, CHECK_TIMEOUT, Clock.systemUTC());
    }

    public Health(Duration period, Duration checkTimeout, Clock clock) {
        this.period = period;
        this.checkTimeout = checkTimeout;
        this.clock = clock;
        // No core threads: a Health that never evaluates holds none. At most one thread per
        // check is busy at a time (see Invocation), so the pool is bounded by the check count.
        this.runner = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), daemon("health-check"));
    }

    /**
     * Adds (or replaces) a check. Once started, a new check is evaluated right away rather
     * than at the next period, so a snapshot taken before it existed does not stand for long.
     */
    public void register(String name, BooleanSupplier check) {
        boolean added = checks.put(name, check) == null;
        ScheduledExecutorService s = scheduler;
        if (added && s != null) {
            try {
                s.execute(this::refreshQuietly);
            } catch (RejectedExecutionException closing) {
                // Closed meanwhile: nothing serves the snapshot any more.
            }
        }
    }

    /**
     * Publishes {@code health.check} (1 up, 0 down; one series per check), {@code health.ready}
     * and {@code health.snapshot.age} from the snapshot: reading them costs a memory read.
     */
    public Health bindMetrics(MeterRegistry registry) {
        this.metrics = registry;
        Gauge.builder("health.ready", this, h -> h.snapshot.ready() ? 1 : 0)
                .description("1 when every readiness check passed in the latest snapshot").strongReference(true).register(registry);
        TimeGauge.builder("health.snapshot.age", this, TimeUnit.MILLISECONDS, h -> {
                    Instant at = h.snapshot.takenAt();
                    return at == null ? Double.NaN : Duration.between(at, h.clock.instant()).toMillis();
                })
                .description("time since the readiness snapshot was taken; grows when evaluation has stopped").strongReference(true)
                .register(registry);
        gaugeChecks(snapshot);
        return this;
    }

    /** Starts re-evaluating in the background, the first evaluation at once. */
    public synchronized void start() {
        if (scheduler != null) return;
        scheduler = Executors.newSingleThreadScheduledExecutor(daemon("health"));
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The process has begun to stop: from now on a check going down is logged at INFO, not as a
     * warning, since each goes down as its component closes. Evaluation goes on until
     * {@link #close()}, so readiness keeps saying what still works.
     */
    public void stopping() {
        stopping = true;
    }

    /** Stops the background evaluation and abandons any check still running. */
    @Override
    public synchronized void close() {
        if (scheduler != null) scheduler.shutdownNow();
        runner.shutdownNow();
    }

    /** The latest snapshot, from memory. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Whether the latest snapshot found every check passing; never runs a check. */
    public boolean ready() {
        return snapshot.ready();
    }

    /**
     * Runs every check now (sharing any invocation still in flight), publishes the result as
     * the snapshot and returns it. For start-up and tests; request paths read {@link #snapshot()}.
     */
    public Snapshot refresh() {
        synchronized (evaluating) {
            long now = System.nanoTime();
            long deadline = now + checkTimeout.toNanos();
            Map<String, Invocation> running = new TreeMap<>();
            Set<String> carriedOver = new HashSet<>();
            checks.forEach((name, check) -> {
                Invocation previous = inFlight.get(name);
                Invocation invocation;
                if (previous != null && previous.check() == check) {
                    invocation = previous;
                    carriedOver.add(name);
                } else {
                    invocation = invoke(check);
                }
                inFlight.put(name, invocation);
                running.put(name, invocation);
            });
            Map<String, Boolean> results = new LinkedHashMap<>();
            Set<String> timedOutNow = new HashSet<>();
            running.forEach((name, invocation) -> {
                // A call that already ran out its time once is not waited for again: the other
                // checks' results come at the usual pace while it hangs.
                Boolean ok = outcome(invocation.result(), carriedOver.contains(name) ? now : deadline);
                if (ok == null) timedOutNow.add(name);
                else inFlight.remove(name);
                results.put(name, Boolean.TRUE.equals(ok));
            });
            // Microseconds, like every other timestamp the API sends.
            Snapshot next = new Snapshot(clock.instant().truncatedTo(ChronoUnit.MICROS), results);
            logChanges(snapshot, next, timedOutNow);
            timedOut.clear();
            timedOut.addAll(timedOutNow);
            snapshot = next;
            if (metrics != null) gaugeChecks(next);
            return next;
        }
    }

    /** Each check's result after running them now, in name order; see {@link #refresh()}. */
    public Map<String, Boolean> evaluate() {
        return refresh().checks();
    }

    private Invocation invoke(BooleanSupplier check) {
        try {
            return new Invocation(check, runner.submit(check::getAsBoolean));
        } catch (RejectedExecutionException closed) {
            return new Invocation(check, CompletableFuture.completedFuture(false));
        }
    }

    /** True or false as the check answered (a check that throws is false); null when it has not answered by the deadline. */
    private static Boolean outcome(Future<Boolean> result, long deadline) {
        try {
            return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void logChanges(Snapshot previous, Snapshot next, Set<String> timedOutNow) {
        next.checks().forEach((name, ok) -> {
            Boolean was = previous.checks().get(name);
            if (timedOutNow.contains(name) && !timedOut.contains(name)) {
                log.warn("readiness check {} gave no answer within {} ms: counted as down", name, checkTimeout.toMillis());
            } else if (was != null && !was.equals(ok)) {
                if (ok) log.info("readiness check {} is up", name);
                else if (stopping) log.info("readiness check {} is down (stopping)", name);
                else log.warn("readiness check {} is down", name);
            }
        });
    }

    private void gaugeChecks(Snapshot s) {
        for (String name : s.checks().keySet()) {
            if (gauged.add(name)) {
                Gauge.builder("health.check", this, h -> Boolean.TRUE.equals(h.snapshot.checks().get(name)) ? 1 : 0)
                        .tag("check", name)
                        .description("1 when this readiness check passed in the latest snapshot")
                        .strongReference(true)
                        .register(metrics);
            }
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // An exception would cancel the schedule: the snapshot would silently stop moving.
            log.error("readiness evaluation failed", e);
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
