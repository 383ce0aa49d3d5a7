package org.vigil.event;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The syslog header in front of a message such as a CEF record, as RFC 5424 or RFC 3164 (BSD) senders write it:
 * the sender's time when it is a full ISO-8601 time, and its host name.
 *
 * @param isoTime the header's time when it is ISO-8601 (RFC 5424, or an RFC 3339 time as rsyslog writes in BSD
 *     headers); null for a BSD time ({@code Mar  2 09:00:00}), which has neither year nor zone
 * @param host the sender's host name, or null
 */
record SyslogHeader(String isoTime, String host) {

    /** No header: the message starts the line. */
    static final SyslogHeader NONE = new SyslogHeader(null, null);

    /** Longer text before a message is no syslog header (a header is a few dozen characters, structured data aside). */
    static final int MAX_LENGTH = 2048;

    private static final Pattern PRI_ONLY = Pattern.compile("<\\d{1,3}>");
    // <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA, then the message, maybe after a BOM.
    private static final Pattern RFC_5424 = Pattern.compile(
            "<\\d{1,3}>\\d{1,2} (\\S++) (\\S++) \\S++ \\S++ \\S++ (?:-|\\[.*\\])(?: \\x{FEFF}?)?");
    // [<PRI>]TIMESTAMP [HOST] [TAG:] with a BSD time (day padded with a blank or not, some senders add a year) or
    // an RFC 3339 time.
    private static final Pattern RFC_3164 = Pattern.compile("(?:<\\d{1,3}>)?(?:[A-Z][a-z]{2} {1,2}\\d{1,2}"
            + "(?: \\d{4})? \\d{2}:\\d{2}:\\d{2}|(\\d{4}-\\d{2}-\\d{2}T\\S++)) (?:(\\S++) )?(?:\\S++ )?");

    // A program's line sent through syslog: the header as above, then the program's tag ("nginx:", "httpd[42]:").
    private static final Pattern TAGGED_3164 = Pattern.compile("(?:<\\d{1,3}>)?(?:[A-Z][a-z]{2} {1,2}\\d{1,2}"
            + "(?: \\d{4})? \\d{2}:\\d{2}:\\d{2}|(\\d{4}-\\d{2}-\\d{2}T\\S++)) (\\S++) [^ :\\[]++(?:\\[\\d++\\])?: ");
    private static final Pattern TAGGED_5424 = Pattern.compile(
            "<\\d{1,3}>\\d{1,2} (\\S++) (\\S++) \\S++ \\S++ \\S++ (?:-|(?:\\[[^\\]]*+\\])++) \\x{FEFF}?");

    /** A syslog header at the start of a line, and where the program's message after it starts. */
    record Prefixed(SyslogHeader header, int messageStart) {}

    /**
     * The syslog header and program tag a line starts with, when a program (nginx, Apache) sends its log lines
     * through syslog; null when the line does not start with one.
     */
    static Prefixed strip(String line) {
        if (line.isEmpty() || line.charAt(0) != '<' && (line.charAt(0) < 'A' || line.charAt(0) > 'Z')
                && (line.charAt(0) < '0' || line.charAt(0) > '9')) {
            return null;
        }
        Matcher m = TAGGED_5424.matcher(line);
        if (m.lookingAt()) {
            return new Prefixed(new SyslogHeader(nil(m.group(1)), nil(m.group(2))), m.end());
        }
        m = TAGGED_3164.matcher(line);
        if (m.lookingAt()) {
            return new Prefixed(new SyslogHeader(m.group(1), m.group(2)), m.end());
        }
        return null;
    }

    /** The header that makes up all of {@code prefix} (the text before the message), or null when it is none. */
    static SyslogHeader parse(String prefix) {
        if (prefix.isEmpty()) {
            return NONE;
        }
        if (prefix.length() > MAX_LENGTH) {
            return null;
        }
        if (PRI_ONLY.matcher(prefix).matches()) {
            return NONE;
        }
        Matcher m = RFC_5424.matcher(prefix);
        if (m.matches()) {
            return new SyslogHeader(nil(m.group(1)), nil(m.group(2)));
        }
        m = RFC_3164.matcher(prefix);
        if (m.matches()) {
            return new SyslogHeader(m.group(1), m.group(2));
        }
        return null;
    }

    private static String nil(String value) {
        return "-".equals(value) ? null : value;
    }
}
