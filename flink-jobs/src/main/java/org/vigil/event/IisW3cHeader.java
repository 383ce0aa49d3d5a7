package org.vigil.event;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the directives of an IIS W3C extended log said about its data lines: their field names (from
 * {@code #Fields:}, lower case) and the log's date (from {@code #Date:}).
 *
 * @param fields the field names in order
 * @param date the {@code #Date:} directive's date (yyyy-mm-dd), used when lines have no date field; null if none
 * @param declared whether a {@code #Fields:} line set the names, rather than the defaults
 */
record IisW3cHeader(List<String> fields, String date, boolean declared) {

    /** IIS 8.5 and later log these fields unless configured otherwise. */
    static final List<String> IIS_DEFAULT_FIELDS = List.of("date", "time", "s-ip", "cs-method", "cs-uri-stem",
            "cs-uri-query", "s-port", "cs-username", "c-ip", "cs(user-agent)", "cs(referer)", "sc-status",
            "sc-substatus", "sc-win32-status", "time-taken");

    /** IIS 7 and 7.5 logged the same fields without the referrer. */
    static final List<String> IIS_7_DEFAULT_FIELDS = IIS_DEFAULT_FIELDS.stream()
            .filter(f -> !f.equals("cs(referer)")).toList();

    static final IisW3cHeader DEFAULT = new IisW3cHeader(IIS_DEFAULT_FIELDS, null, false);

    private static final Set<String> DIRECTIVES = Set.of("version", "fields", "software", "start-date", "end-date",
            "date", "remark");

    IisW3cHeader {
        fields = List.copyOf(fields);
    }

    /** Whether the line is a W3C directive ({@code #Fields:}, {@code #Software:}, {@code #Date:}, ...). */
    static boolean isDirective(String line) {
        int colon = line.indexOf(':');
        return line.startsWith("#") && colon > 1
                && DIRECTIVES.contains(line.substring(1, colon).trim().toLowerCase(Locale.ROOT));
    }

    /** The state after one directive line; {@code #Fields:} replaces the field names, {@code #Date:} the date. */
    IisW3cHeader read(String line) throws RejectedEventException {
        int colon = line.indexOf(':');
        String directive = line.substring(1, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        switch (directive) {
            case "fields":
                if (value.isEmpty()) {
                    throw new RejectedEventException(DeadLetterReason.MALFORMED_LINE,
                            "IIS #Fields: directive names no fields");
                }
                return new IisW3cHeader(Arrays.asList(value.toLowerCase(Locale.ROOT).split("\\s+")), date, true);
            case "date":
                // "#Date: 2024-05-01 00:00:00": the day the log was started, for logs without a date field.
                int blank = value.indexOf(' ');
                return new IisW3cHeader(fields, blank < 0 ? value : value.substring(0, blank), declared);
            default:
                return this;
        }
    }

    /** The field names of a data line with this many values: the declared ones, or the IIS default they fit. */
    List<String> fieldsFor(int values) {
        if (!declared && values == IIS_7_DEFAULT_FIELDS.size()) {
            return IIS_7_DEFAULT_FIELDS;
        }
        return fields;
    }
}
