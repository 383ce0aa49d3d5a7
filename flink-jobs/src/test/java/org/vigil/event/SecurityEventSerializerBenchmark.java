package org.vigil.event;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vigil.job.CpuPerOperation;
import org.vigil.job.KafkaConnectors;
import org.vigil.job.VigilConfig;
import org.vigil.local.BenchEventMix;

/**
 * JMH benchmark of {@link SecurityEventSerializer} on the events of {@code vigil bench}'s mix, as the job parses them:
 * writing one event (what every exchange between operators and every write to keyed state pays) and reading one. The
 * average serialized size is printed when the benchmark sets up, the thread's CPU time per operation after each iteration.
 *
 * <pre>
 * java -cp ... org.openjdk.jmh.Main SecurityEventSerializerBenchmark      (see README, "Performance")
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class SecurityEventSerializerBenchmark {
    private static final long T0 = 1_772_438_400_000L; // 2026-03-02T08:00:00Z
    private static final int EVENTS = 4096;

    private final SecurityEvent[] events = new SecurityEvent[EVENTS];
    private final byte[][] serialized = new byte[EVENTS][];
    private final DataOutputSerializer out = new DataOutputSerializer(4096);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private int next;
    private final CpuPerOperation cpu = new CpuPerOperation();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        EventParser parser = KafkaConnectors.eventParser(VigilConfig.defaults());
        BenchEventMix mix = new BenchEventMix(11);
        long bytes = 0;
        for (int i = 0; i < EVENTS; i++) {
            BenchEventMix.Event e = mix.next(T0 + i);
            events[i] = parser.parse(e.value(), e.topic(), 0, i).event();
            out.clear();
            SecurityEventSerializer.INSTANCE.serialize(events[i], out);
            serialized[i] = out.getCopyOfBuffer();
            bytes += serialized[i].length;
        }
        System.out.printf(Locale.ROOT, "%nserialized size: %d bytes per event on average%n", bytes / EVENTS);
    }

    @Setup(Level.Iteration)
    public void startCpuClock() {
        cpu.start(next);
    }

    /** The benchmark thread's CPU time per operation: on a shared machine JMH's wall-clock score grows with the load. */
    @TearDown(Level.Iteration)
    public void printCpuPerOperation() {
        cpu.print(next);
    }

    @Benchmark
    public int serialize() throws Exception {
        out.clear();
        SecurityEventSerializer.INSTANCE.serialize(events[next++ & (EVENTS - 1)], out);
        return out.length();
    }

    @Benchmark
    public SecurityEvent deserialize() throws Exception {
        in.setBuffer(serialized[next++ & (EVENTS - 1)]);
        return SecurityEventSerializer.INSTANCE.deserialize(in);
    }
}
