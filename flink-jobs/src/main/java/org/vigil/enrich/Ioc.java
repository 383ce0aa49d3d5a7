package org.vigil.enrich;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One indicator of compromise from an intelligence feed: an IP address or prefix, a domain, a URL or a file hash,
 * with its source, confidence (0–100) and optional expiry.
 *
 * @param value the indicator in canonical form: IP text, lower-case domain, the URL as given, lower-case hex hash
 * @param expires the instant from which the indicator no longer matches (by event time), or null for never
 */
public record Ioc(IocType type, String value, String source, int confidence, Instant expires) implements ReferenceRecord {
    private static final long serialVersionUID = 1L;

    /** The fields of an IOC file, in order; {@code expires} may be empty. */
    public static final List<String> FIELDS = List.of("type", "value", "source", "confidence", "expires");

    static final String KEY_PREFIX = "ioc:";

    @Override
    public String key() {
        return KEY_PREFIX + type.label() + ":" + value;
    }

    /** Whether the indicator still matches an event at {@code eventTimeMillis}. */
    public boolean isActiveAt(long eventTimeMillis) {
        return expires == null || eventTimeMillis < expires.toEpochMilli();
    }

    @Override
    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("type", type.label());
        f.put("value", value);
        f.put("source", source);
        f.put("confidence", Integer.toString(confidence));
        if (expires != null) {
            f.put("expires", expires.toString());
        }
        return f;
    }

    static Ioc fromRow(Map<String, String> values, List<FieldError> errors) {
        RecordRow row = new RecordRow(values, FIELDS);
        IocType type = row.oneOf("type", IocType.LABELS, IocType::ofLabel);
        String value = type == null ? row.optional("value") : canonicalValue(row, type);
        String source = row.required("source");
        int confidence = row.integer("confidence", 0, 100);
        Instant expires = row.instant("expires", false);
        errors.addAll(row.errors());
        return row.errors().isEmpty() ? new Ioc(type, value, source, confidence, expires) : null;
    }

    private static String canonicalValue(RecordRow row, IocType type) {
        String v = row.required("value");
        if (v == null) {
            return null;
        }
        switch (type) {
            case IP: {
                IpPrefix prefix = row.prefix("value", v);
                return prefix == null ? null : prefix.toString();
            }
            case DOMAIN:
                try {
                    return HostNames.canonical(v);
                } catch (IllegalArgumentException e) {
                    row.error("value", e.getMessage());
                    return null;
                }
            case URL:
                if (!v.matches("(?i)[a-z][a-z0-9+.-]*://\\S+")) {
                    row.error("value", "must be an absolute URL such as http://host/path, got '" + v + "'");
                    return null;
                }
                return v;
            case HASH: {
                String h = v.toLowerCase(Locale.ROOT);
                if (!h.matches("[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}")) {
                    row.error("value", "must be an MD5, SHA-1 or SHA-256 hash in hex (32, 40 or 64 digits), got '" + v + "'");
                    return null;
                }
                return h;
            }
            default:
                throw new AssertionError(type);
        }
    }
}
