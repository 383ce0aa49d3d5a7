package org.vigil.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
import org.vigil.correlate.RoutedEvent;
import org.vigil.event.EventParser;
import org.vigil.event.SecurityEvent;
import org.vigil.event.SecurityEventSerializer;
import org.vigil.job.CpuPerOperation;
import org.vigil.job.JavaSerializedTypeInfo;
import org.vigil.job.KafkaConnectors;
import org.vigil.job.VigilConfig;
import org.vigil.local.BenchEventMix;

/**
 * JMH benchmark of the alert's Flink serializer against the Java serialization it replaced ({@code format}), on alerts
 * as the correlator makes them: 20 evidence events of {@code vigil bench}'s mix, a count in the details, and for every
 * other alert a merged repeat without its evidence (what {@code suppressed-alerts} holds). Writing one alert and reading
 * one; the average serialized size is printed when the benchmark sets up, the thread's CPU time per operation after
 * each iteration. Also, for comparison, one routed event (the per-event record between the router and the correlator)
 * with the serializer Flink picks for it ({@code routedEvent*}, independent of {@code format}).
 *
 * <pre>
 * java -cp ... org.openjdk.jmh.Main AlertSerializerBenchmark      (see README, "Performance")
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class AlertSerializerBenchmark {
    private static final long T0 = 1_772_438_400_000L; // 2026-03-02T08:00:00Z
    private static final int MAX_EVIDENCE = 20;
    private static final int ALERTS = 64;
    private static final int EVENTS = 1024;

    private final TypeSerializer<RoutedEvent> routedSerializer =
            TypeInformation.of(RoutedEvent.class).createSerializer(new SerializerConfigImpl());
    private final RoutedEvent[] routed = new RoutedEvent[EVENTS];
    private final byte[][] routedSerialized = new byte[EVENTS][];
    private final DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private int next;
    private final CpuPerOperation cpu = new CpuPerOperation();

    /** The alerts, written with the serializer of {@code format}: this one or Java serialization. */
    @State(Scope.Thread)
    public static class Alerts {
        @Param({"flink", "java"})
        public String format;

        private TypeSerializer<Alert> serializer;
        private final Alert[] alerts = new Alert[ALERTS];
        private final byte[][] serialized = new byte[ALERTS][];

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            serializer = format.equals("java")
                    ? new JavaSerializedTypeInfo<>(Alert.class).createSerializer(new SerializerConfigImpl())
                    : AlertSerializer.INSTANCE;
            List<SecurityEvent> all = benchEvents(ALERTS * MAX_EVIDENCE);
            DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
            long bytes = 0;
            for (int a = 0; a < ALERTS; a++) {
                Alert alert = Alert.builder().ruleId("bench-burst").ruleName("A benchmark burst").severity(Severity.HIGH)
                        .tacticIds(List.of("TA0001")).techniqueIds(List.of("T1190"))
                        .partition("source.ip", "203.0.113." + a).timestampMillis(T0 + a * 1000L)
                        .detail("event_count", (long) MAX_EVIDENCE)
                        .triggeringEvents(all.subList(a * MAX_EVIDENCE, (a + 1) * MAX_EVIDENCE), MAX_EVIDENCE).build();
                if (a % 2 == 1) {
                    alert = alert.withRepeat(alerts[a - 1].toBuilder().timestampMillis(T0 + a * 1000L + 500).build())
                            .withoutRepeatEvidence();
                }
                alerts[a] = alert;
                out.clear();
                serializer.serialize(alert, out);
                serialized[a] = out.getCopyOfBuffer();
                bytes += serialized[a].length;
            }
            System.out.printf(Locale.ROOT, "%nserialized size (%s): %d bytes per alert on average%n", format, bytes / ALERTS);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<SecurityEvent> all = benchEvents(EVENTS);
        long routedBytes = 0;
        long eventBytes = 0;
        for (int i = 0; i < EVENTS; i++) {
            SecurityEvent event = all.get(i);
            routed[i] = new RoutedEvent("source.ip", String.valueOf(event.get("source.ip")), event);
            out.clear();
            routedSerializer.serialize(routed[i], out);
            routedSerialized[i] = out.getCopyOfBuffer();
            routedBytes += routedSerialized[i].length;
            out.clear();
            SecurityEventSerializer.INSTANCE.serialize(event, out);
            eventBytes += out.length();
        }
        System.out.printf(Locale.ROOT, "%nrouted event with %s: %d bytes on average, its event alone %d%n",
                routedSerializer.getClass().getSimpleName(), routedBytes / EVENTS, eventBytes / EVENTS);
    }

    private static List<SecurityEvent> benchEvents(int n) {
        EventParser parser = KafkaConnectors.eventParser(VigilConfig.defaults());
        BenchEventMix mix = new BenchEventMix(11);
        List<SecurityEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BenchEventMix.Event e = mix.next(T0 + i);
            events.add(parser.parse(e.value(), e.topic(), 0, i).event());
        }
        return events;
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
    public int serialize(Alerts a) throws Exception {
        out.clear();
        a.serializer.serialize(a.alerts[next++ & (ALERTS - 1)], out);
        return out.length();
    }

    @Benchmark
    public Alert deserialize(Alerts a) throws Exception {
        in.setBuffer(a.serialized[next++ & (ALERTS - 1)]);
        return a.serializer.deserialize(in);
    }

    @Benchmark
    public RoutedEvent routedEventRoundTrip() throws Exception {
        out.clear();
        routedSerializer.serialize(routed[next & (EVENTS - 1)], out);
        in.setBuffer(routedSerialized[next++ & (EVENTS - 1)]);
        return routedSerializer.deserialize(in);
    }

    @Benchmark
    public SecurityEvent eventRoundTrip() throws Exception {
        // The routed event's event alone, to tell what the routed event's serializer adds.
        SecurityEvent event = routed[next & (EVENTS - 1)].event;
        out.clear();
        SecurityEventSerializer.INSTANCE.serialize(event, out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        next++;
        return SecurityEventSerializer.INSTANCE.deserialize(in);
    }
}
