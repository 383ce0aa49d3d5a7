package org.vigil.enrich;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.vigil.event.FieldType;
import org.vigil.event.SecurityEvent;

/**
 * Adds asset and threat-intelligence context from {@link ReferenceData} to a {@link SecurityEvent}: the inventory
 * entries of its source, destination and host, the target asset with its open known-exploited CVEs, a botnet-list
 * match and the strongest IOC match.
 *
 * <p>Pure: the result depends only on the event (its fields and event time) and the reference data, never on the
 * wall clock, so replays and backtests enrich alike. Fields the enricher owns are removed from the incoming event
 * first, so a source cannot forge asset or intel context.
 */
public final class Enricher implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The sides of an event that can be an inventory asset, in the order they are considered the target. */
    enum Side {
        DESTINATION("destination", List.of("destination.ip"), List.of("destination.domain"), false),
        HOST("host", List.of("host.ip"), List.of("host.name", "host.hostname"), true),
        SOURCE("source", List.of("source.ip"), List.of("source.domain"), false);

        final String name;
        final List<String> ipFields;
        final List<String> nameFields;
        final boolean namesFirst;

        Side(String name, List<String> ipFields, List<String> nameFields, boolean namesFirst) {
            this.name = name;
            this.ipFields = ipFields;
            this.nameFields = nameFields;
            this.namesFirst = namesFirst;
        }
    }

    static final List<String> ASSET_ATTRIBUTES =
            List.of("entry", "name", "agency", "type", "security_level", "criticality");

    public static final String TARGET_ROLE = "vigil.asset.role";
    public static final String TARGET_VULNERABILITIES = "vigil.asset.vulnerability.id";
    public static final String TARGET_MAX_CVSS = "vigil.asset.vulnerability.max_cvss";
    public static final String BOTNET_IP = "vigil.botnet.ip";
    public static final String BOTNET_FAMILY = "vigil.botnet.family";
    public static final String BOTNET_LIST_VERSION = "vigil.botnet.list_version";
    public static final String BOTNET_MATCHED_FIELD = "vigil.botnet.matched_field";
    public static final String INDICATOR_TYPE = "threat.indicator.type";
    public static final String INDICATOR_NAME = "threat.indicator.name";
    public static final String INDICATOR_PROVIDER = "threat.indicator.provider";
    public static final String INDICATOR_CONFIDENCE = "threat.indicator.confidence";
    public static final String MATCHED_FIELD = "threat.enrichments.matched.field";
    public static final String MATCHED_ATOMIC = "threat.enrichments.matched.atomic";
    public static final String INTEL_CONFIDENCE = "vigil.intel.confidence";
    public static final String INTEL_MATCHED_FIELDS = "vigil.intel.matched_fields";

    /** Event fields looked up in the IOC list, by indicator type, in order of preference on equal confidence. */
    static final List<String> IOC_IP_FIELDS = List.of("source.ip", "destination.ip", "host.ip");
    static final List<String> IOC_DOMAIN_FIELDS =
            List.of("destination.domain", "url.domain", "dns.question.name", "tls.client.server_name", "source.domain");
    static final List<String> IOC_URL_FIELDS = List.of("url.original");
    static final List<String> IOC_HASH_FIELDS =
            List.of("file.hash.sha256", "file.hash.md5", "process.hash.sha256", "process.hash.md5");
    static final List<String> BOTNET_FIELDS = List.of("source.ip", "destination.ip", "host.ip");

    /** Every field the enricher writes, with its type: each is declared in {@code EventSchema} so rules can use it. */
    public static final Map<String, FieldType> FIELDS = fields();

    private static Map<String, FieldType> fields() {
        Map<String, FieldType> f = new LinkedHashMap<>();
        for (String prefix : List.of("vigil.asset.", "vigil.destination.asset.", "vigil.host.asset.", "vigil.source.asset.")) {
            for (String attribute : ASSET_ATTRIBUTES) {
                f.put(prefix + attribute, attribute.equals("security_level") ? FieldType.LONG : FieldType.STRING);
            }
        }
        f.put(TARGET_ROLE, FieldType.STRING);
        f.put(TARGET_VULNERABILITIES, FieldType.STRING_LIST);
        f.put(TARGET_MAX_CVSS, FieldType.DOUBLE);
        f.put(BOTNET_IP, FieldType.STRING);
        f.put(BOTNET_FAMILY, FieldType.STRING);
        f.put(BOTNET_LIST_VERSION, FieldType.STRING);
        f.put(BOTNET_MATCHED_FIELD, FieldType.STRING);
        f.put(INDICATOR_TYPE, FieldType.STRING);
        f.put(INDICATOR_NAME, FieldType.STRING);
        f.put(INDICATOR_PROVIDER, FieldType.STRING);
        f.put(INDICATOR_CONFIDENCE, FieldType.STRING);
        f.put(MATCHED_FIELD, FieldType.STRING);
        f.put(MATCHED_ATOMIC, FieldType.STRING);
        f.put(INTEL_CONFIDENCE, FieldType.LONG);
        f.put(INTEL_MATCHED_FIELDS, FieldType.STRING_LIST);
        return java.util.Collections.unmodifiableMap(f);
    }

    /** The event with the context {@code data} holds for it; the event itself when there is none to add or strip. */
    public SecurityEvent enrich(SecurityEvent event, ReferenceData data) {
        SecurityEvent.Builder b = event.toBuilder();
        boolean changed = stripOwnedFields(event, b);

        Map<Side, Asset> assets = new LinkedHashMap<>();
        for (Side side : Side.values()) {
            Asset asset = assetOf(event, side, data);
            if (asset != null) {
                assets.put(side, asset);
                putAsset(b, "vigil." + side.name + ".asset.", asset);
                changed = true;
            }
        }
        if (!assets.isEmpty()) {
            // Side declares destination, host, source: the first present is the asset under attack or at fault.
            Side target = assets.keySet().iterator().next();
            putAsset(b, "vigil.asset.", assets.get(target));
            b.put(TARGET_ROLE, target.name);
            putOpenVulnerabilities(b, event, target, data);
        }

        List<String> matchedFields = new ArrayList<>();
        changed |= putBotnetMatch(b, event, assets, data, matchedFields);
        changed |= putStrongestIoc(b, event, data, matchedFields);
        for (String field : new TreeSet<>(matchedFields)) {
            b.add(INTEL_MATCHED_FIELDS, field);
        }
        return changed ? b.build() : event;
    }

    private static boolean stripOwnedFields(SecurityEvent event, SecurityEvent.Builder b) {
        boolean stripped = false;
        for (String field : event.fields().keySet()) {
            if (FIELDS.containsKey(field)) {
                b.put(field, null);
                stripped = true;
            }
        }
        return stripped;
    }

    private static Asset assetOf(SecurityEvent event, Side side, ReferenceData data) {
        if (side.namesFirst) {
            Asset byName = assetByName(event, side, data);
            return byName != null ? byName : assetByIp(event, side, data);
        }
        Asset byIp = assetByIp(event, side, data);
        return byIp != null ? byIp : assetByName(event, side, data);
    }

    private static Asset assetByIp(SecurityEvent event, Side side, ReferenceData data) {
        for (String field : side.ipFields) {
            for (String ip : values(event, field)) {
                Asset a = data.assetForIp(ip);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    private static Asset assetByName(SecurityEvent event, Side side, ReferenceData data) {
        for (String field : side.nameFields) {
            for (String name : values(event, field)) {
                Asset a = data.assetForHost(name);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    private static void putAsset(SecurityEvent.Builder b, String prefix, Asset a) {
        b.put(prefix + "entry", a.entry());
        b.put(prefix + "name", a.systemName());
        b.put(prefix + "agency", a.agency());
        b.put(prefix + "type", a.systemType().label());
        b.put(prefix + "security_level", (long) a.securityLevel());
        b.put(prefix + "criticality", a.criticality().label());
    }

    /** The target's CVEs that are known exploited and unpatched, listed by its IPs or exact host names. */
    private static void putOpenVulnerabilities(SecurityEvent.Builder b, SecurityEvent event, Side target, ReferenceData data) {
        Map<String, Double> open = new java.util.TreeMap<>();
        List<Vulnerability> listed = new ArrayList<>();
        target.ipFields.forEach(f -> values(event, f).forEach(ip -> listed.addAll(data.vulnerabilitiesForIp(ip))));
        target.nameFields.forEach(f -> values(event, f).forEach(n -> listed.addAll(data.vulnerabilitiesForHost(n))));
        for (Vulnerability v : listed) {
            if (v.isExploitableOpen()) {
                open.merge(v.cve(), v.cvss(), Math::max);
            }
        }
        if (!open.isEmpty()) {
            open.keySet().forEach(cve -> b.add(TARGET_VULNERABILITIES, cve));
            b.put(TARGET_MAX_CVSS, open.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        }
    }

    /** A botnet-list match; an address that is also an inventory asset (an internal host) is preferred. */
    private static boolean putBotnetMatch(SecurityEvent.Builder b, SecurityEvent event, Map<Side, Asset> assets,
            ReferenceData data, List<String> matchedFields) {
        String chosenField = null;
        BotnetEntry chosen = null;
        boolean chosenInternal = false;
        for (String field : BOTNET_FIELDS) {
            for (String ip : values(event, field)) {
                BotnetEntry entry = data.botnetEntry(ip);
                if (entry == null) {
                    continue;
                }
                matchedFields.add(field);
                boolean internal = data.assetForIp(ip) != null;
                if (chosen == null || (internal && !chosenInternal)) {
                    chosen = entry;
                    chosenField = field;
                    chosenInternal = internal;
                }
            }
        }
        if (chosen == null) {
            return false;
        }
        b.put(BOTNET_IP, chosen.ip());
        b.put(BOTNET_FAMILY, chosen.family());
        b.put(BOTNET_LIST_VERSION, chosen.listVersion());
        b.put(BOTNET_MATCHED_FIELD, chosenField);
        return true;
    }

    /** The highest-confidence active IOC match; on equal confidence the earlier field in the lists above. */
    private static boolean putStrongestIoc(SecurityEvent.Builder b, SecurityEvent event, ReferenceData data,
            List<String> matchedFields) {
        long time = event.timestampMillis();
        Ioc best = null;
        String bestField = null;
        String bestValue = null;
        for (IocType type : IocType.values()) {
            for (String field : iocFields(type)) {
                for (String value : values(event, field)) {
                    Ioc ioc = switch (type) {
                        case IP -> data.iocForIp(value, time);
                        case DOMAIN -> data.iocForDomain(value, time);
                        case URL -> data.iocForUrl(value, time);
                        case HASH -> data.iocForHash(value, time);
                    };
                    if (ioc == null) {
                        continue;
                    }
                    matchedFields.add(field);
                    if (best == null || ioc.confidence() > best.confidence()) {
                        best = ioc;
                        bestField = field;
                        bestValue = value;
                    }
                }
            }
        }
        if (best == null) {
            return false;
        }
        b.put(INDICATOR_TYPE, best.type().ecsType(best.value()));
        b.put(INDICATOR_NAME, best.value());
        b.put(INDICATOR_PROVIDER, best.source());
        b.put(INDICATOR_CONFIDENCE, ecsConfidence(best.confidence()));
        b.put(MATCHED_FIELD, bestField);
        b.put(MATCHED_ATOMIC, bestValue);
        b.put(INTEL_CONFIDENCE, (long) best.confidence());
        return true;
    }

    private static List<String> iocFields(IocType type) {
        return switch (type) {
            case IP -> IOC_IP_FIELDS;
            case DOMAIN -> IOC_DOMAIN_FIELDS;
            case URL -> IOC_URL_FIELDS;
            case HASH -> IOC_HASH_FIELDS;
        };
    }

    /** ECS's confidence words for a 0–100 score: None (0), Low (1–39), Medium (40–69), High (70–100). */
    static String ecsConfidence(int confidence) {
        if (confidence == 0) {
            return "None";
        }
        return confidence < 40 ? "Low" : confidence < 70 ? "Medium" : "High";
    }

    private static List<String> values(SecurityEvent event, String field) {
        Object v = event.get(field);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(v));
    }
}
