package org.vigil.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.alert.Severity;
import org.vigil.event.SecurityEvent;

/** The risk score formula: each factor, the README's worked example, and the 0–100 bound. */
class RiskScoreTest {
    private static final VigilanceCalendar HOLIDAYS = VigilanceCalendar.parse("04-30..05-01,09-02", "Asia/Ho_Chi_Minh");
    private static final RiskScore SCORE = new RiskScore(HOLIDAYS, 10);
    private static final Instant ORDINARY = Instant.parse("2026-03-02T08:00:00Z");
    private static final Instant HOLIDAY = Instant.parse("2026-04-30T08:00:00Z");

    private static Alert alert(int ruleScore, Instant at, Map<String, Object> fields) {
        SecurityEvent.Builder e = SecurityEvent.builder().timestamp(at).id("e-" + fields.hashCode()).put("source.ip", "192.0.2.1");
        fields.forEach(e::put);
        return Alert.builder().ruleId("vigil-r").ruleName("r").severity(Severity.MEDIUM).riskScore(ruleScore)
                .partition("source.ip", "192.0.2.1").timestampMillis(at.toEpochMilli())
                .triggeringEvents(List.of(e.build()), 20).build();
    }

    @Test
    void anAlertWithoutContextOnAnOrdinaryDayKeepsItsRuleScore() {
        Alert scored = SCORE.score(alert(47, ORDINARY, Map.of()));
        assertThat(scored.riskScore()).isEqualTo(47);
        assertThat(scored.riskFactors()).containsEntry("rule_score", 47).containsEntry("asset_points", 0)
                .containsEntry("intel_points", 0).containsEntry("vigilance", false);
    }

    @Test
    void theReadmeWorkedExample() {
        // Rule 47 (medium), target security level 4 and critical, an IOC of confidence 64, on 30 April.
        Alert scored = SCORE.score(alert(47, HOLIDAY, Map.of("vigil.asset.security_level", 4L,
                "vigil.asset.criticality", "critical", "vigil.intel.confidence", 64L)));
        // 47 + 3 × (4 − 1) + 8 + round(6.4) + 10 = 80
        assertThat(scored.riskScore()).isEqualTo(80);
        assertThat(scored.riskFactors()).containsEntry("asset_points", 17).containsEntry("intel_points", 6)
                .containsEntry("vigilance", true).containsEntry("vigilance_points", 10)
                .containsEntry("security_level", 4L).containsEntry("criticality", "critical");
    }

    @Test
    void eachFactorAddsItsPoints() {
        assertThat(SCORE.score(alert(47, ORDINARY, Map.of("vigil.asset.security_level", 1L))).riskScore()).isEqualTo(47);
        assertThat(SCORE.score(alert(47, ORDINARY, Map.of("vigil.asset.security_level", 5L))).riskScore()).isEqualTo(59);
        assertThat(SCORE.score(alert(47, ORDINARY, Map.of("vigil.asset.criticality", "medium"))).riskScore()).isEqualTo(49);
        assertThat(SCORE.score(alert(47, ORDINARY, Map.of("vigil.asset.criticality", "high"))).riskScore()).isEqualTo(52);
        assertThat(SCORE.score(alert(47, ORDINARY, Map.of("vigil.intel.confidence", 95L))).riskScore()).isEqualTo(57);
        assertThat(SCORE.score(alert(47, ORDINARY, Map.of("vigil.botnet.ip", "192.0.2.1"))).riskScore())
                .as("the authority's botnet list counts as full confidence").isEqualTo(57);
        assertThat(SCORE.score(alert(47, HOLIDAY, Map.of())).riskScore()).isEqualTo(57);
    }

    @Test
    void theScoreIsCappedAt100() {
        Alert scored = SCORE.score(alert(99, HOLIDAY, Map.of("vigil.asset.security_level", 5L,
                "vigil.asset.criticality", "critical", "vigil.botnet.ip", "192.0.2.1")));
        assertThat(scored.riskScore()).isEqualTo(100);
    }

    @Test
    void rescoringAScoredAlertGivesTheSameScore() {
        Alert once = SCORE.score(alert(47, HOLIDAY, Map.of("vigil.asset.security_level", 3L)));
        assertThat(SCORE.score(once).riskScore()).isEqualTo(once.riskScore()).isEqualTo(63);
    }

    @Test
    void anyInputScoresWithin0And100() {
        Random random = new Random(42);
        List<String> criticalities = List.of("low", "medium", "high", "critical", "bogus");
        RiskScore generous = new RiskScore(HOLIDAYS, 100);
        for (int i = 0; i < 2000; i++) {
            Map<String, Object> fields = Map.of(
                    "vigil.asset.security_level", (long) random.nextInt(20) - 5,
                    "vigil.asset.criticality", criticalities.get(random.nextInt(criticalities.size())),
                    "vigil.intel.confidence", (long) random.nextInt(400) - 100);
            Instant at = random.nextBoolean() ? HOLIDAY : ORDINARY;
            int score = generous.score(alert(random.nextInt(101), at, fields)).riskScore();
            assertThat(score).isBetween(0, 100);
        }
    }

    @Test
    void theBoostIsBounded() {
        assertThatThrownBy(() -> new RiskScore(HOLIDAYS, 101)).hasMessageContaining("vigilance.score-boost");
        assertThatThrownBy(() -> new VerifySettings(SCORE, 40, 50)).hasMessageContaining("vigilance tightens sharing");
    }
}
