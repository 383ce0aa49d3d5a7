package org.vigil.enrich;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One IP address on a version of the national botnet IP list, with the botnet family and when the list's publisher
 * first and last saw it.
 *
 * @param ip the address, canonical text
 * @param listVersion the list's month, {@code YYYY-MM}
 */
public record BotnetEntry(String ip, String family, Instant firstSeen, Instant lastSeen, String listVersion)
        implements ReferenceRecord {
    private static final long serialVersionUID = 1L;

    /** The fields of a botnet-list file, in order. */
    public static final List<String> FIELDS = List.of("ip", "family", "first_seen", "last_seen", "list_version");

    static final String KEY_PREFIX = "botnet:";
    static final Pattern VERSION = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");

    @Override
    public String key() {
        return KEY_PREFIX + listVersion + ":" + ip;
    }

    @Override
    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("ip", ip);
        f.put("family", family);
        f.put("first_seen", firstSeen.toString());
        f.put("last_seen", lastSeen.toString());
        f.put("list_version", listVersion);
        return f;
    }

    static BotnetEntry fromRow(Map<String, String> values, List<FieldError> errors) {
        RecordRow row = new RecordRow(values, FIELDS);
        String ipText = row.required("ip");
        IpPrefix ip = row.prefix("ip", ipText);
        if (ip != null && !ip.isHost()) {
            row.error("ip", "must be a single address, got the prefix '" + ipText + "'");
        }
        String family = row.required("family");
        Instant first = row.instant("first_seen", true);
        Instant last = row.instant("last_seen", true);
        if (first != null && last != null && last.isBefore(first)) {
            row.error("last_seen", "is before first_seen (" + last + " < " + first + ")");
        }
        String version = listVersion(row, "list_version");
        errors.addAll(row.errors());
        return row.errors().isEmpty() ? new BotnetEntry(ip.toString(), family, first, last, version) : null;
    }

    static String listVersion(RecordRow row, String field) {
        String v = row.required(field);
        if (v != null && !VERSION.matcher(v).matches()) {
            row.error(field, "must be the list's month as YYYY-MM, e.g. 2026-11, got '" + v + "'");
            return null;
        }
        return v;
    }
}
