package org.vigil.event;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a {@link WindowsEvent} onto ECS the same way whichever JSON shape it came in: generic fields for every
 * event, and per log and event id the categorisation, users, addresses and processes rules look for.
 */
final class WindowsEventMapping {

    static final String SECURITY = "Security";
    static final String SYSTEM = "System";
    static final String APPLICATION = "Application";
    static final String SYSMON = "Microsoft-Windows-Sysmon/Operational";

    private static final String CHANNEL_PREFIX = "Microsoft-Windows-";
    private static final Pattern MSSQL_USER = Pattern.compile("Login failed for user '([^']*)'");
    private static final Pattern MSSQL_CLIENT = Pattern.compile("\\[CLIENT:\\s*([^\\]\\s]+)\\s*]");

    private WindowsEventMapping() {}

    /** The ECS fields of the event (its event data is not included: each shape carries that itself). */
    static Map<String, Object> map(WindowsEvent e) {
        WindowsEcsFields out = new WindowsEcsFields();
        String channel = canonicalChannel(e.channel());
        String log = channel != null ? channel : inferChannel(e.provider());
        out.set("winlog.channel", channel);
        out.set("winlog.event_id", e.eventId());
        out.set("winlog.provider_name", e.provider());
        out.set("winlog.computer_name", e.computer());
        out.set("event.kind", "event");
        out.set("event.code", e.eventId() == null ? null : String.valueOf(e.eventId()));
        out.set("event.provider", e.provider());
        out.set("event.module", SYSMON.equals(log) ? "sysmon" : "windows");
        out.set("event.dataset", log == null ? "windows" : "windows." + datasetName(log));
        out.set("message", e.message());
        out.set("host.os.family", "windows");
        hostName(e.computer(), out);
        e.recordFields().forEach(out::set);
        // Event ids are 16-bit; anything larger is not one the per-id mapping knows, whatever its low bits.
        if (e.eventId() != null && e.eventId() >= 0 && e.eventId() <= 0xFFFF) {
            mapById(log, e, out);
        }
        return out.asMap();
    }

    private static void mapById(String log, WindowsEvent e, WindowsEcsFields out) {
        long id = e.eventId();
        String provider = e.provider() == null ? "" : e.provider();
        if (SECURITY.equals(log)) {
            SecurityAuditMapping.map(id, e, out);
        } else if (SYSMON.equals(log)) {
            SysmonMapping.map(id, e, out);
        } else if (SYSTEM.equals(log) && id == 7045) {
            serviceInstalled(e, out);
        } else if (SYSTEM.equals(log) && id == 104 && provider.equals("Microsoft-Windows-Eventlog")) {
            out.categorise(List.of("iam"), List.of("admin", "change"), "audit-log-cleared");
            out.user("user", e.data("SubjectUserName"), e.data("SubjectDomainName"));
        } else if (id == 18456 && provider.toUpperCase(Locale.ROOT).startsWith("MSSQL")) {
            mssqlLoginFailed(e, out);
        }
    }

    private static void serviceInstalled(WindowsEvent e, WindowsEcsFields out) {
        out.categorise(List.of("iam", "configuration"), List.of("admin", "change"), "service-installed");
        out.set("event.outcome", "success");
        out.set("service.name", e.data("ServiceName"));
        out.set("service.type", e.data("ServiceType"));
        String image = WindowsEcsFields.clean(e.data("ImagePath"));
        if (image != null && image.startsWith("\"") && image.indexOf('"', 1) > 1) {
            // A quoted image path carries arguments after the quotes; the executable is what is inside.
            out.executable("process", image.substring(1, image.indexOf('"', 1)));
            out.set("process.command_line", image);
        } else {
            out.executable("process", image);
        }
        out.user("user", e.data("AccountName"), null);
    }

    /** SQL Server logs the login and client only in the message text and its unnamed insertion strings. */
    private static void mssqlLoginFailed(WindowsEvent e, WindowsEcsFields out) {
        out.categorise(List.of("authentication"), List.of("start"), "logon-failed");
        out.set("event.outcome", "failure");
        StringBuilder text = new StringBuilder(e.message() == null ? "" : e.message());
        e.data().values().forEach(v -> text.append('\n').append(v));
        Matcher user = MSSQL_USER.matcher(text);
        // Without the rendered message (evtx converters), the first insertion string is the login name.
        out.user("user", user.find() ? user.group(1) : e.data("param1"), null);
        Matcher client = MSSQL_CLIENT.matcher(text);
        if (client.find() && !"<local machine>".equalsIgnoreCase(client.group(1))) {
            out.ip("source.ip", client.group(1));
        }
    }

    /** The canonical spelling of the well-known logs, so rules need not care how a shipper cased them. */
    static String canonicalChannel(String channel) {
        String c = WindowsEcsFields.clean(channel);
        if (c == null) {
            return null;
        }
        for (String known : List.of(SECURITY, SYSTEM, APPLICATION, SYSMON)) {
            if (known.equalsIgnoreCase(c)) {
                return known;
            }
        }
        return c;
    }

    /** The log a record without a channel came from, known by its provider; null when it cannot be told. */
    private static String inferChannel(String provider) {
        String p = provider == null ? "" : provider.toLowerCase(Locale.ROOT);
        if (p.equals("microsoft-windows-security-auditing") || p.equals("microsoft-windows-eventlog")) {
            return SECURITY;
        }
        if (p.contains("sysmon")) {
            return SYSMON;
        }
        if (p.equals("service control manager")) {
            return SYSTEM;
        }
        return p.startsWith("mssql") ? APPLICATION : null;
    }

    /** {@code Microsoft-Windows-Sysmon/Operational} becomes {@code sysmon_operational}, as Elastic names it. */
    private static String datasetName(String channel) {
        String name = channel.regionMatches(true, 0, CHANNEL_PREFIX, 0, CHANNEL_PREFIX.length())
                ? channel.substring(CHANNEL_PREFIX.length()) : channel;
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    /** Windows names are case-insensitive: lower case, so a host is one entity whichever log names it. */
    private static void hostName(String computer, WindowsEcsFields out) {
        String name = WindowsEcsFields.clean(computer);
        if (name == null) {
            return;
        }
        name = name.toLowerCase(Locale.ROOT);
        out.set("host.name", name);
        int dot = name.indexOf('.');
        out.set("host.hostname", dot > 0 ? name.substring(0, dot) : name);
    }
}
