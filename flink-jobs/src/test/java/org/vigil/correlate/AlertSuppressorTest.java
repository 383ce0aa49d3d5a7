package org.vigil.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.alert.Severity;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFileParser;

/** Repeats within a rule's {@code @suppress} period merge into the period's alert with an absolute count. */
class AlertSuppressorTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String RULE = "test-burst";

    @Test
    void aRepeatWithinThePeriodUpdatesTheFirstAlertWithItsCountAndLatestRepeat() throws Exception {
        AlertSuppressor suppressor = suppressor("PT10M");
        AlertSuppressor.Periods periods = AlertSuppressor.inMemory();
        Alert first = match(0, "10.20.0.5", "a", "b");
        Alert second = match(120, "10.20.0.5", "c", "d");
        Alert third = match(599, "10.20.0.5", "e");

        assertThat(suppressor.apply(first, periods)).isSameAs(first);
        Alert afterSecond = suppressor.apply(second, periods);
        Alert afterThird = suppressor.apply(third, periods);

        assertThat(afterSecond.id()).isEqualTo(first.id()).isNotEqualTo(second.id());
        assertThat(afterSecond.occurrences()).isEqualTo(2);
        assertThat(afterThird.id()).isEqualTo(first.id());
        assertThat(afterThird.occurrences()).isEqualTo(3);
        assertThat(afterThird.isFirstOccurrence()).isFalse();
        // The first match's time, details and evidence stay; the latest repeat is reachable by its id, time and events.
        assertThat(afterThird.timestamp()).isEqualTo(first.timestamp());
        assertThat(afterThird.evidence()).isEqualTo(first.evidence());
        assertThat(afterThird.details()).isEqualTo(first.details());
        assertThat(afterThird.lastSeenMillis()).isEqualTo(third.timestampMillis());
        assertThat(afterThird.latestRepeat().matchId()).isEqualTo(third.id());
        assertThat(afterThird.latestRepeat().eventIds()).containsExactly("e");
        assertThat(afterThird.latestRepeat().details()).isEqualTo(third.details());
        assertThat(afterSecond.latestRepeat().eventIds()).containsExactly("c", "d");
    }

    @Test
    void thePeriodKeepsItsLatestRepeatWithoutEvidenceWhileTheEmittedAlertCarriesIt() throws Exception {
        AlertSuppressor suppressor = suppressor("PT10M");
        AlertSuppressor.Periods periods = AlertSuppressor.inMemory();
        Alert first = match(0, "10.20.0.5", "a", "b");
        String key = AlertSuppressor.keyOf(first, suppressor.suppression(RULE));
        suppressor.apply(first, periods);

        Alert emitted = suppressor.apply(match(120, "10.20.0.5", "c", "d", "e"), periods);
        Alert kept = periods.alert(key);

        // Emitted: the repeat with its events, for the verify stage and the analyst.
        assertThat(emitted.latestRepeat().eventIds()).containsExactly("c", "d", "e");
        // Kept in state: the same alert, the first match's evidence only; the repeat's id, time, details and count stay.
        assertThat(kept).isEqualTo(emitted.withoutRepeatEvidence()).isNotEqualTo(emitted);
        assertThat(kept.evidence()).isEqualTo(first.evidence());
        assertThat(kept.latestRepeat().evidence()).isEmpty();
        assertThat(kept.latestRepeat().eventCount()).isEqualTo(3);
        assertThat(kept.latestRepeat().matchId()).isEqualTo(emitted.latestRepeat().matchId());
        assertThat(kept.latestRepeat().details()).isEqualTo(emitted.latestRepeat().details());
        assertThat(kept.occurrences()).isEqualTo(2);
        assertThat(kept.lastSeenMillis()).isEqualTo(emitted.lastSeenMillis());
        assertThat(javaSerializedSize(kept)).isLessThan(javaSerializedSize(emitted));

        // The next repeat merges into the kept alert and is emitted with its own events and the absolute count.
        Alert next = suppressor.apply(match(240, "10.20.0.5", "f"), periods);
        assertThat(next.occurrences()).isEqualTo(3);
        assertThat(next.evidence()).isEqualTo(first.evidence());
        assertThat(next.latestRepeat().eventIds()).containsExactly("f");
        assertThat(periods.alert(key).latestRepeat().evidence()).isEmpty();
    }

    private static int javaSerializedSize(Alert alert) throws java.io.IOException {
        return org.apache.flink.util.InstantiationUtil.serializeObject(alert).length;
    }

    @Test
    void aMatchAtTheEndOfThePeriodIsANewAlertThatStartsTheNextPeriod() throws Exception {
        AlertSuppressor suppressor = suppressor("PT10M");
        AlertSuppressor.Periods periods = AlertSuppressor.inMemory();
        Alert first = match(0, "10.20.0.5", "a");
        suppressor.apply(first, periods);
        suppressor.apply(match(300, "10.20.0.5", "b"), periods);
        Alert next = match(600, "10.20.0.5", "c");

        assertThat(suppressor.apply(next, periods)).isSameAs(next);
        Alert repeatOfNext = suppressor.apply(match(1199, "10.20.0.5", "d"), periods);
        assertThat(repeatOfNext.id()).isEqualTo(next.id());
        assertThat(repeatOfNext.occurrences()).isEqualTo(2);
    }

    @Test
    void perColumnsKeepOnePeriodPerValueAndRulesWithoutSuppressionAlertEveryMatch() throws Exception {
        AlertSuppressor perTarget = suppressor("PT10M per target");
        AlertSuppressor.Periods periods = AlertSuppressor.inMemory();
        Alert toMail = match(0, "10.20.0.5", "a");
        Alert toPortal = match(10, "10.20.0.6", "b");
        assertThat(perTarget.apply(toMail, periods)).isSameAs(toMail);
        assertThat(perTarget.apply(toPortal, periods)).isSameAs(toPortal);
        assertThat(perTarget.apply(match(20, "10.20.0.5", "c"), periods).id()).isEqualTo(toMail.id());

        AlertSuppressor none = suppressor("none");
        Alert again = match(20, "10.20.0.5", "c");
        assertThat(none.apply(toMail, AlertSuppressor.inMemory())).isSameAs(toMail);
        assertThat(none.apply(again, AlertSuppressor.inMemory())).isSameAs(again);
    }

    @Test
    void aPeriodRestoredFromBeforeRepeatsWereMergedSuppressesItsRepeatsAsThen() throws Exception {
        AlertSuppressor suppressor = suppressor("PT10M");
        Alert first = match(0, "10.20.0.5", "a");
        String key = AlertSuppressor.keyOf(first, suppressor.suppression(RULE));
        // An old checkpoint held only the deadline.
        List<String> written = new ArrayList<>();
        AlertSuppressor.Periods deadlineOnly = new AlertSuppressor.Periods() {
            @Override public Long until(String k) { return k.equals(key) ? first.timestampMillis() + 600_000 : null; }
            @Override public Alert alert(String k) { return null; }
            @Override public void start(String k, long until, Alert a) { written.add("start " + k); }
            @Override public void update(String k, Alert a) { written.add("update " + k); }
        };
        assertThat(suppressor.apply(match(60, "10.20.0.5", "b"), deadlineOnly)).isNull();
        assertThat(written).isEmpty();
        // After the old deadline, the next match starts a period of the new kind.
        assertThat(suppressor.apply(match(600, "10.20.0.5", "c"), deadlineOnly)).isNotNull();
        assertThat(written).containsExactly("start " + key);
    }

    @Test
    void mergingIsAbsoluteSoTheSameRepeatAppliedToTheSameStateGivesTheSameAlert() {
        Alert first = match(0, "10.20.0.5", "a");
        Alert repeat = match(60, "10.20.0.5", "b");
        assertThat(first.withRepeat(repeat)).isEqualTo(first.withRepeat(repeat));
        assertThat(first.withRepeat(repeat).withRepeat(match(30, "10.20.0.5", "z")).latestRepeat().matchId())
                .as("an earlier match never replaces a later latest repeat").isEqualTo(repeat.id());
    }

    private static AlertSuppressor suppressor(String suppress) throws Exception {
        String rule = """
                /**
                 * @id         %s
                 * @name       A test burst
                 * @severity   high
                 * @tactic     TA0001
                 * @technique  T1190
                 * @partition  source.ip
                 * @horizon    PT5M
                 * @suppress   %s
                 */
                @Name('alert') context PerEntity select destination.ip as target, window(*) as alerts from SecurityEvent#time(5 minutes);
                """.formatted(RULE, suppress);
        RuleDefinition definition = RuleFileParser.parse("t.epl", rule);
        return new AlertSuppressor(List.of(definition));
    }

    private static Alert match(int second, String target, String... eventIds) {
        List<SecurityEvent> events = new ArrayList<>();
        for (int i = 0; i < eventIds.length; i++) {
            events.add(SecurityEvent.builder().timestamp(T0.plusSeconds(second).minusMillis(eventIds.length - 1 - i))
                    .id(eventIds[i]).put("source.ip", "203.0.113.7").put("destination.ip", target).build());
        }
        return Alert.builder().ruleId(RULE).ruleName("A test burst").severity(Severity.HIGH)
                .partition("source.ip", "203.0.113.7").timestampMillis(T0.plusSeconds(second).toEpochMilli())
                .detail("target", target).detail("alert_count", eventIds.length).triggeringEvents(events, 10).build();
    }
}
