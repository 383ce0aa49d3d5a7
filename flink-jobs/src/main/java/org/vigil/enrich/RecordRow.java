package org.vigil.enrich;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The text fields of one reference-data record as read from a file or a topic, with typed accessors that collect a
 * {@link FieldError} per bad field instead of stopping at the first.
 */
final class RecordRow {
    private final Map<String, String> values;
    private final List<FieldError> errors = new ArrayList<>();

    RecordRow(Map<String, String> values, List<String> allowedFields) {
        this.values = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            String name = k == null ? "" : k.trim();
            if (!allowedFields.contains(name)) {
                errors.add(new FieldError(name, "unknown field; expected " + String.join(", ", allowedFields)));
            } else if (v != null && !v.isBlank()) {
                this.values.put(name, v.trim());
            }
        });
    }

    List<FieldError> errors() {
        return errors;
    }

    void error(String field, String reason) {
        errors.add(new FieldError(field, reason));
    }

    /** The trimmed text, or null (and an error) when missing or blank. */
    String required(String field) {
        String v = values.get(field);
        if (v == null) {
            error(field, "required");
        }
        return v;
    }

    /** The trimmed text, or null when missing or blank. */
    String optional(String field) {
        return values.get(field);
    }

    int integer(String field, int min, int max) {
        String v = required(field);
        if (v == null) {
            return min;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                error(field, "must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            error(field, "must be a whole number between " + min + " and " + max + ", got '" + v + "'");
            return min;
        }
    }

    double decimal(String field, double min, double max) {
        String v = required(field);
        if (v == null) {
            return min;
        }
        try {
            double d = Double.parseDouble(v);
            if (!(d >= min && d <= max)) {
                error(field, "must be between " + min + " and " + max + ", got " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            error(field, "must be a number between " + min + " and " + max + ", got '" + v + "'");
            return min;
        }
    }

    boolean bool(String field) {
        String v = required(field);
        if (v == null) {
            return false;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        error(field, "must be true or false, got '" + v + "'");
        return false;
    }

    /** An instant ({@code 2026-11-03T08:00:00Z}) or a date ({@code 2026-11-03}, read as its start in UTC). */
    Instant instant(String field, boolean required) {
        String v = required ? required(field) : optional(field);
        if (v == null) {
            return null;
        }
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
        } catch (DateTimeParseException e) {
            error(field, "must be a date (2026-11-03) or an instant (2026-11-03T08:00:00Z), got '" + v + "'");
            return null;
        }
    }

    /** One of {@code names} (case-insensitive), mapped by {@code lookup}; null (and an error) otherwise. */
    <T> T oneOf(String field, List<String> names, Function<String, T> lookup) {
        String v = required(field);
        if (v == null) {
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!names.contains(lower)) {
            error(field, "must be one of " + String.join(", ", names) + ", got '" + v + "'");
            return null;
        }
        return lookup.apply(lower);
    }

    /** An IP address or CIDR prefix; null (and an error) otherwise. */
    IpPrefix prefix(String field, String text) {
        if (text == null) {
            return null;
        }
        try {
            return IpPrefix.parse(text);
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage());
            return null;
        }
    }
}
