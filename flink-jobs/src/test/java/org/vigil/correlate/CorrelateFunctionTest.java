package org.vigil.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vigil.event.SecurityEventTypeInfo;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleLoader;
import org.vigil.rules.RulePaths;

/** The correlate operator: events wait for the watermark, go to Esper in event-time order, late ones go aside. */
class CorrelateFunctionTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String ATTACKER = "203.0.113.7";

    @Test
    void alertsOnlyOnceTheWatermarkPassesTheCompletingEventAndWhateverTheArrivalOrder() throws Exception {
        List<RoutedEvent> events = bruteForce();
        List<RoutedEvent> reversed = new ArrayList<>(events);
        Collections.reverse(reversed);

        List<Alert> inOrder = run(events);
        List<Alert> backwards = run(reversed);

        assertThat(inOrder).hasSize(1);
        assertThat(backwards).extracting(Alert::id).isEqualTo(inOrder.stream().map(Alert::id).toList());
        assertThat(inOrder.get(0).timestampMillis()).isEqualTo(T0.plusSeconds(60).toEpochMilli());
    }

    @Test
    void holdsEventsInStateUntilTheWatermarkPassesThem() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = harness()) {
            for (RoutedEvent e : bruteForce()) {
                h.processElement(new StreamRecord<>(e, e.event.timestampMillis()));
            }
            h.processWatermark(new Watermark(T0.plusSeconds(59).toEpochMilli()));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(new Watermark(T0.plusSeconds(60).toEpochMilli()));
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void sendsEventsBehindTheWatermarkToTheLateSideOutput() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = harness()) {
            h.processWatermark(new Watermark(T0.plusSeconds(30).toEpochMilli()));
            RoutedEvent late = logon(T0.plusSeconds(10), "failure", "late-1");
            RoutedEvent onTime = logon(T0.plusSeconds(31), "failure", "on-time-1");
            h.processElement(new StreamRecord<>(late, late.event.timestampMillis()));
            h.processElement(new StreamRecord<>(onTime, onTime.event.timestampMillis()));
            assertThat(h.getSideOutput(CorrelateFunction.LATE_EVENTS)).extracting(StreamRecord::getValue)
                    .containsExactly(late.event);
            h.processWatermark(new Watermark(T0.plusSeconds(31).toEpochMilli()));
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void releasesTheEventsOfOneTimestampInEventIdOrderAndKeepsIdenticalOnes(String backend) throws Exception {
        Instant second = T0.plusSeconds(30);
        // Whole-second timestamps: the success arrives first, and one failure line is sent twice (same id: the same
        // bytes). Released by id the failures come first, both copies count, and five failures then a success alert.
        List<RoutedEvent> arrivals = List.of(logon(second, "success", "s"), logon(second, "failure", "f0"),
                logon(second, "failure", "f3"), logon(second, "failure", "f1"), logon(second, "failure", "f3"),
                logon(second, "failure", "f2"));
        try (KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = harness(backend)) {
            for (RoutedEvent e : arrivals) {
                h.processElement(new StreamRecord<>(e, e.event.timestampMillis()));
            }
            h.processWatermark(new Watermark(second.toEpochMilli() - 1));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(new Watermark(second.toEpochMilli()));
            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).details()).containsEntry("failed_logons", 5L);
        }
    }

    @Test
    void eventsWaitingWhenTheirFieldLosesItsLastRuleAreNotCorrelatedAndLeaveNoState() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = harness("hashmap")) {
            for (RoutedEvent e : bruteForce()) {
                h.processElement(new StreamRecord<>(e, e.event.timestampMillis()));
            }
            h.processBroadcastElement(new StreamRecord<>(RuleChange.undeploy("vigil-brute-force-then-success"), 0));
            h.processWatermark(new Watermark(T0.plusSeconds(3600).toEpochMilli()));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                    .numKeyValueStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void refusesACheckpointWhosePendingEventsHaveTheEarlierLayout(String backend) throws Exception {
        // Before this version pending-events was a map of event lists by timestamp; such state must not be misread.
        OperatorSubtaskState earlier;
        try (KeyedOneInputStreamOperatorTestHarness<String, RoutedEvent, Void> old = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EarlierPendingLayout()), RoutedEvent::key, Types.STRING, 128, 1, 0)) {
            old.setStateBackend(stateBackend(backend));
            old.open();
            RoutedEvent e = bruteForce().get(0);
            old.processElement(new StreamRecord<>(e, e.event.timestampMillis()));
            earlier = old.snapshot(1, 1);
        }
        try (KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = new KeyedBroadcastOperatorTestHarness<>(
                new CorrelateOperator(new CorrelateFunction(List.of(), 10)), RoutedEvent::key, Types.STRING, 128, 1, 0)) {
            h.setStateBackend(stateBackend(backend));
            h.initializeState(earlier);
            org.assertj.core.api.Assertions.assertThatThrownBy(h::open)
                    .isInstanceOf(org.apache.flink.util.StateMigrationException.class)
                    .hasMessageContaining("pending-events").hasMessageContaining("earlier Vigil version");
        }
    }

    /** Writes pending events as the correlator did before they were namespaced by timestamp. */
    private static final class EarlierPendingLayout extends KeyedProcessFunction<String, RoutedEvent, Void> {
        private transient MapState<Long, List<SecurityEvent>> pending;

        @Override
        public void open(OpenContext context) {
            pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-events", Types.LONG,
                    Types.LIST(SecurityEventTypeInfo.INSTANCE)));
        }

        @Override
        public void processElement(RoutedEvent routed, Context ctx, Collector<Void> out) throws Exception {
            pending.put(routed.event.timestampMillis(), List.of(routed.event));
        }
    }

    private static List<Alert> run(List<RoutedEvent> events) throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = harness()) {
            for (RoutedEvent e : events) {
                h.processElement(new StreamRecord<>(e, e.event.timestampMillis()));
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            return h.extractOutputValues();
        }
    }

    private static KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> harness() throws Exception {
        return harness("hashmap");
    }

    private static StateBackend stateBackend(String backend) {
        return backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    private static KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> harness(String backend)
            throws Exception {
        List<RuleDefinition> rules = RuleLoader.load(RulePaths.rulesDir()).stream()
                .filter(r -> r.id().equals("vigil-brute-force-then-success")).toList();
        KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = new KeyedBroadcastOperatorTestHarness<>(
                new CorrelateOperator(new CorrelateFunction(rules, 10)), RoutedEvent::key, Types.STRING, 128, 1, 0);
        h.setStateBackend(stateBackend(backend));
        h.open();
        // The rules topic declares the maximum watermark, so the events alone drive event time.
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    private static List<RoutedEvent> bruteForce() {
        List<RoutedEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(logon(T0.plusSeconds(i * 10L), "failure", "f" + i));
        }
        events.add(logon(T0.plusSeconds(60), "success", "s"));
        return events;
    }

    private static RoutedEvent logon(Instant t, String outcome, String id) {
        SecurityEvent e = SecurityEvent.builder().timestamp(t).id(id)
                .put("source.ip", ATTACKER).put("user.name", "admin")
                .put("event.category", List.of("authentication")).put("event.outcome", outcome).build();
        return new RoutedEvent("source.ip", ATTACKER, e);
    }
}
