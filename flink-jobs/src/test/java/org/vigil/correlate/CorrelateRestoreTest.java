package org.vigil.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleLoader;
import org.vigil.rules.RulePaths;

/**
 * Restoring the correlate operator from a snapshot taken mid-attack, at the same or another parallelism,
 * yields exactly the alerts of an uninterrupted run: Esper's state is rebuilt from the retained events, and the
 * repeats counted into an open suppression period continue from the checkpoint's count.
 */
class CorrelateRestoreTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final int MAX_PARALLELISM = 128;
    private static List<RuleDefinition> rules;

    /**
     * Three attackers guessing passwords and a scan (24 ports a minute, for 15 minutes, so it is reported
     * twice with suppression in between), interleaved; watermark 1 s behind.
     */
    private static List<RoutedEvent> stream() {
        List<RoutedEvent> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant t = T0.plusSeconds(i * 15L);
            for (int attacker = 0; attacker < 3; attacker++) {
                String ip = "203.0.113." + (10 + attacker);
                // Each attacker fails 6 times then succeeds, then starts over: several alerts span any split point.
                boolean success = (i + attacker) % 7 == 6;
                events.add(logon(t.plusMillis(attacker), ip, success ? "success" : "failure", "a" + attacker + "-" + i));
            }
            for (int probe = 0; probe < 6; probe++) {
                events.add(probe(t.plusMillis(500 + probe), "198.51.100.23", 1000 + i * 6 + probe, "p" + i + "-" + probe));
            }
        }
        return events;
    }

    static Stream<Integer> splitPoints() {
        // Before, inside and after the first scan alert, inside its suppression period, around the second.
        return Stream.of(1, 29, 60, 131, 200, 299, 359, 450, 539);
    }

    @Test
    void theStreamRaisesAlertsOfBothRulesAndMergesScanRepeatsIntoOneAlertPerPeriod() throws Exception {
        List<Alert> alerts = uninterrupted();
        assertThat(alerts).extracting(Alert::ruleId).contains("vigil-brute-force-then-success");
        List<Alert> scans = documents(alerts).values().stream().filter(a -> a.ruleId().equals("vigil-network-service-scan")).toList();
        // 20 ports are reached at 00:45.501 (the fourth step's second probe); every later probe matches too, and so
        // does each probe leaving the window from 01:00.500 on. The first period holds the matches up to 10:45.500
        // (240 arrivals, 235 departures), the second the rest.
        assertThat(scans).extracting(Alert::timestamp).containsExactly(T0.plusMillis(45_501), T0.plusMillis(645_501));
        assertThat(scans).extracting(Alert::occurrences).containsExactly(475, 202);
        assertThat(scans).extracting(a -> Instant.ofEpochMilli(a.lastSeenMillis()))
                .containsExactly(T0.plusMillis(645_500), T0.plusMillis(885_505));
        assertThat(scans.get(0).latestRepeat().details()).containsEntry("distinct_ports", 24L);
        // Every emitted version carries the absolute count: 1, 2, ... 475 under the first scan's id.
        assertThat(alerts.stream().filter(a -> a.id().equals(scans.get(0).id())).map(Alert::occurrences).toList())
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 475).boxed().toList());
    }

    @ParameterizedTest
    @MethodSource("splitPoints")
    void restoreMidStreamLosesAndDuplicatesNothing(int split) throws Exception {
        List<RoutedEvent> events = stream();
        List<Alert> alerts = new ArrayList<>();
        OperatorSubtaskState snapshot = runAndSnapshot(events.subList(0, split), alerts);
        try (var h = harness(1, 0)) {
            h.initializeState(snapshot);
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            feed(h, events.subList(split, events.size()));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            alerts.addAll(h.extractOutputValues());
        }
        assertThat(versions(alerts)).isEqualTo(versions(uninterrupted()));
        assertThat(finalDocuments(alerts)).isEqualTo(finalDocuments(uninterrupted()));
    }

    @ParameterizedTest
    @MethodSource("splitPoints")
    void restoreAtAnotherParallelismLosesAndDuplicatesNothing(int split) throws Exception {
        List<RoutedEvent> events = stream();
        List<Alert> alerts = new ArrayList<>();
        OperatorSubtaskState snapshot = runAndSnapshot(events.subList(0, split), alerts);
        for (int subtask = 0; subtask < 3; subtask++) {
            try (var h = harness(3, subtask)) {
                h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot, MAX_PARALLELISM, 1, 3, subtask));
                h.open();
                h.processBroadcastWatermark(Long.MAX_VALUE);
                int mine = subtask;
                feed(h, events.subList(split, events.size()).stream()
                        .filter(e -> KeyGroupRangeAssignment.assignKeyToParallelOperator(e.key(), MAX_PARALLELISM, 3) == mine).toList());
                h.processWatermark(new Watermark(Long.MAX_VALUE));
                alerts.addAll(h.extractOutputValues());
            }
        }
        assertThat(versions(alerts)).isEqualTo(versions(uninterrupted()));
    }

    @Test
    void retainedEventsArePrunedOnceOutsideTheHorizon() throws Exception {
        try (var h = harness(1, 0)) {
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            feed(h, List.of(logon(T0, "203.0.113.99", "failure", "only")));
            h.processWatermark(new Watermark(T0.plusSeconds(1).toEpochMilli()));
            assertThat(keyedStateEntries(h)).isPositive();
            h.processWatermark(new Watermark(T0.plusSeconds(3600).toEpochMilli()));
            assertThat(keyedStateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    /** Runs the first events at parallelism 1, adds their alerts to {@code alerts} and returns a checkpoint. */
    private static OperatorSubtaskState runAndSnapshot(List<RoutedEvent> events, List<Alert> alerts) throws Exception {
        try (var h = harness(1, 0)) {
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            feed(h, events);
            OperatorSubtaskState snapshot = h.snapshot(1, 1);
            alerts.addAll(h.extractOutputValues());
            return snapshot;
        }
    }

    private static List<Alert> uninterrupted() throws Exception {
        try (var h = harness(1, 0)) {
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            feed(h, stream());
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            return h.extractOutputValues();
        }
    }

    private static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h) {
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    /** Every emitted alert and update, as id, occurrence count and last seen, sorted: none lost, none twice. */
    private static List<String> versions(List<Alert> alerts) {
        return alerts.stream().map(a -> a.id() + " x" + a.occurrences() + " " + a.lastSeenMillis()).sorted().toList();
    }

    /** The documents the alert index ends up with: the latest version of each alert, by id. */
    private static java.util.Map<String, Alert> documents(List<Alert> alerts) {
        java.util.Map<String, Alert> byId = new java.util.LinkedHashMap<>();
        alerts.forEach(a -> byId.merge(a.id(), a, (old, next) -> next.occurrences() >= old.occurrences() ? next : old));
        return byId;
    }

    private static java.util.Map<String, String> finalDocuments(List<Alert> alerts) {
        java.util.Map<String, String> docs = new java.util.TreeMap<>();
        documents(alerts).forEach((id, a) -> docs.put(id, org.vigil.alert.AlertDocument.toJson(a).toString()));
        return docs;
    }

    private static void feed(KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h, List<RoutedEvent> events)
            throws Exception {
        for (RoutedEvent e : events) {
            h.processElement(new StreamRecord<>(e, e.event.timestampMillis()));
            h.processWatermark(new Watermark(e.event.timestampMillis() - 1000));
        }
    }

    private static KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> harness(int parallelism, int subtask)
            throws Exception {
        if (rules == null) {
            // Loading checks every rule by compiling it; once is enough, the operator compiles them again when it opens.
            rules = RuleLoader.load(RulePaths.rulesDir());
        }
        return new KeyedBroadcastOperatorTestHarness<>(new CorrelateOperator(new CorrelateFunction(rules, 10)),
                RoutedEvent::key, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
    }

    private static RoutedEvent logon(Instant t, String ip, String outcome, String id) {
        SecurityEvent e = SecurityEvent.builder().timestamp(t).id(id).put("source.ip", ip).put("user.name", "admin")
                .put("event.category", List.of("authentication")).put("event.outcome", outcome).build();
        return new RoutedEvent("source.ip", ip, e);
    }

    private static RoutedEvent probe(Instant t, String ip, int port, String id) {
        SecurityEvent e = SecurityEvent.builder().timestamp(t).id(id).put("source.ip", ip).put("destination.ip", "10.20.0.5")
                .put("destination.port", port).put("event.category", List.of("network")).build();
        return new RoutedEvent("source.ip", ip, e);
    }
}
