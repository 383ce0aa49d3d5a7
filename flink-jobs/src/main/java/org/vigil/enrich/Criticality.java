package org.vigil.enrich;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How much the owning agency depends on an asset, from low to critical. */
public enum Criticality {
    LOW, MEDIUM, HIGH, CRITICAL;

    /** Every label, lowest first. */
    public static final List<String> LABELS = Arrays.stream(values()).map(Criticality::label).toList();

    /** The label in files, topics and event fields: low, medium, high, critical. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Criticality ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
