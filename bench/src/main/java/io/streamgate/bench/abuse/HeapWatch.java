package io.streamgate.bench.abuse;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Heap, GC and threads over one phase of this JVM (server, broker and load driver together, as
 * every in-process benchmark here runs). The heap is sampled every 10 ms: the sum of the pools'
 * own peaks would add peaks reached at different moments (a full eden and the old generation
 * after it was emptied into it), which no instant ever held. The old generation's peak (humongous
 * objects included: Argon2's 19 MiB blocks land there under G1) is read from its pool.
 */
final class HeapWatch {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One phase's figures; sizes in MiB, GC time in milliseconds as the collectors report it. */
    record Figures(double heapPeakMib, double oldGenPeakMib, double heapMaxMib, long gcCount, long gcMillis, int threadsPeak) {}

    private final List<MemoryPoolMXBean> oldPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && (p.getName().contains("Old") || p.getName().contains("Tenured")))
            .toList();
    private long gcCountBefore;
    private long gcMillisBefore;
    private volatile long peak;
    private volatile boolean running;
    private Thread sampler;

    void start() {
        oldPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        THREADS.resetPeakThreadCount();
        gcCountBefore = gcCount();
        gcMillisBefore = gcMillis();
        peak = MEMORY.getHeapMemoryUsage().getUsed();
        running = true;
        sampler = new Thread(() -> {
            while (running) {
                long used = MEMORY.getHeapMemoryUsage().getUsed();
                if (used > peak) peak = used;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "load-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    Figures stop() throws InterruptedException {
        running = false;
        sampler.join();
        long oldPeak = oldPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Figures(peak / 1048576.0, oldPeak / 1048576.0, MEMORY.getHeapMemoryUsage().getMax() / 1048576.0,
                gcCount() - gcCountBefore, gcMillis() - gcMillisBefore, THREADS.getPeakThreadCount());
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }
}
