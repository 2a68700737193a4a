package io.streamgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads by role, read from {@code /proc/self/task} (Linux): user
 * plus system time, which sampling profilers miss (JFR samples Java frames only, and none of
 * the JIT's or the kernel's time). Everything in a benchmark shares the same cores, so a
 * throughput ratio alone cannot say whose work grew; CPU per request by role can.
 * Empty where {@code /proc} is not there.
 */
public final class ThreadCpu {
    /** Role names in report order; {@link #role} names a thread's role from its name. */
    public static final String[] ROLES = {"http server", "broker", "producer", "logging", "load driver", "jit", "gc", "other"};
    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

    private ThreadCpu() {}

    static String role(String thread) {
        if (thread.startsWith("JettyServerThre")) return "http server";
        if (thread.startsWith("kafka-producer-")) return "producer";
        if (thread.startsWith("AsyncAppender")) return "logging";
        if (thread.startsWith("HttpClient-") || thread.startsWith("load-")) return "load driver";
        if (thread.startsWith("C1 Compiler") || thread.startsWith("C2 Compiler")) return "jit";
        if (thread.startsWith("GC ") || thread.startsWith("G1 ")) return "gc";
        if (thread.startsWith("data-plane") || thread.startsWith("kafka-") || thread.startsWith("ExpirationReape")
                || thread.startsWith("broker-") || thread.startsWith("controller-") || thread.startsWith("quorum-")
                || thread.startsWith("group-") || thread.startsWith("share-") || thread.startsWith("raft-")) return "broker";
        return "other";
    }

    /** One thread's role and its CPU seconds so far. */
    public record ThreadTime(String role, double seconds) {}

    /** CPU time so far per thread id. */
    public static Map<String, ThreadTime> snapshot() {
        Map<String, ThreadTime> byThread = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) return byThread;
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                    byThread.put(t.getFileName().toString(), new ThreadTime(role(name), seconds));
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading
                }
            });
        } catch (IOException e) {
            return byThread;
        }
        return byThread;
    }

    /** CPU seconds per role spent between two snapshots. */
    public static Map<String, Double> between(Map<String, ThreadTime> before, Map<String, ThreadTime> after) {
        Map<String, Double> byRole = new LinkedHashMap<>();
        for (String role : ROLES) byRole.put(role, 0.0);
        after.forEach((thread, now) -> {
            ThreadTime then = before.get(thread);
            byRole.merge(now.role(), now.seconds() - (then == null ? 0 : then.seconds()), Double::sum);
        });
        return byRole;
    }
}
