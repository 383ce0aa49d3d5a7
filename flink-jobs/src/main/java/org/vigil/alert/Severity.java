package org.vigil.alert;

import java.util.Locale;

/** How bad a rule's match is, with the ECS numeric severity and the default risk score it implies. */
public enum Severity {
    LOW(21, 21),
    MEDIUM(47, 47),
    HIGH(73, 73),
    CRITICAL(99, 99);

    private final int ecsSeverity;
    private final int defaultRiskScore;

    Severity(int ecsSeverity, int defaultRiskScore) {
        this.ecsSeverity = ecsSeverity;
        this.defaultRiskScore = defaultRiskScore;
    }

    /** {@code event.severity} as Elastic detection rules use it (21, 47, 73, 99). */
    public int ecsSeverity() {
        return ecsSeverity;
    }

    public int defaultRiskScore() {
        return defaultRiskScore;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses low|medium|high|critical in any case. */
    public static Severity parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("not a severity: '" + text + "' (expected low, medium, high or critical)");
        }
    }
}
