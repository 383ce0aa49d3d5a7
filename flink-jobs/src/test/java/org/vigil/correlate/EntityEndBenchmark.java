package org.vigil.correlate;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleLoader;

/**
 * Measures what ending an entity's Esper partitions at the end of its horizon saves: many source addresses, each
 * seen briefly (a failed logon and an outbound flow) and never again, fed through {@link EntityCorrelator} with the
 * shipped rules, once never ending a partition (the correlator before) and once ending each address's partitions when
 * the horizon of its last event ends, as {@link CorrelateFunction} does; then the same events through the operator
 * in the test harness, which ends them itself. Prints the context partitions left and the heap they hold. A program,
 * not a test: it prints figures.
 *
 * <pre>
 * EntityEndBenchmark [--entities 20000] [--seconds-between 1] [--rules rules]
 * </pre>
 */
public final class EntityEndBenchmark {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String FIELD = "source.ip";

    private EntityEndBenchmark() {}

    public static void main(String[] args) throws Exception {
        int entities = 20_000;
        long millisBetween = 1000;
        Path rulesDir = Path.of("rules");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--entities" -> entities = Integer.parseInt(args[i + 1]);
                case "--seconds-between" -> millisBetween = Math.round(Double.parseDouble(args[i + 1]) * 1000);
                case "--rules" -> rulesDir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("usage: EntityEndBenchmark [--entities 20000]"
                        + " [--seconds-between 1] [--rules rules]; unexpected '" + args[i] + "'");
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: EntityEndBenchmark [--entities 20000] [--seconds-between 1] [--rules rules]");
        }
        List<RuleDefinition> rules = RuleLoader.load(rulesDir);
        long horizon = rules.stream().filter(r -> r.metadata().partitionField().equals(FIELD))
                .mapToLong(r -> r.metadata().horizon().toMillis()).max().orElseThrow();
        List<RoutedEvent> events = workload(entities, millisBetween);
        System.out.printf("%,d source addresses, one every %.1f s, %,d events, %d rules (%s horizon %s)%n", entities,
                millisBetween / 1000.0, events.size(), rules.size(), FIELD, Duration.ofMillis(horizon));
        System.out.println("| run | context partitions left | heap after GC | events/s |");
        System.out.println("| --- | --- | --- | --- |");
        correlatorRun("EntityCorrelator, never ended", rules, events, -1);
        correlatorRun("EntityCorrelator, ended at the horizon", rules, events, horizon);
        harnessRun("operator (test harness), ends itself", rules, events);
    }

    /** Each address: a failed logon, then an outbound flow two seconds later. */
    private static List<RoutedEvent> workload(int entities, long millisBetween) {
        List<RoutedEvent> events = new ArrayList<>();
        for (int i = 0; i < entities; i++) {
            String ip = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            Instant at = T0.plusMillis(i * millisBetween);
            events.add(new RoutedEvent(FIELD, ip, SecurityEvent.builder().timestamp(at).id("l" + i).put("source.ip", ip)
                    .put("user.name", "user" + (i % 500)).put("event.category", List.of("authentication"))
                    .put("event.outcome", "failure").build()));
            events.add(new RoutedEvent(FIELD, ip, SecurityEvent.builder().timestamp(at.plusSeconds(2)).id("n" + i)
                    .put("source.ip", ip).put("destination.ip", "198.51.100." + (i % 200)).put("destination.port", 443)
                    .put("network.protocol", "tls").put("event.category", List.of("network")).build()));
        }
        events.sort(EntityCorrelator.REPLAY_ORDER);
        return events;
    }

    /** {@code horizon} < 0: never end; else end each address when the horizon of its last event ends. */
    private static void correlatorRun(String label, List<RuleDefinition> rules, List<RoutedEvent> events, long horizon)
            throws Exception {
        try (EntityCorrelator correlator = new EntityCorrelator(rules, 10)) {
            long before = heapAfterGc();
            Deque<RoutedEvent> ends = new ArrayDeque<>();
            long start = System.nanoTime();
            for (RoutedEvent e : events) {
                // Events come in time order and each address's flow is its last event, so ends come due in order.
                while (horizon >= 0 && !ends.isEmpty() && ends.peekFirst().event.timestampMillis() + horizon <= e.event.timestampMillis()) {
                    RoutedEvent last = ends.removeFirst();
                    correlator.advanceTo(last.event.timestampMillis() + horizon);
                    correlator.endEntity(FIELD, last.value);
                }
                correlator.process(e.field, e.value, e.event);
                if (e.event.id().startsWith("n")) {
                    ends.addLast(e);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            print(label, partitions(correlator, rules), heapAfterGc() - before, events.size() / seconds);
        }
    }

    private static void harnessRun(String label, List<RuleDefinition> rules, List<RoutedEvent> events) throws Exception {
        try (var h = new KeyedBroadcastOperatorTestHarness<>(new CorrelateOperator(new CorrelateFunction(rules, 10)),
                RoutedEvent::key, Types.STRING, 128, 1, 0)) {
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            long before = heapAfterGc();
            long start = System.nanoTime();
            for (RoutedEvent e : events) {
                h.processElement(new StreamRecord<>(e, e.event.timestampMillis()));
                // A millisecond behind: an event at the watermark's own time would be late.
                h.processWatermark(new Watermark(e.event.timestampMillis() - 1));
            }
            h.processWatermark(new Watermark(events.get(events.size() - 1).event.timestampMillis()));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (h.getSideOutput(CorrelateFunction.LATE_EVENTS) != null && !h.getSideOutput(CorrelateFunction.LATE_EVENTS).isEmpty()) {
                throw new IllegalStateException("late events: the workload must reach the operator ahead of the watermark");
            }
            h.getOutput().clear();
            EntityCorrelator correlator = ((CorrelateFunction) ((CorrelateOperator) h.getOperator()).getUserFunction()).correlator();
            print(label, partitions(correlator, rules), heapAfterGc() - before, events.size() / seconds);
        }
    }

    private static int partitions(EntityCorrelator correlator, List<RuleDefinition> rules) {
        int total = 0;
        StringBuilder byRule = new StringBuilder();
        for (RuleDefinition r : rules) {
            int n = correlator.contextPartitions(r.id());
            total += n;
            if (n > 0) {
                byRule.append(' ').append(r.id()).append('=').append(n);
            }
        }
        System.out.println("  partitions by rule:" + byRule);
        return total;
    }

    private static void print(String label, int partitions, long heapBytes, double eventsPerSecond) {
        System.out.printf("| %s | %,d | %.1f MB | %,.0f |%n", label, partitions, heapBytes / 1e6, eventsPerSecond);
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
