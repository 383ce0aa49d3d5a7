package org.vigil.event;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the times of CEF extensions ({@code rt}, {@code start}, {@code end}): epoch milliseconds, or the CEF date
 * formats {@code MMM dd yyyy HH:mm:ss[.SSS] [zone]}; ISO-8601 too, which some vendors send.
 */
final class CefTime {

    /** Up to this many digits the number is epoch seconds, which some devices send; longer numbers are milliseconds. */
    private static final int MAX_SECONDS_DIGITS = 10;

    private static final Pattern CEF_DATE = Pattern.compile("([A-Za-z]{3}) {1,2}(\\d{1,2})(?: (\\d{4}))? "
            + "(\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?: +(\\S.*))?");
    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

    private CefTime() {}

    /**
     * The time in epoch milliseconds. A date without a zone is in {@code deviceTimeZone} (the record's {@code dtz})
     * when given, else UTC; a date without a year is refused, since no year can be assumed safely.
     */
    static long parse(String text, String field, String deviceTimeZone) throws RejectedEventException {
        String value = text.trim();
        if (!value.isEmpty() && value.length() <= 19 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long number;
            try {
                number = Long.parseLong(value);
            } catch (NumberFormatException e) {
                // Nineteen digits can exceed a long.
                throw EventTime.bad(field, value);
            }
            return EventTime.inRange(value.length() <= MAX_SECONDS_DIGITS ? number * 1000 : number, field);
        }
        Matcher m = CEF_DATE.matcher(value);
        if (!m.matches()) {
            if (!value.isEmpty() && Character.isDigit(value.charAt(0))) {
                return EventTime.parse(value, field);
            }
            throw EventTime.bad(field, value);
        }
        int month = MONTHS.indexOf(m.group(1).toLowerCase(Locale.ROOT));
        if (month < 0 || month % 3 != 0) {
            throw EventTime.bad(field, value);
        }
        if (m.group(3) == null) {
            throw new RejectedEventException(DeadLetterReason.BAD_TIMESTAMP, field + " '" + shorten(value)
                    + "' has no year; send rt as epoch milliseconds or as 'MMM dd yyyy HH:mm:ss'");
        }
        try {
            String fraction = m.group(7) == null ? "0" : (m.group(7) + "00000000").substring(0, 9);
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(3)), month / 3 + 1,
                    Integer.parseInt(m.group(2)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)), Integer.parseInt(fraction));
            String zone = m.group(8) != null ? m.group(8).trim() : deviceTimeZone;
            ZoneId zoneId = zone == null || zone.isBlank() ? ZoneOffset.UTC : ZoneId.of(zone.trim(), ZoneId.SHORT_IDS);
            return EventTime.inRange(local.atZone(zoneId).toInstant().toEpochMilli(), field);
        } catch (DateTimeException | ArithmeticException e) {
            // February 30th, hour 25, a zone no one knows.
            throw EventTime.bad(field, value);
        }
    }

    private static String shorten(String value) {
        return value.length() > 100 ? value.substring(0, 100) + "..." : value;
    }
}
