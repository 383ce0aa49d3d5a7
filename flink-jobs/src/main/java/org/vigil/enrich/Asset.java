package org.vigil.enrich;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of the asset inventory: an IP address, CIDR prefix or host name, and the information system it belongs
 * to with its owning agency, system type, security level (1–5, national classification) and criticality.
 *
 * @param entry the IP, CIDR prefix (canonical text) or host name (lower case) this entry matches
 */
public record Asset(String entry, String systemName, String agency, SystemType systemType, int securityLevel,
        Criticality criticality) implements ReferenceRecord {
    private static final long serialVersionUID = 1L;

    /** The fields of an asset file, in order. */
    public static final List<String> FIELDS =
            List.of("asset", "system_name", "agency", "system_type", "security_level", "criticality");

    static final String KEY_PREFIX = "asset:";

    @Override
    public String key() {
        return KEY_PREFIX + entry;
    }

    /** Whether {@link #entry} is an IP address or prefix rather than a host name. */
    public boolean isIpEntry() {
        return IpPrefix.looksLikeIp(entry);
    }

    @Override
    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("asset", entry);
        f.put("system_name", systemName);
        f.put("agency", agency);
        f.put("system_type", systemType.label());
        f.put("security_level", Integer.toString(securityLevel));
        f.put("criticality", criticality.label());
        return f;
    }

    static Asset fromRow(Map<String, String> values, List<FieldError> errors) {
        RecordRow row = new RecordRow(values, FIELDS);
        String entry = entry(row, "asset");
        String systemName = row.required("system_name");
        String agency = row.required("agency");
        SystemType type = row.oneOf("system_type", SystemType.LABELS, SystemType::ofLabel);
        int level = row.integer("security_level", 1, 5);
        Criticality criticality = row.oneOf("criticality", Criticality.LABELS, Criticality::ofLabel);
        errors.addAll(row.errors());
        return row.errors().isEmpty() ? new Asset(entry, systemName, agency, type, level, criticality) : null;
    }

    /** An IP, CIDR prefix or host name in canonical text; null (and an error) otherwise. */
    static String entry(RecordRow row, String field) {
        String text = row.required(field);
        if (text == null) {
            return null;
        }
        if (IpPrefix.looksLikeIp(text)) {
            IpPrefix prefix = row.prefix(field, text);
            return prefix == null ? null : prefix.toString();
        }
        try {
            return HostNames.canonical(text);
        } catch (IllegalArgumentException e) {
            row.error(field, "must be an IP address, a CIDR prefix or a host name, got '" + text + "'");
            return null;
        }
    }
}
