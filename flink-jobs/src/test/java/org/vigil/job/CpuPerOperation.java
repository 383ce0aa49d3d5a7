package org.vigil.job;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The benchmark thread's CPU time per operation over one JMH iteration, printed at its end: on a shared machine JMH's
 * wall-clock score grows with the load, the thread's CPU time far less.
 */
public final class CpuPerOperation {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long opsFrom;
    private long cpuFrom;

    /** Starts an iteration at the benchmark's operation count {@code ops}. */
    public void start(long ops) {
        opsFrom = ops;
        cpuFrom = THREADS.getCurrentThreadCpuTime();
    }

    /** Prints the CPU time per operation since {@link #start}, {@code ops} being the operation count now. */
    public void print(long ops) {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuFrom;
        System.out.printf(Locale.ROOT, "%ncpu per operation: %.0f ns (%d operations)%n", (double) cpu / (ops - opsFrom),
                ops - opsFrom);
    }
}
