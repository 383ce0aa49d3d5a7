package org.vigil.local;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects a command shares with the tasks of a job it runs on a MiniCluster in its own JVM (a sink's consumer, a
 * source's progress counters), found by name after Flink has serialized and copied the job's functions.
 */
final class InProcessChannels {
    private static final Map<String, Object> OPEN = new ConcurrentHashMap<>();

    private InProcessChannels() {}

    /** Opens a channel to {@code target}; returns its name. */
    static String open(Object target) {
        String name = UUID.randomUUID().toString();
        OPEN.put(name, target);
        return name;
    }

    /** The object of an open channel; fails when the job runs in another JVM, where the channel cannot reach. */
    static <T> T get(String name, Class<T> type) {
        Object target = OPEN.get(name);
        if (target == null) {
            throw new IllegalStateException("no in-process channel " + name + ": the job must run on a MiniCluster"
                    + " in the JVM that opened it");
        }
        return type.cast(target);
    }

    static void close(String name) {
        OPEN.remove(name);
    }
}
