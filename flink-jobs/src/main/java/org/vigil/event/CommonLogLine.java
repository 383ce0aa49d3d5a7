package org.vigil.event;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Reads one line of the common log format ({@code %h %l %u %t "%r" %>s %b}) that Apache, Nginx and Tomcat write,
 * with the combined format's {@code "%{Referer}i" "%{User-agent}i"}, Apache's {@code %v:%p} virtual host in front
 * (vhost_combined), and what servers append after it (Tomcat's {@code %D}/{@code %T} time taken, Nginx's extra
 * variables) kept as written.
 */
final class CommonLogLine {

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("dd/MMM/uuuu:HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .appendPattern(" xx")
            .toFormatter(Locale.ENGLISH)
            .withResolverStyle(ResolverStyle.STRICT);

    private final String line;
    private int at;

    private CommonLogLine(String line) {
        this.line = line;
    }

    static void normalise(String line, SecurityEvent.Builder event) throws RejectedEventException {
        new CommonLogLine(line).read(event);
    }

    private void read(SecurityEvent.Builder event) throws RejectedEventException {
        String virtualHost = null;
        if (tokensBeforeTime() == 4) {
            // Apache's vhost_combined ("%v:%p %h ..."), Debian's default for virtual hosts: the site comes first.
            virtualHost = token("the virtual host");
        }
        String host = token("the client address");
        token("the identity");
        String user = token("the user");
        String time = bracketed("the time");
        String request = quoted("the request line");
        String status = token("the status");
        String bytes = token("the response size");
        if (status.length() != 3 || !status.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformed("the status '" + CefExtension.shorten(status) + "' is not a 3-digit HTTP status");
        }
        if (!bytes.equals("-") && (bytes.length() > 18 || !bytes.chars().allMatch(c -> c >= '0' && c <= '9'))) {
            throw malformed("the response size '" + CefExtension.shorten(bytes) + "' is not a number of bytes or '-'");
        }
        event.timestampMillis(timestamp(time));
        if (virtualHost != null) {
            virtualHost(virtualHost, event);
        }
        WebAccessLogNormaliser.address(event, "source", absent(host));
        put(event, "user.name", absent(user));
        request(request, event);
        event.put("http.response.status_code", Long.parseLong(status));
        put(event, "http.response.body.bytes", absent(bytes));
        if (at < line.length() && line.charAt(at) == '"') {
            put(event, "http.request.referrer", absent(quoted("the referrer")));
            put(event, "user_agent.original", absent(quoted("the user agent")));
        }
        String rest = line.substring(at).strip();
        if (!rest.isEmpty()) {
            // Tomcat's %D (milliseconds, microseconds since Tomcat 10) or %T (seconds): kept, its unit unknown here.
            event.put(rest.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.') ? "http.response.time_taken"
                    : "web.access.trailing", rest);
        }
        WebAccessLogNormaliser.access(event);
    }

    /** Method, target and protocol of the request line; a line that is none ("-", TLS bytes) is kept as written. */
    private static void request(String request, SecurityEvent.Builder event) {
        int first = request.indexOf(' ');
        int last = request.lastIndexOf(' ');
        String method = first > 0 ? request.substring(0, first) : null;
        if (method == null || !method.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-'
                || c == '_')) {
            put(event, "web.access.request", absent(request));
            return;
        }
        event.put("http.request.method", method.toUpperCase(Locale.ROOT));
        String protocol = last > first ? request.substring(last + 1) : "";
        String target;
        if (protocol.regionMatches(true, 0, "HTTP/", 0, 5)) {
            event.put("http.version", WebAccessLogNormaliser.httpVersion(protocol));
            target = request.substring(first + 1, last);
        } else {
            // HTTP/0.9 has no protocol; a target with blanks in it belongs to the target.
            target = request.substring(first + 1);
        }
        UrlFields.put(target.strip(), event);
    }

    /** How many blank-separated tokens come before the '[' of the time: 3 in the common format, 4 after a vhost. */
    private int tokensBeforeTime() {
        int bracket = line.indexOf(" [");
        if (bracket < 0) {
            return -1;
        }
        int tokens = 1;
        for (int i = 0; i < bracket; i++) {
            if (line.charAt(i) == ' ') {
                tokens++;
            }
        }
        return tokens;
    }

    private static void virtualHost(String site, SecurityEvent.Builder event) {
        int colon = site.lastIndexOf(':');
        String port = colon > 0 ? site.substring(colon + 1) : "";
        if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            event.put("destination.port", Long.parseLong(port));
            site = site.substring(0, colon);
        }
        event.put("url.domain", site.toLowerCase(Locale.ROOT));
        event.put("destination.domain", site.toLowerCase(Locale.ROOT));
    }

    private long timestamp(String time) throws RejectedEventException {
        try {
            return EventTime.inRange(OffsetDateTime.parse(time, TIME).toInstant().toEpochMilli(), "access log time");
        } catch (DateTimeException e) {
            throw EventTime.bad("access log time", time);
        }
    }

    private String token(String what) throws RejectedEventException {
        if (at >= line.length()) {
            throw malformed("the line ends before " + what);
        }
        int end = line.indexOf(' ', at);
        if (end < 0) {
            end = line.length();
        }
        String token = line.substring(at, end);
        at = skipBlanks(end);
        return token;
    }

    private String bracketed(String what) throws RejectedEventException {
        if (at >= line.length() || line.charAt(at) != '[') {
            throw malformed("expected '[' and " + what + " at column " + (at + 1));
        }
        int close = line.indexOf(']', at);
        if (close < 0) {
            throw malformed(what + " has no closing ']'");
        }
        String value = line.substring(at + 1, close);
        at = skipBlanks(close + 1);
        return value;
    }

    /** A double-quoted value in which the server escaped '"' and '\' with a backslash. */
    private String quoted(String what) throws RejectedEventException {
        if (at >= line.length() || line.charAt(at) != '"') {
            throw malformed("expected '\"' and " + what + " at column " + (at + 1));
        }
        StringBuilder value = new StringBuilder();
        for (int i = at + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                value.append(line.charAt(++i));
            } else if (c == '"') {
                at = skipBlanks(i + 1);
                return value.toString();
            } else {
                value.append(c);
            }
        }
        throw malformed(what + " has no closing '\"'");
    }

    private int skipBlanks(int from) {
        int i = from;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static String absent(String value) {
        return value == null || value.isEmpty() || value.equals("-") ? null : value;
    }

    private static void put(SecurityEvent.Builder event, String field, Object value) {
        if (value != null) {
            event.put(field, value);
        }
    }

    private static RejectedEventException malformed(String message) {
        return new RejectedEventException(DeadLetterReason.MALFORMED_LINE, "not a common or combined log format "
                + "line: " + message);
    }
}
