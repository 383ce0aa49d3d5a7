package org.vigil.enrich;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        Lookup in = new Lookup(event);
        Map<String, Object> added = new LinkedHashMap<>();

        Map<Side, Asset> assets = new LinkedHashMap<>();
        for (Side side : Side.values()) {
            Asset asset = assetOf(in, side, data);
            if (asset != null) {
                assets.put(side, asset);
                putAsset(added, "vigil." + side.name + ".asset.", asset);
            }
        }
        if (!assets.isEmpty()) {
            // Side declares destination, host, source: the first present is the asset under attack or at fault.
            Side target = assets.keySet().iterator().next();
            putAsset(added, "vigil.asset.", assets.get(target));
            added.put(TARGET_ROLE, target.name);
            putOpenVulnerabilities(added, in, target, data);
        }
        TreeSet<String> matchedFields = new TreeSet<>();
        putBotnetMatch(added, in, data, matchedFields);
        putStrongestIoc(added, in, data, matchedFields);
        if (!matchedFields.isEmpty()) {
            added.put(INTEL_MATCHED_FIELDS, List.copyOf(matchedFields));
        }

        List<String> forged = event.fields().keySet().stream().filter(FIELDS::containsKey).toList();
        if (added.isEmpty() && forged.isEmpty()) {
            return event;
        }
        SecurityEvent.Builder b = event.toBuilder();
        forged.forEach(f -> b.put(f, null));
        added.forEach(b::put);
        return b.build();
    }

    /** The event's values by field, with each IP literal parsed once however many lookups use it. */
    private static final class Lookup {
        private final SecurityEvent event;
        private final Map<String, byte[]> addresses = new HashMap<>();

        Lookup(SecurityEvent event) {
            this.event = event;
        }

        long time() {
            return event.timestampMillis();
        }

        List<String> values(String field) {
            return event.getStrings(field);
        }

        byte[] address(String ip) {
            return addresses.computeIfAbsent(ip, IpPrefix::addressOrNull);
        }
    }

    private static Asset assetOf(Lookup in, Side side, ReferenceData data) {
        if (side.namesFirst) {
            Asset byName = assetByName(in, side, data);
            return byName != null ? byName : assetByIp(in, side, data);
        }
        Asset byIp = assetByIp(in, side, data);
        return byIp != null ? byIp : assetByName(in, side, data);
    }

    private static Asset assetByIp(Lookup in, Side side, ReferenceData data) {
        for (String field : side.ipFields) {
            for (String ip : in.values(field)) {
                Asset a = data.assetForAddress(in.address(ip));
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    private static Asset assetByName(Lookup in, Side side, ReferenceData data) {
        for (String field : side.nameFields) {
            for (String name : in.values(field)) {
                Asset a = data.assetForHost(name);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    static void putAsset(Map<String, Object> added, String prefix, Asset a) {
        added.put(prefix + "entry", a.entry());
        added.put(prefix + "name", a.systemName());
        added.put(prefix + "agency", a.agency());
        added.put(prefix + "type", a.systemType().label());
        added.put(prefix + "security_level", (long) a.securityLevel());
        added.put(prefix + "criticality", a.criticality().label());
    }

    /** The target's CVEs that are known exploited and unpatched, listed by its IPs or exact host names. */
    private static void putOpenVulnerabilities(Map<String, Object> added, Lookup in, Side target, ReferenceData data) {
        List<Vulnerability> listed = new ArrayList<>();
        target.ipFields.forEach(f -> in.values(f).forEach(ip -> listed.addAll(data.vulnerabilitiesForAddress(in.address(ip)))));
        target.nameFields.forEach(f -> in.values(f).forEach(n -> listed.addAll(data.vulnerabilitiesForHost(n))));
        Map<String, Double> open = new TreeMap<>();
        for (Vulnerability v : listed) {
            if (v.isExploitableOpen()) {
                open.merge(v.cve(), v.cvss(), Math::max);
            }
        }
        if (!open.isEmpty()) {
            added.put(TARGET_VULNERABILITIES, List.copyOf(open.keySet()));
            added.put(TARGET_MAX_CVSS, open.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        }
    }

    /** A botnet-list match; an address that is also an inventory asset (an internal host) is preferred. */
    private static void putBotnetMatch(Map<String, Object> added, Lookup in, ReferenceData data,
            TreeSet<String> matchedFields) {
        String chosenField = null;
        BotnetEntry chosen = null;
        boolean chosenInternal = false;
        for (String field : BOTNET_FIELDS) {
            for (String ip : in.values(field)) {
                byte[] address = in.address(ip);
                BotnetEntry entry = data.botnetEntryForAddress(address);
                if (entry == null) {
                    continue;
                }
                matchedFields.add(field);
                boolean internal = data.assetForAddress(address) != null;
                if (chosen == null || (internal && !chosenInternal)) {
                    chosen = entry;
                    chosenField = field;
                    chosenInternal = internal;
                }
            }
        }
        if (chosen != null) {
            added.put(BOTNET_IP, chosen.ip());
            added.put(BOTNET_FAMILY, chosen.family());
            added.put(BOTNET_LIST_VERSION, chosen.listVersion());
            added.put(BOTNET_MATCHED_FIELD, chosenField);
        }
    }

    /** The highest-confidence active IOC match; on equal confidence the earlier field in the lists above. */
    private static void putStrongestIoc(Map<String, Object> added, Lookup in, ReferenceData data,
            TreeSet<String> matchedFields) {
        long time = in.time();
        Ioc best = null;
        String bestField = null;
        String bestValue = null;
        for (IocType type : IocType.values()) {
            for (String field : iocFields(type)) {
                for (String value : in.values(field)) {
                    Ioc ioc = switch (type) {
                        case IP -> data.iocForAddress(in.address(value), time);
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
        if (best != null) {
            added.put(INDICATOR_TYPE, best.type().ecsType(best.value()));
            added.put(INDICATOR_NAME, best.value());
            added.put(INDICATOR_PROVIDER, best.source());
            added.put(INDICATOR_CONFIDENCE, ecsConfidence(best.confidence()));
            added.put(MATCHED_FIELD, bestField);
            added.put(MATCHED_ATOMIC, bestValue);
            added.put(INTEL_CONFIDENCE, (long) best.confidence());
        }
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
}
