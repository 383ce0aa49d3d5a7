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
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
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
        List<RuleDefinition> rules = RuleLoader.load(RulePaths.rulesDir()).stream()
                .filter(r -> r.id().equals("vigil-brute-force-then-success")).toList();
        KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = ProcessFunctionTestHarnesses
                .forKeyedBroadcastProcessFunction(new CorrelateFunction(rules, 10), RoutedEvent::key, Types.STRING,
                        CorrelateFunction.DEPLOYED_RULES);
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
