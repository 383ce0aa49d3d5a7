package org.vigil.event;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads one data line of an IIS W3C extended log: space-separated values named by the log's {@code #Fields:}. */
final class IisW3cLine {

    private static final long NANOS_PER_MILLI = 1_000_000L;

    private IisW3cLine() {}

    /** How many values a line holds: IIS separates them by one blank and writes none inside a value. */
    static int valueCount(String line) {
        String data = line.stripTrailing();
        int count = data.isEmpty() ? 0 : 1;
        for (int i = 0; i < data.length(); i++) {
            if (data.charAt(i) == ' ') {
                count++;
            }
        }
        return count;
    }

    static void normalise(String line, IisW3cHeader header, SecurityEvent.Builder event) throws RejectedEventException {
        String[] values = line.stripTrailing().split(" ", -1);
        List<String> names = header.fieldsFor(values.length);
        if (values.length != names.size()) {
            throw new RejectedEventException(DeadLetterReason.MALFORMED_LINE, "IIS W3C line has " + values.length
                    + " values, but " + (header.declared() ? "the log's #Fields: header names " : "no #Fields: "
                    + "header was seen and the IIS default has ") + names.size() + " fields");
        }
        Map<String, String> v = new HashMap<>();
        for (int i = 0; i < values.length; i++) {
            // IIS writes "-" for a value it does not have.
            if (!values[i].isEmpty() && !values[i].equals("-")) {
                v.put(names.get(i), values[i]);
            }
        }
        timestamp(v, header, event);
        event.put("event.module", "iis");
        event.put("event.dataset", "iis.access");
        WebAccessLogNormaliser.address(event, "source", v.remove("c-ip"));
        put(event, "source.port", v.remove("c-port"));
        WebAccessLogNormaliser.address(event, "destination", v.remove("s-ip"));
        put(event, "destination.port", v.remove("s-port"));
        put(event, "user.name", v.remove("cs-username"));
        put(event, "http.request.method", v.remove("cs-method"));
        String path = v.remove("cs-uri-stem");
        String query = v.remove("cs-uri-query");
        if (path != null) {
            UrlFields.put(query == null ? path : path + "?" + query, event);
        }
        put(event, "url.domain", v.remove("cs-host"));
        put(event, "http.response.status_code", v.remove("sc-status"));
        put(event, "http.response.body.bytes", v.remove("sc-bytes"));
        put(event, "http.request.body.bytes", v.remove("cs-bytes"));
        String version = v.remove("cs-version");
        put(event, "http.version", version == null ? null : WebAccessLogNormaliser.httpVersion(version));
        // IIS writes the blanks of a user agent as '+'.
        String agent = v.remove("cs(user-agent)");
        put(event, "user_agent.original", agent == null ? null : agent.replace('+', ' '));
        put(event, "http.request.referrer", v.remove("cs(referer)"));
        String taken = v.remove("time-taken");
        if (taken != null) {
            event.put("iis.access.time_taken", taken);
            if (taken.length() <= 12 && taken.chars().allMatch(c -> c >= '0' && c <= '9')) {
                event.put("event.duration", Long.parseLong(taken) * NANOS_PER_MILLI);
            }
        }
        // "cs(Cookie)" becomes iis.access.cs_cookie_: a name that never holds a dot, so never an empty object name.
        v.forEach((name, value) -> event.put("iis.access." + name.replaceAll("[^a-z0-9]", "_"), value));
        WebAccessLogNormaliser.access(event);
    }

    // IIS writes UTC, whatever the server's zone; a log without a date field has its day in the #Date: directive.
    private static void timestamp(Map<String, String> v, IisW3cHeader header, SecurityEvent.Builder event)
            throws RejectedEventException {
        String date = v.remove("date");
        String time = v.remove("time");
        if (date == null) {
            date = header.date();
        }
        if (time == null || date == null) {
            throw new RejectedEventException(DeadLetterReason.MISSING_TIMESTAMP, "IIS W3C line has no "
                    + (time == null ? "time" : "date (neither a date field nor a #Date: directive)"));
        }
        event.timestampMillis(EventTime.parse(date + "T" + time + "Z", "IIS date and time"));
    }

    private static void put(SecurityEvent.Builder event, String field, Object value) {
        if (value != null) {
            event.put(field, value);
        }
    }
}
