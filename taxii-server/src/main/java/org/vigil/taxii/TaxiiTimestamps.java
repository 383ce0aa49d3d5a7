package org.vigil.taxii;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** TAXII timestamps: RFC 3339 in UTC with the "Z" designation, written with exactly microsecond precision. */
public final class TaxiiTimestamps {
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private TaxiiTimestamps() {}

    /** Formats as {@code YYYY-MM-DDTHH:MM:SS.ssssssZ}, the form the standard requires. */
    public static String format(Instant instant) {
        return MICROS.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

    /** Parses an RFC 3339 timestamp of any fractional precision; throws {@link IllegalArgumentException} if malformed. */
    public static Instant parse(String text) {
        if (text == null || !(text.endsWith("Z") || text.endsWith("z"))) {
            throw new IllegalArgumentException("not a UTC timestamp ending in Z: " + text);
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an RFC 3339 timestamp: " + text, e);
        }
    }

    /** Now, truncated to microseconds so a stored date_added round-trips through its text form unchanged. */
    static Instant nowMicros() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
