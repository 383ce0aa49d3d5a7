package org.vigil.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;
import org.vigil.alert.Alert;
import org.vigil.correlate.EntityCorrelator;
import org.vigil.correlate.PartitionRouter;
import org.vigil.correlate.RoutedEvent;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;
import org.vigil.local.BenchEventMix;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleLoader;

/**
 * JMH micro-benchmarks of the correlator's per-event hot path, one stage at a time, on the records of
 * {@code vigil bench}'s event mix: normalise (record bytes to a {@link SecurityEvent}, per source format), route (once
 * per partition field in use) and correlate ({@link EntityCorrelator} with the full rule pack, events in time order,
 * after a quarter of the stream has made Esper's per-entity statements).
 * Each figure is the average time per event in microseconds; no Flink, no Kafka.
 *
 * <pre>
 * java -cp ... org.openjdk.jmh.Main HotPathBenchmark      (see README, "Performance")
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class HotPathBenchmark {
    private static final long T0 = 1_772_438_400_000L; // 2026-03-02T08:00:00Z
    /** Events of the mix per millisecond of event time: 20,000 events/s, as the job sees them at that rate. */
    private static final int EVENTS_PER_MS = 20;

    /** Records of one topic (one source format) of the mix, as the job's source reads them. */
    @State(Scope.Thread)
    public static class Records {
        @Param({"soc.events.windows", "soc.events.suricata", "soc.events.web", "soc.events.ecs"})
        public String topic;

        EventParser parser;
        final List<byte[]> values = new ArrayList<>();
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            parser = parser();
            BenchEventMix mix = new BenchEventMix(11);
            for (int i = 0; values.size() < 4096; i++) {
                BenchEventMix.Event e = mix.next(T0 + i / EVENTS_PER_MS);
                if (e.topic().equals(topic)) {
                    values.add(e.value());
                }
            }
        }
    }

    /** Parsed events of the whole mix in event-time order, with the router and correlator the job would run. */
    @State(Scope.Thread)
    public static class Stream {
        static final int SIZE = 200_000;
        List<RuleDefinition> rules;
        SecurityEvent[] events;
        RoutedEvent[] routed;
        PartitionRouter router;
        EntityCorrelator correlator;
        int nextEvent;
        int nextRouted;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            rules = RuleLoader.load(java.nio.file.Path.of(System.getProperty("vigil.rules", "rules")));
            EventParser parser = parser();
            BenchEventMix mix = new BenchEventMix(11);
            events = new SecurityEvent[SIZE];
            for (int i = 0; i < SIZE; i++) {
                BenchEventMix.Event e = mix.next(T0 + i / EVENTS_PER_MS);
                ParseResult r = parser.parse(e.value(), e.topic(), 0, i);
                events[i] = r.event();
            }
            java.util.Arrays.sort(events, java.util.Comparator.comparingLong(SecurityEvent::timestampMillis));
            router = PartitionRouter.forFields(new java.util.TreeSet<>(rules.stream()
                    .map(r -> r.metadata().partitionField()).toList()));
            List<RoutedEvent> all = new ArrayList<>();
            Collector<RoutedEvent> into = collector(all);
            for (SecurityEvent e : events) {
                router.flatMap(e, into);
            }
            routed = all.toArray(RoutedEvent[]::new);
        }

        /**
         * A fresh correlator per iteration, warmed (untimed) with the first quarter of the stream: Esper makes each
         * rule's statements anew for every entity it has not seen, which the job pays once per entity, not per event.
         */
        @Setup(Level.Iteration)
        public void newCorrelator() throws Exception {
            correlator = new EntityCorrelator(rules, 20);
            for (nextRouted = 0; nextRouted < routed.length / 4; nextRouted++) {
                RoutedEvent r = routed[nextRouted];
                correlator.process(r.field, r.value, r.event);
            }
        }

        @TearDown(Level.Iteration)
        public void closeCorrelator() {
            correlator.close();
        }
    }

    @Benchmark
    public ParseResult normalise(Records r) {
        byte[] value = r.values.get(r.next++ & (r.values.size() - 1));
        return r.parser.parse(value, r.topic, 0, r.next);
    }

    @Benchmark
    public void route(Stream s, Blackhole bh) {
        SecurityEvent e = s.events[s.nextEvent++ % s.events.length];
        s.router.flatMap(e, new Collector<>() {
            @Override
            public void collect(RoutedEvent record) {
                bh.consume(record);
            }

            @Override
            public void close() {}
        });
    }

    /** One routed event (an event counts once per partition field it has a value for; about 1.3 per event). */
    @Benchmark
    public List<Alert> correlate(Stream s) throws Exception {
        if (s.nextRouted == s.routed.length) {
            // The stream ran out within an iteration: start over on a fresh correlator (its clock cannot go back).
            s.correlator.close();
            s.newCorrelator();
        }
        RoutedEvent r = s.routed[s.nextRouted++];
        return s.correlator.process(r.field, r.value, r.event);
    }

    /** The parser as the job's source builds it from the default configuration. */
    static EventParser parser() {
        return KafkaConnectors.eventParser(VigilConfig.defaults());
    }

    private static Collector<RoutedEvent> collector(List<RoutedEvent> into) {
        return new Collector<>() {
            @Override
            public void collect(RoutedEvent record) {
                into.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
