package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.correlate.EntityCorrelator;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;
import org.vigil.job.VigilConfig;
import org.vigil.rules.RuleLoader;
import org.vigil.rules.RulePaths;

/**
 * The bench's event mix parses as the job parses it, carries about one attack event in a hundred, and on the shipped
 * rules every injected attack alerts exactly once with its own rule while the benign traffic raises nothing.
 */
class BenchEventMixTest {
    private static final long T0 = 1_772_438_400_000L; // 2026-03-02T08:00:00Z
    private static final int EVENTS = 30_000;

    @Test
    void everyAttackAlertsOnceWithItsRuleAndTheBenignTrafficNever() throws Exception {
        BenchEventMix mix = new BenchEventMix(7);
        var parser = org.vigil.job.KafkaConnectors.eventParser(VigilConfig.defaults());
        List<BenchEventMix.Attack> attacks = new ArrayList<>();
        List<SecurityEvent> events = new ArrayList<>();
        int attackEvents = 0;
        Set<String> completed = new HashSet<>();
        for (int i = 0; i < EVENTS; i++) {
            // 20 events per millisecond: benign clients repeat within the rules' windows as at 20,000 events/s.
            BenchEventMix.Event e = mix.next(T0 + i / 20);
            attacks.addAll(mix.drainStartedAttacks());
            ParseResult parsed = parser.parse(e.value(), e.topic(), 0, i);
            assertThat(parsed.isEvent()).as("%s on %s parses: %s", new String(e.value()), e.topic(),
                    parsed.isEvent() ? null : parsed.deadLetter()).isTrue();
            events.add(parsed.event());
            attackEvents += e.attack() == null ? 0 : 1;
            if (e.completes()) {
                completed.add(e.attack().ruleId() + "@" + e.attack().entity());
            }
        }
        assertThat(BenchEventMix.TOPICS).allMatch(t -> !t.isEmpty());
        // About 1%, counting the events of the attacks still under way at the end.
        assertThat((attackEvents + mix.attackEventsDue()) / (double) EVENTS).isBetween(0.0095, 0.0105);
        assertThat(attacks).extracting(BenchEventMix.Attack::kind).containsAll(List.of(BenchEventMix.AttackKind.values()));
        assertThat(attacks).extracting(BenchEventMix.Attack::entity).doesNotHaveDuplicates();

        Map<String, Integer> alerts = new java.util.TreeMap<>();
        try (EntityCorrelator correlator = new EntityCorrelator(RuleLoader.load(RulePaths.rulesDir()), 20)) {
            events.sort(java.util.Comparator.comparingLong(SecurityEvent::timestampMillis));
            for (SecurityEvent event : events) {
                for (String field : correlator.partitionFields()) {
                    Object value = event.get(field);
                    for (String v : value instanceof List<?> l ? new TreeSet<>(l.stream().map(String::valueOf).toList())
                            : value == null ? Set.<String>of() : Set.of(String.valueOf(value))) {
                        for (Alert a : correlator.process(field, v, event)) {
                            alerts.merge(a.ruleId() + "@" + a.partitionValue(), 1, Integer::sum);
                        }
                    }
                }
            }
            for (Alert a : correlator.advanceTo(T0 + EVENTS / 20 + 3_600_000L)) {
                alerts.merge(a.ruleId() + "@" + a.partitionValue(), 1, Integer::sum);
            }
        }
        // Only attacks whose completing event was drawn: the last ones may still have been under way.
        assertThat(completed).hasSizeGreaterThanOrEqualTo(12);
        assertThat(alerts.keySet()).containsExactlyInAnyOrderElementsOf(completed);
        assertThat(alerts.values()).allMatch(n -> n == 1);
    }

    @Test
    void webAccessTimesHaveWholeSecondsUnlessMillisecondsAreAskedFor() throws Exception {
        var parser = org.vigil.job.KafkaConnectors.eventParser(VigilConfig.defaults());
        for (boolean millis : new boolean[] {false, true}) {
            BenchEventMix mix = new BenchEventMix(7, millis);
            int web = 0;
            for (int i = 0; i < 2_000; i++) {
                long t = T0 + i * 7L;
                BenchEventMix.Event e = mix.next(t);
                if (e.topic().equals(BenchEventMix.WEB_TOPIC) && e.attack() == null) {
                    SecurityEvent event = parser.parse(e.value(), e.topic(), 0, i).event();
                    assertThat(event.timestampMillis()).isEqualTo(millis ? t : t - t % 1000);
                    web++;
                }
            }
            // Times 7 ms apart: most are not whole seconds, so a mix ignoring the setting fails one way or the other.
            assertThat(web).isGreaterThan(200);
        }
    }

    @Test
    void attackSourcesAreDistinctAddressesOutsideTheBenignNetworks() {
        assertThat(BenchEventMix.attackSource(0)).isEqualTo("198.18.0.0");
        assertThat(BenchEventMix.attackSource(258)).isEqualTo("198.18.1.2");
        assertThat(BenchEventMix.attackSource(65_536 + 3)).isEqualTo("198.19.0.3");
    }
}
