package org.vigil.local;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples, four times a second, what the benchmark reports besides latency: the job's committed Kafka offsets
 * (its progress, committed with each checkpoint), the records produced so far, and the heap in use; and reads the
 * CPU time of this JVM and of its child processes (Elasticsearch) on demand.
 */
final class ResourceMeter implements AutoCloseable {
    /** A change of the committed offsets, with the time it was seen and the records produced by then. */
    record Commit(long seenMillis, long committed, long produced) {}

    /** CPU time (ns) of this JVM, of one thread of it, and of its child processes, at a wall-clock instant. */
    record Cpu(long wallNanos, long processNanos, long threadNanos, long childrenNanos) {
        /** Cores used from {@code start} to this reading: process, thread, children. */
        double[] coresSince(Cpu start) {
            double wall = wallNanos - start.wallNanos;
            return new double[] {(processNanos - start.processNanos) / wall, (threadNanos - start.threadNanos) / wall,
                (childrenNanos - start.childrenNanos) / wall};
        }
    }

    private static final Duration PERIOD = Duration.ofMillis(250);

    private final Admin admin;
    private final String groupId;
    private final Set<String> topics;
    private final AtomicLong produced;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<Commit> commits = new ArrayList<>();
    private final Thread sampler;
    private volatile long committed;
    private volatile long maxHeapUsed;
    private volatile boolean running = true;

    ResourceMeter(Admin admin, String groupId, Set<String> topics, AtomicLong produced) {
        this.admin = admin;
        this.groupId = groupId;
        this.topics = Set.copyOf(topics);
        this.produced = produced;
        this.sampler = new Thread(this::sample, "vigil-bench-meter");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        while (running) {
            try {
                long total = 0;
                var offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
                for (var e : offsets.entrySet()) {
                    TopicPartition tp = e.getKey();
                    OffsetAndMetadata o = e.getValue();
                    if (o != null && topics.contains(tp.topic())) {
                        total += o.offset();
                    }
                }
                long now = System.currentTimeMillis();
                if (total != committed) {
                    committed = total;
                    synchronized (commits) {
                        commits.add(new Commit(now, total, produced.get()));
                    }
                }
                maxHeapUsed = Math.max(maxHeapUsed, memory.getHeapMemoryUsage().getUsed());
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // The group appears with the first commit; until then there is nothing to read.
                try {
                    Thread.sleep(PERIOD.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Records the job has committed (consumed and checkpointed) so far, over the benchmark's topics. */
    long committed() {
        return committed;
    }

    /** The job's recent rate: records committed per second over the commits of the last ten seconds, 0 before two. */
    double recentRate() {
        synchronized (commits) {
            if (commits.size() < 2) {
                return 0;
            }
            Commit last = commits.get(commits.size() - 1);
            Commit first = last;
            for (int i = commits.size() - 2; i >= 0 && last.seenMillis() - commits.get(i).seenMillis() <= 10_000; i--) {
                first = commits.get(i);
            }
            return first == last ? 0 : (last.committed() - first.committed()) * 1000.0 / (last.seenMillis() - first.seenMillis());
        }
    }

    /** The commits seen so far, oldest first. */
    List<Commit> commits() {
        synchronized (commits) {
            return List.copyOf(commits);
        }
    }

    /** Highest heap use seen since the last reset, bytes. */
    long maxHeapUsed() {
        return maxHeapUsed;
    }

    void resetMaxHeap() {
        maxHeapUsed = memory.getHeapMemoryUsage().getUsed();
    }

    /** Heap in use right after a full collection, bytes. */
    long heapAfterGc() {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    static Cpu cpu(Thread thread) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long threadNanos = thread == null ? 0 : Math.max(0, ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId()));
        long children = ProcessHandle.current().descendants()
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
        return new Cpu(System.nanoTime(), os.getProcessCpuTime(), threadNanos, children);
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
