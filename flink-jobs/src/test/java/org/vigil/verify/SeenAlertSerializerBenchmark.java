package org.vigil.verify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
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
import org.vigil.job.CpuPerOperation;
import org.vigil.job.JavaSerializedTypeInfo;

/**
 * JMH benchmark of reading one of the verify stage's alert summaries ({@code verify-seen}), as every corroboration check
 * and every timer of an entity does for each summary it keeps, with {@link SeenAlertSerializer} against the Java
 * serialization it replaced ({@code format}). The serialized size is printed when the benchmark sets up, the thread's CPU
 * time per operation after each iteration.
 *
 * <pre>
 * java -cp ... org.openjdk.jmh.Main SeenAlertSerializerBenchmark      (see README, "Performance")
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class SeenAlertSerializerBenchmark {
    @Param({"flink", "java"})
    public String format;

    private TypeSerializer<SeenAlert> serializer;
    private byte[] serialized;
    private final DataInputDeserializer in = new DataInputDeserializer();
    private final CpuPerOperation cpu = new CpuPerOperation();
    private long ops;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        serializer = format.equals("java")
                ? new JavaSerializedTypeInfo<>(SeenAlert.class).createSerializer(new SerializerConfigImpl())
                : SeenAlertSerializer.INSTANCE;
        // What RiskScore puts in the factors of a scored alert on an asset.
        Map<String, Object> factors = new LinkedHashMap<>();
        factors.put("rule_score", 73);
        factors.put("security_level", 4L);
        factors.put("criticality", "high");
        factors.put("asset_points", 12);
        factors.put("intel_confidence", 80L);
        factors.put("intel_points", 8);
        factors.put("vigilance", false);
        factors.put("vigilance_points", 0);
        SeenAlert seen = new SeenAlert("4f1c0e2b9a7d4c3e8b6a5f4e3d2c1b0a", "windows-brute-force-success",
                1_772_438_400_000L, List.of("winlogbeat-dc01"), true, List.of("high-fidelity"), 93, factors, true);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(seen, out);
        serialized = out.getCopyOfBuffer();
        System.out.printf(Locale.ROOT, "%nserialized size (%s): %d bytes per summary%n", format, serialized.length);
    }

    @Setup(Level.Iteration)
    public void startCpuClock() {
        cpu.start(ops);
    }

    /** The benchmark thread's CPU time per operation: on a shared machine JMH's wall-clock score grows with the load. */
    @TearDown(Level.Iteration)
    public void printCpuPerOperation() {
        cpu.print(ops);
    }

    @Benchmark
    public SeenAlert deserialize() throws Exception {
        ops++;
        in.setBuffer(serialized);
        return serializer.deserialize(in);
    }
}
