package org.vigil.event;

import static java.time.temporal.ChronoField.HOUR_OF_DAY;
import static java.time.temporal.ChronoField.MINUTE_OF_HOUR;
import static java.time.temporal.ChronoField.NANO_OF_SECOND;
import static java.time.temporal.ChronoField.SECOND_OF_MINUTE;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/** Reads a source's event time (ISO-8601 text in its common variants, or epoch milliseconds) with a sanity range. */
final class EventTime {

    /** Earliest event time accepted; older values are a broken clock or a zero default, not an attack. */
    static final long MIN_MILLIS = Instant.parse("1990-01-01T00:00:00Z").toEpochMilli();

    /** First instant no longer accepted (events up to the end of 2100 are). */
    static final long END_MILLIS = Instant.parse("2101-01-01T00:00:00Z").toEpochMilli();

    // One formatter for Beats ("...Z", "+01:00"), Suricata ("+0000") and zone-less local times (read as UTC).
    private static final DateTimeFormatter ISO_VARIANTS = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(MINUTE_OF_HOUR, 2)
            .optionalStart()
            .appendLiteral(':')
            .appendValue(SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH:MM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HHMM", "Z")
            .optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    private EventTime() {}

    /** The event time of {@code node} (named {@code field} in messages) in epoch milliseconds. */
    static long parse(JsonNode node, String field) throws RejectedEventException {
        if (node == null || node.isNull() || node.isMissingNode() || (node.isTextual() && node.asText().isBlank())) {
            throw new RejectedEventException(DeadLetterReason.MISSING_TIMESTAMP, "record has no " + field);
        }
        long millis;
        if (node.isNumber()) {
            if (!node.canConvertToLong()) {
                throw bad(field, node.asText());
            }
            millis = node.isIntegralNumber() ? node.longValue() : (long) Math.floor(node.doubleValue());
        } else if (node.isTextual()) {
            millis = parseText(node.asText().trim(), field);
        } else {
            throw bad(field, node.toString());
        }
        return inRange(millis, field);
    }

    /** The event time written as text (ISO-8601 in its common variants, or epoch milliseconds) in epoch milliseconds. */
    static long parse(String text, String field) throws RejectedEventException {
        if (text == null || text.isBlank()) {
            throw new RejectedEventException(DeadLetterReason.MISSING_TIMESTAMP, "record has no " + field);
        }
        return inRange(parseText(text.trim(), field), field);
    }

    /** The time unchanged when it lies in the accepted years 1990 to 2100; otherwise the record is refused. */
    static long inRange(long millis, String field) throws RejectedEventException {
        if (millis < MIN_MILLIS || millis >= END_MILLIS) {
            throw new RejectedEventException(DeadLetterReason.BAD_TIMESTAMP, field + " " + Instant.ofEpochMilli(millis)
                    + " is outside the accepted years 1990 to 2100");
        }
        return millis;
    }

    private static long parseText(String text, String field) throws RejectedEventException {
        // Elasticsearch's default date mapping also takes epoch milliseconds as a string. ASCII digits only:
        // Character.isDigit and Long.parseLong would also read Arabic-Indic or fullwidth digits.
        if (!text.isEmpty() && text.length() <= 19 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                // Nineteen digits can exceed a long.
                throw bad(field, text);
            }
        }
        try {
            TemporalAccessor parsed = ISO_VARIANTS.parse(text);
            if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                return OffsetDateTime.from(parsed).toInstant().toEpochMilli();
            }
            return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            // Includes values that parse but do not resolve, such as February 30th or an offset beyond 18 hours.
            throw bad(field, text);
        }
    }

    static RejectedEventException bad(String field, String value) {
        String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return new RejectedEventException(DeadLetterReason.BAD_TIMESTAMP,
                field + " is not an ISO-8601 date-time or epoch milliseconds: '" + shown + "'");
    }
}
