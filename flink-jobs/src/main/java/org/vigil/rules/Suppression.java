package org.vigil.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A rule's {@code @suppress} policy: after it alerts for an entity, further matches for the same entity
 * (and the same values of the {@code per} columns) within {@code period} of event time are not new alerts.
 *
 * <p>Rules use this instead of EPL output rate limiting ({@code output first every ...}): the suppression
 * state lives in Flink and survives a restore, Esper's output-rate state does not.
 */
public record Suppression(Duration period, List<String> perColumns) implements Serializable {
    /**
     * The longest period: the verify stage remembers an alert's verification for 24 hours of event time after its
     * latest occurrence, so a repeat within this bound never finds its alert forgotten (and downgraded to a candidate).
     */
    public static final Duration MAX_PERIOD = Duration.ofHours(24);
    /** Every match is an alert. */
    public static final Suppression NONE = new Suppression(Duration.ZERO, List.of());

    public Suppression {
        Objects.requireNonNull(period, "period");
        if (period.isNegative()) {
            throw new IllegalArgumentException("suppression period must not be negative");
        }
        perColumns = List.copyOf(perColumns);
    }

    public boolean isNone() {
        return period.isZero();
    }

    /**
     * Parses {@code PT15M} or {@code PT15M per target, user_name}; the columns are alert detail names.
     *
     * @throws IllegalArgumentException with a reason a rule author can act on
     */
    public static Suppression parse(String text) {
        if (text == null || text.isBlank() || text.strip().equals("none")) {
            return NONE;
        }
        String[] parts = text.strip().split("\\s+per\\s+", 2);
        Duration period;
        try {
            period = Duration.parse(parts[0].strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("@suppress must be an ISO-8601 duration such as PT10M, optionally followed by"
                    + " 'per column, ...'; got '" + text.strip() + "'");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("@suppress period must be positive, got " + parts[0].strip());
        }
        if (period.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("@suppress period must be at most PT24H (the verify stage remembers an"
                    + " alert's verification for a day after its latest occurrence), got " + parts[0].strip());
        }
        List<String> columns = new ArrayList<>();
        if (parts.length == 2) {
            for (String column : parts[1].split(",")) {
                String name = column.strip();
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new IllegalArgumentException("@suppress 'per' names alert columns such as target, got '" + name + "'");
                }
                columns.add(name);
            }
        }
        return new Suppression(period, columns);
    }

    @Override
    public String toString() {
        return isNone() ? "none" : period + (perColumns.isEmpty() ? "" : " per " + String.join(", ", perColumns));
    }
}
