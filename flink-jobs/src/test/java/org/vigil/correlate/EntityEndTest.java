package org.vigil.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFileParser;
import org.vigil.rules.RuleLoader;
import org.vigil.rules.RulePaths;

/**
 * Ending an entity's Esper partitions once its last retained events leave the horizon: the partitions go, an entity
 * that comes back starts afresh, nothing the horizon covers is cut short, and the job then agrees with a restored one.
 */
class EntityEndTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String BRUTE_FORCE = "vigil-brute-force-then-success";
    private static final String ADMIN_GROUP = "vigil-account-created-added-to-admin-group";
    private static final String HEADER = """
            /**
             * @id          test-rule
             * @name        Test rule
             * @severity    low
             * @tactic      TA0006
             * @technique   T1110
             * @partition   source.ip
             * @horizon     PT5M
             */
            """;

    @Test
    void aKeysPartitionsAreGoneOnceTheHorizonOfItsLastEventEnds() throws Exception {
        try (var h = harness(packRules(BRUTE_FORCE))) {
            // Three sources fail once each, a minute apart; the rule's horizon is ten minutes.
            for (int i = 0; i < 3; i++) {
                process(h, logon(T0.plusSeconds(60L * i), "203.0.113." + i, "failure", "f" + i));
            }
            watermark(h, T0.plusSeconds(120));
            assertThat(partitions(h, BRUTE_FORCE)).isEqualTo(3);
            watermark(h, T0.plus(Duration.ofMinutes(10)).minusMillis(1));
            assertThat(partitions(h, BRUTE_FORCE)).isEqualTo(3);
            watermark(h, T0.plus(Duration.ofMinutes(10)));
            assertThat(partitions(h, BRUTE_FORCE)).isEqualTo(2);
            watermark(h, T0.plus(Duration.ofMinutes(12)));
            assertThat(partitions(h, BRUTE_FORCE)).isZero();
            assertThat(keyedStateEntries(h)).isZero();
        }
    }

    @Test
    void anEntityThatComesBackAfterItsEndAlertsFromAFreshPartition() throws Exception {
        String ip = "203.0.113.7";
        try (var h = harness(packRules(BRUTE_FORCE))) {
            List<SecurityEvent> first = bruteForce(T0, ip, "a");
            first.forEach(e -> process(h, e));
            watermark(h, T0.plus(Duration.ofMinutes(30)));
            assertThat(partitions(h, BRUTE_FORCE)).isZero();

            Instant back = T0.plus(Duration.ofHours(2));
            List<SecurityEvent> second = bruteForce(back, ip, "b");
            second.subList(0, 3).forEach(e -> process(h, e));
            watermark(h, back.plusSeconds(20));
            assertThat(partitions(h, BRUTE_FORCE)).isEqualTo(1);
            second.subList(3, 6).forEach(e -> process(h, e));
            watermark(h, back.plus(Duration.ofMinutes(1)));

            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).hasSize(2);
            assertThat(alerts.get(0).evidence()).extracting(SecurityEvent::id).containsExactlyInAnyOrderElementsOf(ids(first));
            assertThat(alerts.get(1).details()).containsEntry("failed_logons", 5L);
            assertThat(alerts.get(1).evidence()).extracting(SecurityEvent::id).containsExactlyInAnyOrderElementsOf(ids(second));
            assertThat(alerts.get(1).id()).isNotEqualTo(alerts.get(0).id());
        }
    }

    @Test
    void aPatternStartedWithinTheHorizonOfALaterEventIsNotEnded() throws Exception {
        String admin = "admin.tran";
        try (var h = harness(packRules(ADMIN_GROUP))) {
            // The administrator logs on, then creates an account ten minutes later: the logon's horizon ends at 15
            // minutes, the key's at 25. Ending the key when its first retained events expire would lose the creation.
            process(h, SecurityEvent.builder().timestamp(T0).id("l1").put("user.name", admin).put("winlog.event_id", 4624)
                    .put("event.outcome", "success").build());
            process(h, created(T0.plus(Duration.ofMinutes(10)), admin, "S-1-5-21-1-1-1-1191", "c2"));
            watermark(h, T0.plus(Duration.ofMinutes(15)));
            assertThat(partitions(h, ADMIN_GROUP)).isEqualTo(1);
            // The second account put into Domain Admins fourteen minutes after it was created.
            process(h, added(T0.plus(Duration.ofMinutes(24)), admin, "S-1-5-21-1-1-1-1191", "g2"));
            watermark(h, T0.plus(Duration.ofMinutes(24)));
            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).singleElement().satisfies(a ->
                    assertThat(a.evidence()).extracting(SecurityEvent::id).containsExactlyInAnyOrder("c2", "g2"));
            watermark(h, T0.plus(Duration.ofMinutes(24 + 15)));
            assertThat(partitions(h, ADMIN_GROUP)).isZero();
        }
    }

    @Test
    void anAbsenceOrAWindowEmptyingAtTheEndOfTheHorizonStillAlerts() throws Exception {
        RuleDefinition absence = RuleFileParser.parse("a.epl", HEADER.replace("test-rule", "test-absence") + """
                @Name('alert') context PerEntity
                select a from pattern [every a=SecurityEvent(event.outcome = 'failure')
                                       -> (timer:interval(5 minutes) and not SecurityEvent(event.outcome = 'success'))];
                """);
        RuleDefinition leaving = RuleFileParser.parse("l.epl", HEADER.replace("test-rule", "test-leaving") + """
                @Name('alert') context PerEntity
                select rstream f from SecurityEvent(event.outcome = 'failure')#time(5 minutes) as f;
                """);
        try (var h = harness(List.of(absence, leaving))) {
            process(h, logon(T0, "203.0.113.7", "failure", "f1"));
            watermark(h, T0.plus(Duration.ofMinutes(5)).minusMillis(1));
            assertThat(h.extractOutputValues()).isEmpty();
            // Both complete at 5 minutes, the very timer that ends the key's partitions.
            watermark(h, T0.plus(Duration.ofMinutes(5)));
            assertThat(h.extractOutputValues()).extracting(Alert::ruleId).containsExactlyInAnyOrder("test-absence", "test-leaving");
            assertThat(partitions(h, "test-absence")).isZero();
            assertThat(partitions(h, "test-leaving")).isZero();
        }
    }

    @Test
    void theJobAlertsAsAJobRestoredAfterTheEndDoes() throws Exception {
        // The pattern starts with the partition and, without 'every', matches once in its life: a partition that
        // is never ended would have finished it at 10 minutes and miss the attack that returns after half an hour.
        RuleDefinition once = RuleFileParser.parse("o.epl", HEADER.replace("PT5M", "PT10M") + """
                @Name('alert') context PerEntity
                select a, b from pattern [(a=SecurityEvent(event.outcome = 'failure') -> b=SecurityEvent(event.outcome = 'success'))
                                          where timer:within(10 minutes)];
                """);
        List<SecurityEvent> events = List.of(logon(T0, "203.0.113.7", "failure", "f1"),
                logon(T0.plus(Duration.ofMinutes(30)), "203.0.113.7", "failure", "f2"),
                logon(T0.plus(Duration.ofMinutes(31)), "203.0.113.7", "success", "s2"));
        List<Alert> uninterrupted;
        try (var h = harness(List.of(once))) {
            events.forEach(e -> process(h, e));
            watermark(h, T0.plus(Duration.ofHours(1)));
            uninterrupted = h.extractOutputValues();
        }
        OperatorSubtaskState snapshot;
        try (var h = harness(List.of(once))) {
            process(h, events.get(0));
            watermark(h, T0.plus(Duration.ofMinutes(20)));
            snapshot = h.snapshot(1, 1);
        }
        List<Alert> restored;
        try (var h = new KeyedBroadcastOperatorTestHarness<>(new CorrelateOperator(new CorrelateFunction(List.of(once), 10)),
                RoutedEvent::key, Types.STRING, 128, 1, 0)) {
            h.initializeState(snapshot);
            h.open();
            h.processBroadcastWatermark(Long.MAX_VALUE);
            events.subList(1, 3).forEach(e -> process(h, e));
            watermark(h, T0.plus(Duration.ofHours(1)));
            restored = h.extractOutputValues();
        }
        assertThat(uninterrupted).singleElement().satisfies(a ->
                assertThat(a.evidence()).extracting(SecurityEvent::id).containsExactlyInAnyOrder("f2", "s2"));
        assertThat(restored).extracting(Alert::id).isEqualTo(uninterrupted.stream().map(Alert::id).toList());
    }

    @Test
    void anEndCreatesNoPartitionForAKeyWithoutOne() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER + """
                @Name('alert') context PerEntity
                select f from SecurityEvent(event.outcome = 'failure')#time(5 minutes) as f;
                """);
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(rule), 10)) {
            // A success is kept out by the rule's context filter, so its source has no partition.
            SecurityEvent success = logon(T0, "203.0.113.1", "success", "s1");
            correlator.process("source.ip", "203.0.113.1", success);
            correlator.endEntity("source.ip", "203.0.113.1");
            correlator.endEntity("source.ip", "203.0.113.99");
            assertThat(correlator.contextPartitions("test-rule")).isZero();

            correlator.process("source.ip", "203.0.113.2", logon(T0.plusSeconds(1), "203.0.113.2", "failure", "f1"));
            assertThat(correlator.contextPartitions("test-rule")).isEqualTo(1);
            assertThat(correlator.endEntity("source.ip", "203.0.113.2")).isEmpty();
            assertThat(correlator.contextPartitions("test-rule")).isZero();
            correlator.endEntity("source.ip", "203.0.113.2");
            assertThat(correlator.contextPartitions("test-rule")).isZero();
            // Another field's end is not this rule's business.
            correlator.endEntity("user.name", "admin");
        }
    }

    private static List<RuleDefinition> packRules(String... ids) throws Exception {
        List<String> wanted = List.of(ids);
        return RuleLoader.load(RulePaths.rulesDir()).stream().filter(r -> wanted.contains(r.id())).toList();
    }

    private static KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> harness(List<RuleDefinition> rules)
            throws Exception {
        var h = new KeyedBroadcastOperatorTestHarness<>(new CorrelateOperator(new CorrelateFunction(rules, 10)),
                RoutedEvent::key, Types.STRING, 128, 1, 0);
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    private static int partitions(KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h, String ruleId) {
        return ((CorrelateFunction) ((CorrelateOperator) h.getOperator()).getUserFunction()).correlator().contextPartitions(ruleId);
    }

    private static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h) {
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    private static void process(KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h, SecurityEvent e) {
        String field = e.getString("source.ip") != null ? "source.ip" : "user.name";
        try {
            h.processElement(new StreamRecord<>(new RoutedEvent(field, e.getString(field), e), e.timestampMillis()));
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void watermark(KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, Alert> h, Instant t)
            throws Exception {
        h.processWatermark(new Watermark(t.toEpochMilli()));
    }

    private static List<String> ids(List<SecurityEvent> events) {
        return events.stream().map(SecurityEvent::id).toList();
    }

    /** Five failed logons ten seconds apart, then a success. */
    private static List<SecurityEvent> bruteForce(Instant start, String ip, String prefix) {
        List<SecurityEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(logon(start.plusSeconds(i * 10L), ip, "failure", prefix + "f" + i));
        }
        events.add(logon(start.plusSeconds(50), ip, "success", prefix + "s"));
        return events;
    }

    private static SecurityEvent logon(Instant t, String ip, String outcome, String id) {
        return SecurityEvent.builder().timestamp(t).id(id).put("source.ip", ip).put("user.name", "admin")
                .put("event.category", List.of("authentication")).put("event.outcome", outcome).build();
    }

    private static SecurityEvent created(Instant t, String admin, String sid, String id) {
        return SecurityEvent.builder().timestamp(t).id(id).put("user.name", admin).put("winlog.event_id", 4720)
                .put("user.target.id", sid).build();
    }

    private static SecurityEvent added(Instant t, String admin, String sid, String id) {
        return SecurityEvent.builder().timestamp(t).id(id).put("user.name", admin).put("winlog.event_id", 4728)
                .put("user.target.id", sid).put("group.name", "Domain Admins")
                .put("group.id", "S-1-5-21-1-1-1-512").build();
    }
}
