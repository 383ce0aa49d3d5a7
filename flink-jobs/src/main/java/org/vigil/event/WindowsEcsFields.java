package org.vigil.event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The ECS fields one Windows event maps to, cleaned on the way in the same way for every source shape. */
final class WindowsEcsFields {

    private static final String MAPPED_IPV4 = "::ffff:";

    private final Map<String, Object> fields = new LinkedHashMap<>();

    /** The value, or null when Windows logged nothing: absent, blank, or the "-" it writes for "not applicable". */
    static String clean(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        return trimmed.isEmpty() || "-".equals(trimmed) ? null : trimmed;
    }

    Map<String, Object> asMap() {
        return fields;
    }

    /** Sets a field unless the value is absent; text is cleaned first. */
    void set(String field, Object value) {
        Object v = value instanceof String s ? clean(s) : value;
        if (v != null) {
            fields.put(field, v);
        }
    }

    void categorise(List<String> category, List<String> type, String action) {
        fields.put("event.category", category);
        fields.put("event.type", type);
        fields.put("event.action", action);
    }

    /** An address, with the IPv4-mapped IPv6 form Windows logs for IPv4 peers ({@code ::ffff:10.0.0.5}) unwrapped. */
    void ip(String field, String value) {
        set(field, address(value));
    }

    static String address(String value) {
        String ip = clean(value);
        if (ip != null && ip.regionMatches(true, 0, MAPPED_IPV4, 0, MAPPED_IPV4.length())
                && ip.indexOf('.') > 0) {
            ip = ip.substring(MAPPED_IPV4.length());
        }
        return ip;
    }

    /** Adds a value to a multi-valued field. */
    void add(String field, String value) {
        String v = clean(value);
        if (v == null) {
            return;
        }
        List<String> values = new ArrayList<>();
        if (fields.get(field) instanceof List<?> existing) {
            existing.forEach(x -> values.add(String.valueOf(x)));
        }
        if (!values.contains(v)) {
            values.add(v);
        }
        fields.put(field, List.copyOf(values));
    }

    /** A port; 0 is what Windows logs when there was no network peer, so it counts as absent. */
    void port(String field, String value) {
        String port = clean(value);
        if (port != null && !"0".equals(port)) {
            fields.put(field, port);
        }
    }

    /**
     * A user name and domain; a combined {@code DOMAIN\name} is split when no separate domain was logged, so
     * the same account has the same {@code user.name} whichever event it appears in.
     */
    void user(String prefix, String name, String domain) {
        String n = clean(name);
        String d = clean(domain);
        if (n != null && n.indexOf('\\') > 0) {
            int slash = n.indexOf('\\');
            d = d == null ? n.substring(0, slash) : d;
            n = n.substring(slash + 1);
        }
        set(prefix + ".name", n);
        set(prefix + ".domain", d);
    }

    /** An executable's path and file name under {@code prefix} ({@code process}, {@code process.parent}). */
    void executable(String prefix, String path) {
        String p = clean(path);
        if (p != null) {
            fields.put(prefix + ".executable", p);
            set(prefix + ".name", fileName(p));
        }
    }

    /** A process id, logged in hex ({@code 0x1a2c}) by Security auditing and in decimal by Sysmon. */
    void pid(String field, String value) {
        String v = clean(value);
        if (v == null) {
            return;
        }
        try {
            boolean hex = v.regionMatches(true, 0, "0x", 0, 2);
            fields.put(field, hex ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field " + field + " must be a process id, got '" + value + "'");
        }
    }

    /**
     * Sysmon's {@code SHA1=..,MD5=..,SHA256=..,IMPHASH=..} list as {@code <prefix>.hash.*}, in lower case because
     * hash IOCs are published and matched in lower case.
     */
    void hashes(String prefix, String value) {
        String v = clean(value);
        if (v == null) {
            return;
        }
        for (String pair : v.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String algorithm = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String hash = pair.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
            set("imphash".equals(algorithm) ? prefix + ".pe.imphash" : prefix + ".hash." + algorithm, hash);
        }
    }

    /** The last element of a Windows (or Unix) path. */
    static String fileName(String path) {
        return path.substring(Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/')) + 1);
    }
}
