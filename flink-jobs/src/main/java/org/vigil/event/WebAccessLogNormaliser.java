package org.vigil.event;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Maps web server access log lines onto ECS, recognising the shape of each line: Apache, Nginx and Tomcat common
 * and combined log format, and IIS W3C extended log format laid out by its {@code #Fields:} header; either may come
 * behind a syslog header with the server's tag.
 */
public final class WebAccessLogNormaliser implements LineNormaliser<IisW3cHeader> {

    private static final Pattern CLF_START = Pattern.compile("(?:\\S++ )?\\S++ \\S++ \\S++ \\[");
    private static final Pattern IIS_START = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} ");

    @Override
    public EventFormat format() {
        return EventFormat.WEB;
    }

    @Override
    public String shapes() {
        return "web access log (Apache/Nginx/Tomcat common or combined log format, or IIS W3C extended "
                + "after its #Fields: header, optionally behind a syslog header)";
    }

    @Override
    public IisW3cHeader defaultHeader() {
        return IisW3cHeader.DEFAULT;
    }

    @Override
    public boolean isHeaderLine(String line) {
        return IisW3cHeader.isDirective(line);
    }

    @Override
    public IisW3cHeader readHeader(String line, IisW3cHeader current) throws RejectedEventException {
        return current.read(line);
    }

    @Override
    public boolean recognises(String line, IisW3cHeader header) {
        String access = withoutSyslogHeader(line);
        return isIis(access, header) || CLF_START.matcher(access).lookingAt();
    }

    @Override
    public void normalise(String record, IisW3cHeader header, SecurityEvent.Builder event) throws RejectedEventException {
        SyslogHeader.Prefixed syslog = SyslogHeader.strip(record);
        String line = record;
        if (syslog != null) {
            // The web server sent its log through syslog ("access_log syslog:server=..."): the sender is the server.
            line = record.substring(syslog.messageStart());
            if (syslog.header().host() != null) {
                event.put("host.name", syslog.header().host());
            }
        }
        // The access line as the server wrote it: Sigma's keyword searches on web server rules read it.
        event.put("event.original", line);
        if (isIis(line, header)) {
            IisW3cLine.normalise(line, header, event);
        } else if (CLF_START.matcher(line).lookingAt()) {
            CommonLogLine.normalise(line, event);
        } else {
            throw new RejectedEventException(DeadLetterReason.MALFORMED_LINE, "not a " + shapes() + ": the line "
                    + "starts '" + LineRecord.start(record) + "'");
        }
    }

    private static String withoutSyslogHeader(String line) {
        SyslogHeader.Prefixed syslog = SyslogHeader.strip(line);
        return syslog == null ? line : line.substring(syslog.messageStart());
    }

    // IIS lines start with their date and time; a log whose header put other fields first is known by its header.
    private static boolean isIis(String line, IisW3cHeader header) {
        return IIS_START.matcher(line).lookingAt() || header.declared() && !line.startsWith("#")
                && IisW3cLine.valueCount(line) == header.fields().size();
    }

    /** The ECS fields every access log line shares: a web access, failed when the server answered 400 or above. */
    static void access(SecurityEvent.Builder event) {
        event.put("event.kind", "event");
        event.add("event.category", "web");
        event.add("event.type", "access");
        Object status = event.get("http.response.status_code");
        if (status instanceof Long code) {
            event.put("event.outcome", code < 400 ? "success" : "failure");
        }
    }

    /** An address field: source.ip for an IP literal, otherwise the host name (HostnameLookups) in the domain. */
    static void address(SecurityEvent.Builder event, String side, String text) {
        if (text == null) {
            return;
        }
        event.put(side + ".address", text);
        String ip = IpAddress.normalise(text);
        if (ip != null) {
            event.put(side + ".ip", ip);
        } else {
            event.put(side + ".domain", text.toLowerCase(Locale.ROOT));
        }
    }

    /** The version of an HTTP protocol name: "1.1" for "HTTP/1.1". */
    static String httpVersion(String protocol) {
        return protocol.regionMatches(true, 0, "HTTP/", 0, 5) ? protocol.substring(5) : protocol;
    }
}
