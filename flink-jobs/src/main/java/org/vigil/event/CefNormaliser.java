package org.vigil.event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps ArcSight Common Event Format lines ({@code CEF:Version|Device Vendor|Device Product|Device Version|Signature
 * ID|Name|Severity|Extension}), optionally behind a syslog header, onto ECS; every extension is also kept under
 * {@code cef.extensions.*}.
 */
public final class CefNormaliser implements LineNormaliser<Void> {

    static final String PREFIX = "cef.extensions";
    private static final String MARKER = "CEF:";
    private static final int HEADER_FIELDS = 7;
    private static final String HEADER_SHAPE =
            "Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension";

    // Full key names of the CEF dictionary that some devices write instead of the short ones.
    private static final Map<String, String> FULL_NAMES = Map.ofEntries(
            Map.entry("sourceAddress", "src"), Map.entry("destinationAddress", "dst"),
            Map.entry("sourcePort", "spt"), Map.entry("destinationPort", "dpt"),
            Map.entry("sourceHostName", "shost"), Map.entry("destinationHostName", "dhost"),
            Map.entry("sourceUserName", "suser"), Map.entry("destinationUserName", "duser"),
            Map.entry("deviceAction", "act"), Map.entry("eventOutcome", "outcome"),
            Map.entry("transportProtocol", "proto"), Map.entry("applicationProtocol", "app"),
            Map.entry("requestUrl", "request"), Map.entry("deviceReceiptTime", "rt"),
            Map.entry("startTime", "start"), Map.entry("endTime", "end"),
            Map.entry("deviceHostName", "dvchost"), Map.entry("deviceAddress", "dvc"),
            Map.entry("fileName", "fname"), Map.entry("message", "msg"), Map.entry("bytesIn", "in"),
            Map.entry("bytesOut", "out"), Map.entry("deviceEventCategory", "cat"),
            Map.entry("deviceTimeZone", "dtz"));
    private static final Set<String> DENIED = Set.of("deny", "denied", "drop", "dropped", "block", "blocked",
            "reject", "rejected", "reset", "prevent", "prevented", "quarantine", "quarantined");
    private static final Set<String> ALLOWED = Set.of("allow", "allowed", "accept", "accepted", "permit",
            "permitted", "pass", "passed", "alert", "alerted", "detect", "detected", "log", "logged");

    @Override
    public EventFormat format() {
        return EventFormat.CEF;
    }

    @Override
    public String shapes() {
        return "CEF (" + MARKER + HEADER_SHAPE + ", optionally behind an RFC 3164 or RFC 5424 syslog header)";
    }

    @Override
    public Void defaultHeader() {
        return null;
    }

    @Override
    public boolean recognises(String line, Void header) {
        int at = line.indexOf(MARKER);
        return at >= 0 && at <= SyslogHeader.MAX_LENGTH && headerStart(line, at) > 0
                && SyslogHeader.parse(line.substring(0, at)) != null;
    }

    @Override
    public void normalise(String line, Void header, SecurityEvent.Builder event) throws RejectedEventException {
        int at = line.indexOf(MARKER);
        int headerStart = at < 0 ? -1 : headerStart(line, at);
        if (headerStart < 0) {
            throw malformed("line has no '" + MARKER + "' followed by a version and '|'");
        }
        SyslogHeader syslog = at <= SyslogHeader.MAX_LENGTH ? SyslogHeader.parse(line.substring(0, at)) : null;
        if (syslog == null) {
            throw malformed("the text before '" + MARKER + "' is not a syslog header: '"
                    + CefExtension.shorten(line.substring(0, at)) + "'");
        }
        List<String> fields = new ArrayList<>(HEADER_FIELDS);
        int extensionStart = headerFields(line, headerStart, fields);
        if (fields.size() < HEADER_FIELDS - 1) {
            throw malformed("the CEF header has " + (fields.size() + 1) + " of its " + HEADER_FIELDS + " fields ("
                    + HEADER_SHAPE + ")");
        }
        Map<String, String> written = CefExtension.parse(line.substring(extensionStart));
        Map<String, String> ext = new HashMap<>(written);
        FULL_NAMES.forEach((full, key) -> {
            String value = written.get(full);
            if (value != null && !written.containsKey(key)) {
                ext.put(key, value);
            }
        });

        event.put("event.kind", "event");
        event.put("event.module", "cef");
        event.put("event.dataset", "cef.log");
        event.put("cef.version", line.substring(at + MARKER.length(), headerStart - 1).trim());
        mapHeader(fields, event);
        mapTime(ext, syslog, event);
        mapNetwork(ext, event);
        mapUsers(ext, event);
        mapWeb(ext, event);
        mapFile(ext, event);
        mapObserver(ext, syslog, event);
        String action = ext.get("act");
        put(event, "event.action", action);
        if (action != null) {
            String verdict = action.toLowerCase(Locale.ROOT);
            event.add("event.type", DENIED.contains(verdict) ? "denied" : ALLOWED.contains(verdict) ? "allowed" : null);
        }
        put(event, "event.outcome", outcome(ext.get("outcome")));
        put(event, "message", ext.get("msg"));
        keepExtensions(written, event);
    }

    /** Where the header fields start: after "CEF:", the version (blanks allowed around it) and a '|'; else -1. */
    private static int headerStart(String line, int at) {
        int i = at + MARKER.length();
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        int digits = i;
        while (i < line.length() && (line.charAt(i) >= '0' && line.charAt(i) <= '9' || line.charAt(i) == '.')) {
            i++;
        }
        if (i == digits) {
            return -1;
        }
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i < line.length() && line.charAt(i) == '|' ? i + 1 : -1;
    }

    /**
     * Reads the six header fields after the version into {@code fields}, unescaping {@code \|} and {@code \\};
     * returns where the extension starts (after the seventh '|').
     */
    private static int headerFields(String line, int from, List<String> fields) {
        StringBuilder field = new StringBuilder();
        int i = from;
        while (i < line.length() && fields.size() < HEADER_FIELDS - 1) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '|' || line.charAt(i + 1) == '\\')) {
                field.append(line.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '|') {
                fields.add(field.toString().trim());
                field.setLength(0);
            } else {
                field.append(c);
            }
            i++;
        }
        if (fields.size() < HEADER_FIELDS - 1 && field.length() > 0) {
            // Some senders end a record without extension at the severity, leaving out the last '|'; before the
            // severity, the field only counts towards the message of a record cut short.
            fields.add(field.toString().trim());
        }
        return i;
    }

    private static void mapHeader(List<String> fields, SecurityEvent.Builder event) throws RejectedEventException {
        put(event, "observer.vendor", fields.get(0));
        put(event, "observer.product", fields.get(1));
        put(event, "observer.version", fields.get(2));
        // The signature id names the kind of event (an IDS signature, a firewall log id), the name says what it is.
        put(event, "event.code", fields.get(3));
        put(event, "rule.id", fields.get(3));
        put(event, "rule.name", fields.get(4));
        put(event, "cef.name", fields.get(4));
        String severity = fields.get(5);
        put(event, "cef.severity", severity);
        Long level = severity(severity);
        if (level != null) {
            event.put("event.severity", level);
        }
    }

    /** Severity 0-10, or the CEF words mapped to the top of their band (Low 0-3, Medium 4-6, High 7-8, Very-High 9-10). */
    private static Long severity(String text) throws RejectedEventException {
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() <= 2 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long level = Long.parseLong(text);
            if (level <= 10) {
                return level;
            }
        }
        switch (text.toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-')) {
            case "unknown":
                return null;
            case "low":
                return 3L;
            case "medium":
                return 6L;
            case "high":
                return 8L;
            case "very-high":
                return 10L;
            default:
                throw new RejectedEventException(DeadLetterReason.BAD_FIELD, "CEF severity must be 0 to 10 or Unknown, "
                        + "Low, Medium, High or Very-High, got '" + CefExtension.shorten(text) + "'");
        }
    }

    private static void mapTime(Map<String, String> ext, SyslogHeader syslog, SecurityEvent.Builder event)
            throws RejectedEventException {
        String zone = ext.get("dtz");
        // rt is when the device logged the event; end and start belong to the activity (a connection's close).
        for (String key : List.of("rt", "end", "start")) {
            String value = ext.get(key);
            if (value != null && !value.isEmpty()) {
                long millis = CefTime.parse(value, "CEF " + key, zone);
                if (!event.hasTimestamp()) {
                    event.timestampMillis(millis);
                }
                if (!key.equals("rt")) {
                    event.put("event." + key, java.time.Instant.ofEpochMilli(millis).toString());
                }
            }
        }
        if (!event.hasTimestamp() && syslog.isoTime() != null) {
            event.timestampMillis(EventTime.parse(syslog.isoTime(), "syslog header time"));
        }
        if (!event.hasTimestamp()) {
            throw new RejectedEventException(DeadLetterReason.MISSING_TIMESTAMP, "CEF record has no rt, end or start, "
                    + "and no syslog header with a full ISO-8601 time");
        }
    }

    private static void mapNetwork(Map<String, String> ext, SecurityEvent.Builder event) {
        ip(event, "source.ip", "src", ext);
        port(event, "source.port", "spt", ext);
        put(event, "source.domain", ext.get("shost"));
        put(event, "source.mac", ext.get("smac"));
        ip(event, "destination.ip", "dst", ext);
        port(event, "destination.port", "dpt", ext);
        put(event, "destination.domain", ext.get("dhost"));
        put(event, "destination.mac", ext.get("dmac"));
        // "in" is what flowed from source to destination, "out" the reverse (CEF's bytesIn/bytesOut).
        put(event, "source.bytes", ext.get("in"));
        put(event, "destination.bytes", ext.get("out"));
        put(event, "network.transport", transport(ext.get("proto")));
        put(event, "network.protocol", lower(ext.get("app")));
        if (event.get("source.ip") != null || event.get("destination.ip") != null) {
            event.add("event.category", "network");
        }
    }

    /**
     * The acting account is {@code suser}; a record with only {@code duser} (an account logging on to the device)
     * names it there. With both, {@code duser} is the account acted on.
     */
    private static void mapUsers(Map<String, String> ext, SecurityEvent.Builder event) {
        String suser = ext.get("suser");
        String duser = ext.get("duser");
        put(event, "source.user.name", suser);
        put(event, "destination.user.name", duser);
        put(event, "user.name", suser != null && !suser.isEmpty() ? suser : duser);
        if (suser != null && !suser.isEmpty() && duser != null && !duser.equals(suser)) {
            put(event, "user.target.name", duser);
        }
    }

    private static void mapWeb(Map<String, String> ext, SecurityEvent.Builder event) {
        String request = ext.get("request");
        if (request != null && !request.isEmpty()) {
            UrlFields.put(request, event);
            event.add("event.category", "web");
        }
        put(event, "http.request.method", upper(ext.get("requestMethod")));
        put(event, "user_agent.original", ext.get("requestClientApplication"));
        put(event, "http.request.referrer", ext.get("requestContext"));
    }

    private static void mapFile(Map<String, String> ext, SecurityEvent.Builder event) {
        put(event, "file.name", ext.get("fname"));
        put(event, "file.path", ext.get("filePath"));
        put(event, "file.size", ext.get("fsize"));
        String hash = ext.get("fileHash");
        if (hash != null && hash.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
            String algorithm = switch (hash.length()) {
                case 32 -> "md5";
                case 40 -> "sha1";
                case 64 -> "sha256";
                default -> null;
            };
            if (algorithm != null) {
                event.put("file.hash." + algorithm, hash.toLowerCase(Locale.ROOT));
            }
        }
    }

    private static void mapObserver(Map<String, String> ext, SyslogHeader syslog, SecurityEvent.Builder event) {
        String host = ext.get("dvchost");
        if (host == null || host.isEmpty()) {
            host = syslog.host();
        }
        put(event, "observer.hostname", host);
        put(event, "observer.name", host);
        String address = IpAddress.normalise(ext.get("dvc"));
        if (address != null) {
            event.add("observer.ip", address);
        }
    }

    /** The transport by name; some firewalls (FortiGate) write its IANA protocol number instead. */
    private static String transport(String proto) {
        if (proto == null) {
            return null;
        }
        return switch (proto.strip()) {
            case "1" -> "icmp";
            case "6" -> "tcp";
            case "17" -> "udp";
            case "58" -> "ipv6-icmp";
            default -> proto.toLowerCase(Locale.ROOT);
        };
    }

    private static String outcome(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String value = text.toLowerCase(Locale.ROOT);
        if (value.startsWith("succ") || value.equals("ok") || value.equals("allowed")) {
            return "success";
        }
        return value.startsWith("fail") || value.equals("denied") ? "failure" : "unknown";
    }

    private static void keepExtensions(Map<String, String> ext, SecurityEvent.Builder event) {
        for (Map.Entry<String, String> e : ext.entrySet()) {
            String key = e.getKey();
            // ArcSight's "ad.name" keys nest; a key with an empty part ("a..b", ".x") would give a nameless object.
            if (key.startsWith(".") || key.endsWith(".") || key.contains("..")) {
                key = key.replace('.', '_');
            }
            put(event, PREFIX + "." + key, e.getValue());
            // cs1..cs6, cn1..cn3 and their kin say what they hold in a label: cs1Label=Rule Name cs1=Block-Any.
            String label = ext.get(e.getKey() + "Label");
            if (label != null && !label.isBlank() && !e.getValue().isEmpty()) {
                event.put("cef.custom." + label.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"),
                        e.getValue());
            }
        }
    }

    private static void ip(SecurityEvent.Builder event, String field, String key, Map<String, String> ext) {
        String text = ext.get(key);
        if (text == null || text.isEmpty()) {
            return;
        }
        String ip = IpAddress.normalise(text);
        if (ip == null) {
            throw new IllegalArgumentException("CEF " + key + " is not an IP address: '" + CefExtension.shorten(text) + "'");
        }
        event.put(field, ip);
    }

    private static void port(SecurityEvent.Builder event, String field, String key, Map<String, String> ext) {
        String text = ext.get(key);
        if (text == null || text.isEmpty()) {
            return;
        }
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(text) > 65535) {
            throw new IllegalArgumentException("CEF " + key + " is not a port number: '" + CefExtension.shorten(text) + "'");
        }
        event.put(field, Long.parseLong(text));
    }

    private static RejectedEventException malformed(String message) {
        return new RejectedEventException(DeadLetterReason.MALFORMED_LINE, "not a CEF record: " + message);
    }

    private static void put(SecurityEvent.Builder event, String field, Object value) {
        if (value != null) {
            event.put(field, value);
        }
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    private static String upper(String value) {
        return value == null ? null : value.toUpperCase(Locale.ROOT);
    }
}
