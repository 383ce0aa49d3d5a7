package org.vigil.correlate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vigil.alert.Alert;
import org.vigil.alert.Severity;
import org.vigil.event.EventParser;
import org.vigil.event.SecurityEvent;
import org.vigil.job.CpuPerOperation;
import org.vigil.job.KafkaConnectors;
import org.vigil.job.VigilConfig;
import org.vigil.local.BenchEventMix;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFileParser;

/**
 * JMH benchmark of one repeat inside an {@code @suppress} period as the correlate operator handles it with keyed state:
 * read the period's alert from {@code suppressed-alerts} (deserialize with the alert's Flink serializer), merge the
 * repeat, write the period's alert back (serialize). Every match carries {@code alert.max-evidence} (20) evidence events
 * of {@code vigil bench}'s mix. The bytes the period's alert takes in state are printed after each iteration.
 *
 * <pre>
 * java -cp ... org.openjdk.jmh.Main SuppressionStateBenchmark      (see README, "Performance")
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class SuppressionStateBenchmark {
    private static final long T0 = 1_772_438_400_000L; // 2026-03-02T08:00:00Z
    private static final int MAX_EVIDENCE = 20;
    private static final int MATCHES = 64;
    private static final String RULE = """
            /**
             * @id         bench-burst
             * @name       A benchmark burst
             * @severity   high
             * @tactic     TA0001
             * @technique  T1190
             * @partition  source.ip
             * @horizon    PT5M
             * @suppress   PT24H
             */
            @Name('alert') context PerEntity select window(*) as events from SecurityEvent#time(5 minutes);
            """;

    private final TypeSerializer<Alert> serializer =
            TypeInformation.of(Alert.class).createSerializer(new SerializerConfigImpl());
    private final DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private final List<Alert> matches = new ArrayList<>();
    private AlertSuppressor suppressor;
    private AlertSuppressor.Periods periods;
    private int next;
    private final CpuPerOperation cpu = new CpuPerOperation();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("bench-burst.epl", RULE);
        suppressor = new AlertSuppressor(List.of(rule));
        EventParser parser = KafkaConnectors.eventParser(VigilConfig.defaults());
        BenchEventMix mix = new BenchEventMix(11);
        for (int m = 0; m < MATCHES; m++) {
            List<SecurityEvent> events = new ArrayList<>();
            while (events.size() < MAX_EVIDENCE) {
                BenchEventMix.Event e = mix.next(T0 + m * 1000L + events.size());
                events.add(parser.parse(e.value(), e.topic(), 0, m * MAX_EVIDENCE + events.size()).event());
            }
            matches.add(Alert.builder().ruleId(rule.id()).ruleName("A benchmark burst").severity(Severity.HIGH)
                    .partition("source.ip", "203.0.113.7").timestampMillis(T0 + m * 1000L)
                    .detail("event_count", (long) MAX_EVIDENCE).triggeringEvents(events, MAX_EVIDENCE).build());
        }
    }

    /** A period opened by the first match; each benchmark call merges one more repeat into it. */
    @Setup(Level.Iteration)
    public void openPeriod() throws Exception {
        Map<String, Long> deadlines = new HashMap<>();
        Map<String, byte[]> alerts = new HashMap<>();
        periods = new AlertSuppressor.Periods() {
            @Override
            public Long until(String key) {
                return deadlines.get(key);
            }

            @Override
            public Alert alert(String key) throws Exception {
                byte[] bytes = alerts.get(key);
                if (bytes == null) {
                    return null;
                }
                in.setBuffer(bytes);
                return serializer.deserialize(in);
            }

            @Override
            public void start(String key, long untilMillis, Alert alert) throws Exception {
                deadlines.put(key, untilMillis);
                alerts.put(key, bytes(alert));
            }

            @Override
            public void update(String key, Alert alert) throws Exception {
                alerts.put(key, bytes(alert));
            }
        };
        suppressor.apply(matches.get(0), periods);
        next = 1;
        cpu.start(next);
    }

    /** Also the thread's CPU time per repeat: on a shared machine JMH's wall-clock score grows with the load. */
    @TearDown(Level.Iteration)
    public void printStateSize() throws Exception {
        cpu.print(next);
        String key = AlertSuppressor.keyOf(matches.get(0), suppressor.suppression("bench-burst"));
        System.out.printf(Locale.ROOT, "%nperiod's alert in state: %d bytes%n", bytes(periods.alert(key)).length);
    }

    @Benchmark
    public Alert repeat() throws Exception {
        // Repeats come in event-time order, a millisecond apart, so the whole iteration stays inside the period.
        Alert match = matches.get(1 + next % (MATCHES - 1));
        Alert repeat = match.toBuilder().timestampMillis(T0 + MATCHES * 1000L + next).build();
        next++;
        return suppressor.apply(repeat, periods);
    }

    private byte[] bytes(Alert alert) throws Exception {
        out.clear();
        serializer.serialize(alert, out);
        return out.getCopyOfBuffer();
    }
}
