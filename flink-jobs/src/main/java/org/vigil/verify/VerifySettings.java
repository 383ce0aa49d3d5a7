package org.vigil.verify;

import java.io.Serializable;
import java.util.Objects;

/**
 * How the verify stage scores alerts and which verified alerts it shares with the NCSC: those scoring at least
 * {@code minShareScore}, or {@code minShareScoreInVigilance} (lower) while a vigilance period is in force.
 */
public record VerifySettings(RiskScore riskScore, int minShareScore, int minShareScoreInVigilance) implements Serializable {
    /** Shares every verified alert; no vigilance periods. */
    public static final VerifySettings DEFAULTS = new VerifySettings(new RiskScore(VigilanceCalendar.NONE, 10), 0, 0);

    public VerifySettings {
        Objects.requireNonNull(riskScore, "riskScore");
        if (minShareScore < 0 || minShareScore > 100) {
            throw new IllegalArgumentException("share.min-risk-score must be within 0..100, got " + minShareScore);
        }
        if (minShareScoreInVigilance < 0 || minShareScoreInVigilance > minShareScore) {
            throw new IllegalArgumentException("vigilance.share.min-risk-score must be within 0..share.min-risk-score ("
                    + minShareScore + "): vigilance tightens sharing, got " + minShareScoreInVigilance);
        }
    }

    /** Whether a verified alert with this score at this event time goes to the NCSC feed. */
    public boolean shares(int score, long epochMillis) {
        return score >= (riskScore.vigilance(epochMillis) ? minShareScoreInVigilance : minShareScore);
    }
}
