package org.vigil.verify;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vigil.alert.Alert;
import org.vigil.enrich.Enricher;
import org.vigil.event.SecurityEvent;

/**
 * The alert risk score, 0 to 100: the rule's score plus points for the target asset, the intelligence behind
 * the evidence and a heightened-vigilance period, capped at 100.
 *
 * <pre>
 * score = min(100, rule + 3 × (security_level − 1) + criticality + round(intel_confidence / 10) + vigilance)
 * criticality: low 0, medium 2, high 5, critical 8 (unknown asset: 0); botnet-listed evidence counts as confidence 100
 * </pre>
 *
 * The asset and intelligence take the highest values over the alert's evidence events (with repeats merged in: the
 * first match's and the latest repeat's); the verify stage keeps an alert's highest score over its repeats.
 */
public final class RiskScore implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String SECURITY_LEVEL = "vigil.asset.security_level";
    static final String CRITICALITY = "vigil.asset.criticality";
    private static final List<String> CRITICALITIES = List.of("low", "medium", "high", "critical");
    private static final int[] CRITICALITY_POINTS = {0, 2, 5, 8};

    private final VigilanceCalendar calendar;
    private final int vigilanceBoost;

    public RiskScore(VigilanceCalendar calendar, int vigilanceBoost) {
        if (vigilanceBoost < 0 || vigilanceBoost > 100) {
            throw new IllegalArgumentException("vigilance.score-boost must be within 0..100, got " + vigilanceBoost);
        }
        this.calendar = calendar;
        this.vigilanceBoost = vigilanceBoost;
    }

    /** The alert with its score and the factors that made it; the rule's score is the alert's score as raised. */
    public Alert score(Alert alert) {
        int ruleScore = alert.riskFactors().get("rule_score") instanceof Number n ? n.intValue() : alert.riskScore();
        long level = 0;
        int criticality = -1;
        long confidence = 0;
        for (SecurityEvent e : VerificationEvidence.evidenceOf(alert)) {
            if (e.get(SECURITY_LEVEL) instanceof Number n) {
                level = Math.max(level, Math.min(5, Math.max(1, n.longValue())));
            }
            String c = e.getString(CRITICALITY);
            if (c != null) {
                criticality = Math.max(criticality, CRITICALITIES.indexOf(c.toLowerCase(Locale.ROOT)));
            }
            if (e.get(Enricher.INTEL_CONFIDENCE) instanceof Number n) {
                confidence = Math.max(confidence, Math.min(100, Math.max(0, n.longValue())));
            }
            if (e.getString(Enricher.BOTNET_IP) != null) {
                confidence = 100;
            }
        }
        int assetPoints = (level > 0 ? 3 * (int) (level - 1) : 0) + (criticality >= 0 ? CRITICALITY_POINTS[criticality] : 0);
        int intelPoints = (int) Math.round(confidence / 10.0);
        // A repeated alert is scored by its first and its latest occurrence, whichever scores higher.
        boolean vigilance = calendar.inForce(alert.timestampMillis()) || calendar.inForce(alert.lastSeenMillis());
        int vigilancePoints = vigilance ? vigilanceBoost : 0;
        int score = Math.max(0, Math.min(100, ruleScore + assetPoints + intelPoints + vigilancePoints));

        Map<String, Object> factors = new LinkedHashMap<>();
        factors.put("rule_score", ruleScore);
        if (level > 0) {
            factors.put("security_level", level);
        }
        if (criticality >= 0) {
            factors.put("criticality", CRITICALITIES.get(criticality));
        }
        factors.put("asset_points", assetPoints);
        factors.put("intel_confidence", confidence);
        factors.put("intel_points", intelPoints);
        factors.put("vigilance", vigilance);
        factors.put("vigilance_points", vigilancePoints);
        return alert.toBuilder().riskScore(score).riskFactors(factors).build();
    }

    /** Whether a vigilance period is in force at this event time. */
    public boolean vigilance(long epochMillis) {
        return calendar.inForce(epochMillis);
    }
}
