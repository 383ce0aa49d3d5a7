package org.vigil.correlate;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.state.StateBackendLoader;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;
import org.vigil.alert.Alert;
import org.vigil.event.EventParser;
import org.vigil.event.SecurityEvent;
import org.vigil.job.CorrelatorJob;
import org.vigil.job.KafkaConnectors;
import org.vigil.job.VigilConfig;
import org.vigil.local.BenchEventMix;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleLoader;

/**
 * JMH benchmark of the correlate operator per routed event with its keyed state in RocksDB as the job configures it:
 * buffering in {@code pending-events}, release at the watermark into Esper and {@code retained-events}, timers. The
 * events are {@code vigil bench}'s mix (web access lines carry whole-second timestamps, so a web server's key gets
 * many events per timestamp), watermark 1 s behind the newest event and advanced every 200 ms of event time.
 * Compare with {@code HotPathBenchmark.correlate} (Esper alone) to see what state and timers add.
 *
 * <pre>
 * java -cp ... org.openjdk.jmh.Main CorrelateStateBenchmark      (see README, "Performance")
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class CorrelateStateBenchmark {
    private static final long T0 = 1_772_438_400_000L; // 2026-03-02T08:00:00Z
    /** Events of the mix per millisecond of event time: 20,000 events/s. */
    private static final int EVENTS_PER_MS = 20;
    private static final long OUT_OF_ORDERNESS_MILLIS = 1_000;
    private static final long WATERMARK_INTERVAL_MILLIS = 200;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Param({"rocksdb"})
    public String backend;

    /** Events parsed from the mix; a quarter warms each iteration's operator, the rest is there to be measured. */
    @Param({"120000"})
    public int events;

    private List<RuleDefinition> rules;
    private RoutedEvent[] routed;
    private KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> harness;
    private int next;
    private long maxTimestamp;
    private long lastWatermark;
    private int measuredFrom;
    private long threadCpuFrom;
    private long processCpuFrom;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        rules = RuleLoader.load(Path.of(System.getProperty("vigil.rules", "rules")));
        EventParser parser = KafkaConnectors.eventParser(VigilConfig.defaults());
        BenchEventMix mix = new BenchEventMix(11);
        SecurityEvent[] parsed = new SecurityEvent[events];
        for (int i = 0; i < events; i++) {
            BenchEventMix.Event e = mix.next(T0 + i / EVENTS_PER_MS);
            parsed[i] = parser.parse(e.value(), e.topic(), 0, i).event();
        }
        Arrays.sort(parsed, Comparator.comparingLong(SecurityEvent::timestampMillis));
        PartitionRouter router = PartitionRouter.forFields(new TreeSet<>(rules.stream()
                .map(r -> r.metadata().partitionField()).toList()));
        List<RoutedEvent> all = new ArrayList<>();
        Collector<RoutedEvent> into = new Collector<>() {
            @Override
            public void collect(RoutedEvent record) {
                all.add(record);
            }

            @Override
            public void close() {}
        };
        for (SecurityEvent e : parsed) {
            router.flatMap(e, into);
        }
        routed = all.toArray(RoutedEvent[]::new);
    }

    /**
     * A fresh operator per iteration, warmed (untimed) with the first quarter of the stream: Esper makes each rule's
     * statements anew for every entity it has not seen, which the job pays once per entity, not per event.
     */
    @Setup(Level.Iteration)
    public void newOperator() throws Exception {
        VigilConfig config = VigilConfig.of(Map.of("state.backend", backend), Map.of());
        Configuration flink = CorrelatorJob.stateConfiguration(config);
        // The harness has almost no managed memory; give RocksDB what a slot of a 2-slot TaskManager would.
        flink.set(RocksDBOptions.FIX_PER_SLOT_MEMORY_SIZE, MemorySize.parse("256mb"));
        harness = new KeyedBroadcastOperatorTestHarness<>(new CorrelateOperator(new CorrelateFunction(rules, 20)),
                RoutedEvent::key, Types.STRING, 128, 1, 0);
        harness.setStateBackend(StateBackendLoader.loadStateBackendFromConfig(flink,
                CorrelateStateBenchmark.class.getClassLoader(), LoggerFactory.getLogger(CorrelateStateBenchmark.class)));
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        next = 0;
        maxTimestamp = Long.MIN_VALUE;
        lastWatermark = Long.MIN_VALUE;
        while (next < routed.length / 4) {
            correlate();
        }
        measuredFrom = next;
        threadCpuFrom = THREADS.getCurrentThreadCpuTime();
        processCpuFrom = PROCESS.getProcessCpuTime();
    }

    /**
     * Prints the CPU time per event of the iteration: on a shared machine the wall time per event (JMH's score) grows
     * with the other load, the CPU time much less. "process" includes RocksDB's background threads, JIT and GC.
     */
    @TearDown(Level.Iteration)
    public void closeOperator() throws Exception {
        long threadCpu = THREADS.getCurrentThreadCpuTime() - threadCpuFrom;
        long processCpu = PROCESS.getProcessCpuTime() - processCpuFrom;
        int events = next - measuredFrom;
        System.out.printf(Locale.ROOT, "%ncpu per event: thread %.1f us, process %.1f us (%d events)%n",
                threadCpu / 1000.0 / events, processCpu / 1000.0 / events, events);
        harness.close();
    }

    /** One routed event (an event counts once per partition field it has a value for; about 1.3 per event). */
    @Benchmark
    public int correlate() throws Exception {
        if (next == routed.length) {
            throw new IllegalStateException("the stream ran out within an iteration; raise -p events");
        }
        RoutedEvent r = routed[next++];
        long timestamp = r.event.timestampMillis();
        harness.processElement(new StreamRecord<>(r, timestamp));
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        long watermark = maxTimestamp - OUT_OF_ORDERNESS_MILLIS;
        if (watermark >= lastWatermark + WATERMARK_INTERVAL_MILLIS) {
            harness.processWatermark(new Watermark(watermark));
            lastWatermark = watermark;
            int emitted = harness.getOutput().size();
            harness.getOutput().clear();
            return emitted;
        }
        return 0;
    }
}
