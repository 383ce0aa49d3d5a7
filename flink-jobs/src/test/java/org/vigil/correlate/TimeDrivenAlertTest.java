package org.vigil.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFileParser;
import org.vigil.rules.RuleFixtureRunner;

/**
 * Alerts that time alone completes (an absence: no success within five minutes of a failure) fire when the
 * watermark passes their time, also when no later event follows, as at the end of a backtest's input.
 */
class TimeDrivenAlertTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String RULE = """
            /**
             * @id          test-failure-without-success
             * @name        A failed logon not followed by a success within five minutes
             * @severity    low
             * @tactic      TA0006
             * @technique   T1110
             * @partition   source.ip
             * @horizon     PT5M
             */
            @Name('alert') context PerEntity
            select a from pattern [every a=SecurityEvent(event.outcome = 'failure')
                                   -> (timer:interval(5 minutes) and not SecurityEvent(event.outcome = 'success'))];
            """;

    /** The same absence with a ten-minute horizon, reported at most once an hour per source. */
    private static final String SUPPRESSED_RULE = RULE
            .replace("@horizon     PT5M", "@horizon     PT10M\n             * @suppress    PT1H");

    @Test
    void anAlertCompletedWhileAnotherKeyMovesTheClockIsSuppressedUnderItsOwnEntity() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", SUPPRESSED_RULE);
        // A fails twice, 20 minutes apart; each absence completes 5 minutes later, before A's own horizon timer,
        // so the clock is moved by the events of B and then C. The second absence falls in A's suppression hour.
        List<SecurityEvent> events = List.of(
                logon(T0, "203.0.113.7", "failure", "a1"),
                logon(T0.plusSeconds(301), "198.51.100.2", "success", "b1"),
                logon(T0.plusSeconds(1200), "203.0.113.7", "failure", "a2"),
                logon(T0.plusSeconds(1501), "198.51.100.3", "success", "c1"));

        List<Alert> alerts = new ArrayList<>();
        try (KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = new KeyedBroadcastOperatorTestHarness<>(
                new CorrelateOperator(new CorrelateFunction(List.of(rule), 10)), RoutedEvent::key, Types.STRING, 128, 1, 0)) {
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            for (SecurityEvent e : events) {
                h.processElement(new StreamRecord<>(new RoutedEvent("source.ip", e.get("source.ip").toString(), e),
                        e.timestampMillis()));
                h.processWatermark(new Watermark(e.timestampMillis()));
            }
            alerts.addAll(h.extractOutputValues());
        }

        // One alert, then the second absence as its repeat (the same id, two occurrences).
        assertThat(alerts).extracting(Alert::id).containsOnly(
                RuleFixtureRunner.alertsFor(rule, events).stream().map(Alert::id).toArray(String[]::new)).hasSize(2);
        assertThat(alerts).extracting(Alert::occurrences).containsExactly(1, 2);
    }

    private static SecurityEvent logon(Instant at, String sourceIp, String outcome, String id) {
        return SecurityEvent.builder().timestamp(at).id(id).put("source.ip", sourceIp).put("event.outcome", outcome).build();
    }

    @Test
    void anAbsenceAlertsOnceTheWatermarkPassesItsTimeWithoutALaterEvent() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", RULE);
        SecurityEvent failure = SecurityEvent.builder().timestamp(T0).id("f1")
                .put("source.ip", "203.0.113.7").put("event.outcome", "failure").build();

        try (KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h = new KeyedBroadcastOperatorTestHarness<>(
                new CorrelateOperator(new CorrelateFunction(List.of(rule), 10)), RoutedEvent::key, Types.STRING, 128, 1, 0)) {
            h.open();
            // The rules topic declares the maximum watermark, so the events alone drive event time.
            h.processBroadcastWatermark(Long.MAX_VALUE);
            h.processElement(new StreamRecord<>(new RoutedEvent("source.ip", "203.0.113.7", failure), T0.toEpochMilli()));
            h.processWatermark(new Watermark(T0.plusSeconds(299).toEpochMilli()));
            assertThat(h.extractOutputValues()).isEmpty();

            h.processWatermark(new Watermark(Long.MAX_VALUE));

            assertThat(h.extractOutputValues()).extracting(Alert::id).containsExactlyElementsOf(
                    RuleFixtureRunner.alertsFor(rule, List.of(failure)).stream().map(Alert::id).toList()).hasSize(1);
        }
    }
}
