package org.vigil.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleFileParser;

/**
 * Rules sharing one Esper runtime per partition field: a hot deploy warms the new version up without the other rules
 * seeing the warm-up again, a failed deploy leaves the running version, an undeploy leaves the other rules, and alerts
 * come out in rule-id order.
 */
class EntityCorrelatorTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    /** Alerts on an entity's third failure: fed an event twice, it would alert one event early. */
    private static RuleDefinition thirdFailure(String id, int version) throws RuleException {
        return rule(id, version, """
                @Name('alert') context PerEntity
                select partitionKey, count(*) as failures from SecurityEvent(event.action = 'fail') having count(*) = 3;
                """);
    }

    private static RuleDefinition rule(String id, int version, String epl) throws RuleException {
        return RuleFileParser.parse(id + ".epl", """
                /**
                 * @id          %s
                 * @version     %d
                 * @name        Test rule %s
                 * @severity    low
                 * @tactic      TA0006
                 * @technique   T1110
                 * @partition   host.name
                 * @horizon     PT15M
                 */
                module test.%s;
                """.formatted(id, version, id, id.replace('-', '_')) + epl);
    }

    @Test
    void aSwappedRuleIsWarmedUpAloneAndTheOtherRulesSeeNoEventTwice() throws Exception {
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(thirdFailure("rule-a", 1), thirdFailure("rule-b", 1)), 10)) {
            List<RoutedEvent> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                SecurityEvent e = event(T0.plusSeconds(i), "f" + i, "pc-01", "fail");
                assertThat(feed(correlator, e)).isEmpty();
                seen.add(new RoutedEvent("host.name", "pc-01", e));
            }
            correlator.deploy(thirdFailure("rule-a", 2), seen);
            assertThat(correlator.contextPartitions("rule-a")).isEqualTo(1);

            List<Alert> alerts = feed(correlator, event(T0.plusSeconds(10), "f2", "pc-01", "fail"));

            // Both count three: the new rule-a from its warm-up, rule-b without the warm-up's two events again.
            assertThat(alerts).extracting(Alert::ruleId, Alert::ruleVersion).containsExactly(
                    tuple("rule-a", 2), tuple("rule-b", 1));
            assertThat(alerts).allSatisfy(a -> assertThat(a.details()).containsEntry("failures", 3L));
            assertThat(feed(correlator, event(T0.plusSeconds(11), "f3", "pc-01", "fail"))).isEmpty();
        }
    }

    @Test
    void aRuleWithANamedWindowIsSwappedBesideItsRunningVersion() throws Exception {
        // Both versions declare the same module-private window while the new one warms up in the same runtime.
        String epl = """
                context PerEntity create window Recent#time(10 minutes) as SecurityEvent;
                context PerEntity insert into Recent select * from SecurityEvent(event.action = 'fail');
                @Name('alert') context PerEntity
                select ok, (select count(*) from Recent) as failures from SecurityEvent(event.action = 'ok') as ok
                where (select count(*) from Recent) >= 2;
                """;
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(rule("rule-w", 1, epl)), 10)) {
            SecurityEvent first = event(T0, "f0", "pc-01", "fail");
            feed(correlator, first);
            correlator.deploy(rule("rule-w", 2, epl), List.of(new RoutedEvent("host.name", "pc-01", first)));
            feed(correlator, event(T0.plusSeconds(1), "f1", "pc-01", "fail"));
            assertThat(feed(correlator, event(T0.plusSeconds(2), "ok", "pc-01", "ok")))
                    .singleElement().satisfies(a -> {
                        assertThat(a.ruleVersion()).isEqualTo(2);
                        assertThat(a.details()).containsEntry("failures", 2L);
                    });
        }
    }

    @Test
    void aSwappedRuleKeepsItsTimersAtTheRuntimesTime() throws Exception {
        RuleDefinition absence = rule("rule-quiet", 1, """
                @Name('alert') context PerEntity
                select began from pattern [every began=SecurityEvent(event.action = 'start')
                                           -> (timer:interval(10 minutes) and not SecurityEvent(event.action = 'stop'))];
                """);
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(thirdFailure("rule-a", 1), absence), 10)) {
            SecurityEvent start = event(T0, "s", "pc-01", "start");
            feed(correlator, start);
            assertThat(correlator.advanceTo(T0.plusSeconds(300).toEpochMilli())).isEmpty();

            correlator.deploy(rule("rule-quiet", 2, absence.epl().substring(absence.epl().indexOf("@Name"))),
                    List.of(new RoutedEvent("host.name", "pc-01", start)));

            assertThat(correlator.advanceTo(T0.plusSeconds(599).toEpochMilli())).isEmpty();
            assertThat(correlator.advanceTo(T0.plusSeconds(600).toEpochMilli()))
                    .extracting(Alert::ruleId, Alert::ruleVersion).containsExactly(tuple("rule-quiet", 2));
        }
    }

    @Test
    void aDeployThatFailsLeavesTheRunningVersionAlone() throws Exception {
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(thirdFailure("rule-a", 1)), 10)) {
            SecurityEvent first = event(T0, "f0", "pc-01", "fail");
            feed(correlator, first);
            List<RoutedEvent> warmUp = List.of(new RoutedEvent("host.name", "pc-01", first));
            // Compiles, but its rows could not name an entity: refused after it was deployed beside the running one.
            assertThatThrownBy(() -> correlator.deploy(rule("rule-a", 2, """
                    @Name('alert') context PerEntity select count(*) as n from SecurityEvent(event.action = 'fail');
                    """), warmUp)).isInstanceOf(RuleException.class).hasMessageContaining("name no entity");
            assertThatThrownBy(() -> correlator.deploy(rule("rule-a", 3, "@Name('alert') context PerEntity select nonsense from;\n"),
                    warmUp)).isInstanceOf(RuleException.class);

            feed(correlator, event(T0.plusSeconds(1), "f1", "pc-01", "fail"));
            assertThat(feed(correlator, event(T0.plusSeconds(2), "f2", "pc-01", "fail")))
                    .extracting(Alert::ruleId, Alert::ruleVersion).containsExactly(tuple("rule-a", 1));
        }
    }

    @Test
    void undeployingOneRuleLeavesTheOthersAlerting() throws Exception {
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(thirdFailure("rule-a", 1), thirdFailure("rule-b", 1)), 10)) {
            feed(correlator, event(T0, "f0", "pc-01", "fail"));
            assertThat(correlator.undeploy("rule-a")).isTrue();
            assertThat(correlator.undeploy("rule-a")).isFalse();
            feed(correlator, event(T0.plusSeconds(1), "f1", "pc-01", "fail"));
            assertThat(feed(correlator, event(T0.plusSeconds(2), "f2", "pc-01", "fail"))).extracting(Alert::ruleId).containsExactly("rule-b");
            assertThat(correlator.handles("host.name")).isTrue();
            assertThat(correlator.undeploy("rule-b")).isTrue();
            assertThat(correlator.handles("host.name")).isFalse();
            assertThat(correlator.partitionFields()).isEmpty();
        }
    }

    @Test
    void aRuleInTheBaseContextIsWarmedUpInARuntimeOfItsOwnAndTheOthersSeeNoEventTwice() throws Exception {
        // No input filter can be derived for a stream without one, so the rule runs in the base module's context.
        RuleDefinition anyThree = rule("rule-any", 1, """
                @Name('alert') context PerEntity select partitionKey, count(*) as events from SecurityEvent having count(*) = 3;
                """);
        assertThat(new RuleCompiler().compileRule(anyThree).inputFilter().isFiltered()).isFalse();
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(thirdFailure("rule-a", 1), anyThree), 10)) {
            List<RoutedEvent> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                SecurityEvent e = event(T0.plusSeconds(i), "f" + i, "pc-01", "fail");
                feed(correlator, e);
                seen.add(new RoutedEvent("host.name", "pc-01", e));
            }
            correlator.deploy(rule("rule-any", 2, anyThree.epl().substring(anyThree.epl().indexOf("@Name"))), seen);
            assertThat(correlator.contextPartitions("rule-any")).isEqualTo(1);

            assertThat(feed(correlator, event(T0.plusSeconds(10), "f2", "pc-01", "fail")))
                    .extracting(Alert::ruleId, Alert::ruleVersion).containsExactly(
                            tuple("rule-a", 1), tuple("rule-any", 2));
            assertThat(correlator.undeploy("rule-any")).isTrue();
            assertThat(correlator.undeploy("rule-a")).isTrue();
            assertThat(correlator.handles("host.name")).isFalse();
        }
    }

    @Test
    void rulesOfAnotherPartitionFieldDoNotSeeTheEvent() throws Exception {
        RuleDefinition bySource = RuleFileParser.parse("by-source.epl", thirdFailure("rule-src", 1).epl()
                .replace("@partition   host.name", "@partition   source.ip"));
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(thirdFailure("rule-a", 1), bySource), 10)) {
            assertThat(correlator.partitionFields()).containsExactly("host.name", "source.ip");
            List<Alert> alerts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                alerts.addAll(feed(correlator, event(T0.plusSeconds(i), "f" + i, "pc-01", "fail")));
            }
            assertThat(alerts).extracting(Alert::ruleId).containsExactly("rule-a");
        }
    }

    private static List<Alert> feed(EntityCorrelator correlator, SecurityEvent e) {
        return correlator.process("host.name", e.getString("host.name"), e);
    }

    private static SecurityEvent event(Instant at, String id, String host, String action) {
        return SecurityEvent.builder().timestamp(at).id(id).put("host.name", host).put("event.action", action).build();
    }
}
