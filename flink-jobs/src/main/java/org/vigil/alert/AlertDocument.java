package org.vigil.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.vigil.event.SecurityEvent;

/**
 * Renders an {@link Alert} as the ECS-shaped JSON document analysts see in the alert index. A repeated alert is
 * the same document with a higher {@code vigil.occurrences}, a later {@code event.end} (last seen) and its latest
 * repeat under {@code vigil.last_occurrence}.
 */
public final class AlertDocument {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertDocument() {}

    /** The alert document; field order is stable so the document can be pinned by golden files. */
    public static ObjectNode toJson(Alert alert) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", Instant.ofEpochMilli(alert.timestampMillis()).toString());

        ObjectNode event = doc.putObject("event");
        event.put("kind", "alert");
        event.put("id", alert.id());
        event.putArray("category").add("intrusion_detection");
        event.put("severity", alert.severity().ecsSeverity());
        event.put("risk_score", alert.riskScore());
        event.put("start", Instant.ofEpochMilli(alert.firstSeenMillis()).toString());
        // ECS: "when the activity was last observed"; grows as repeats are merged in.
        event.put("end", Instant.ofEpochMilli(alert.lastSeenMillis()).toString());
        event.put("dataset", "vigil.alerts");

        ObjectNode rule = doc.putObject("rule");
        rule.put("id", alert.ruleId());
        rule.put("name", alert.ruleName());
        rule.put("version", Integer.toString(alert.ruleVersion()));
        rule.put("description", alert.ruleDescription());
        rule.put("ruleset", "vigil");

        ObjectNode threat = doc.putObject("threat");
        threat.put("framework", "MITRE ATT&CK");
        ArrayNode tacticIds = threat.putObject("tactic").putArray("id");
        alert.tacticIds().forEach(tacticIds::add);
        ObjectNode technique = threat.putObject("technique");
        ArrayNode techniqueIds = technique.putArray("id");
        alert.techniqueIds().forEach(techniqueIds::add);
        ArrayNode references = technique.putArray("reference");
        alert.techniqueIds().forEach(t -> references.add(techniqueUrl(t)));

        // The entity the rule correlated on, under its own ECS field so analysts can pivot on it.
        putDotted(doc, alert.partitionField(), alert.partitionValue());

        ObjectNode vigil = doc.putObject("vigil");
        vigil.put("alert_id", alert.id());
        vigil.put("status", alert.status().label());
        vigil.put("severity", alert.severity().label());
        ObjectNode verification = vigil.putObject("verification");
        verification.put("status", alert.status().label());
        verification.put("policy", alert.verificationPolicy().toString());
        verification.put("shared", alert.shared());
        ArrayNode reasons = verification.putArray("reasons");
        alert.verificationReasons().forEach(reasons::add);
        if (!alert.riskFactors().isEmpty()) {
            ObjectNode risk = vigil.putObject("risk");
            alert.riskFactors().forEach((name, value) -> risk.set(name, JSON.valueToTree(value)));
        }
        ObjectNode entity = vigil.putObject("entity");
        entity.put("field", alert.partitionField());
        entity.put("value", alert.partitionValue());
        ObjectNode details = vigil.putObject("details");
        for (Map.Entry<String, Object> d : alert.details().entrySet()) {
            details.set(d.getKey(), JSON.valueToTree(d.getValue()));
        }
        putContext(doc, vigil, alert.evidence());
        vigil.put("evidence_count", alert.evidenceCount());
        ArrayNode evidence = vigil.putArray("evidence");
        for (SecurityEvent e : alert.evidence()) {
            evidence.add(eventJson(e));
        }
        vigil.put("occurrences", alert.occurrences());
        Repeat repeat = alert.latestRepeat();
        if (repeat != null) {
            ObjectNode last = vigil.putObject("last_occurrence");
            last.put("alert_id", repeat.matchId());
            last.put("@timestamp", repeat.timestamp().toString());
            ObjectNode lastDetails = last.putObject("details");
            for (Map.Entry<String, Object> d : repeat.details().entrySet()) {
                lastDetails.set(d.getKey(), JSON.valueToTree(d.getValue()));
            }
            last.put("evidence_count", repeat.eventCount());
            ArrayNode eventIds = last.putArray("event_ids");
            repeat.eventIds().forEach(eventIds::add);
        }
        return doc;
    }

    /** Target-asset attributes an enriched event carries under {@code vigil.asset.}, copied to the alert's top level. */
    static final List<String> ASSET_FIELDS = List.of("entry", "name", "agency", "type", "security_level", "criticality",
            "role", "vulnerability.id", "vulnerability.max_cvss");
    static final List<String> BOTNET_FIELDS = List.of("ip", "family", "list_version", "matched_field");

    /**
     * The reference-data context of the triggering events at the alert's top level, so analysts can filter and sort
     * on it: the target asset of the latest evidence event that has one ({@code vigil.asset.*}), the first botnet-list
     * match ({@code vigil.botnet.*}), every distinct IOC match ({@code threat.enrichments}, ECS) with the highest
     * confidence and all matched fields ({@code vigil.intel.*}).
     */
    private static void putContext(ObjectNode doc, ObjectNode vigil, List<SecurityEvent> evidence) {
        SecurityEvent withAsset = null;
        SecurityEvent withBotnet = null;
        java.util.Map<String, ObjectNode> indicators = new java.util.LinkedHashMap<>();
        java.util.TreeSet<String> matchedFields = new java.util.TreeSet<>();
        long confidence = -1;
        for (SecurityEvent e : evidence) {
            if (e.get("vigil.asset.entry") != null) {
                withAsset = e;
            }
            if (withBotnet == null && e.get("vigil.botnet.ip") != null) {
                withBotnet = e;
            }
            if (e.get("vigil.intel.matched_fields") instanceof List<?> fields) {
                fields.forEach(f -> matchedFields.add(String.valueOf(f)));
            }
            if (e.get("threat.indicator.name") != null) {
                String key = e.getString("threat.indicator.type") + " " + e.getString("threat.indicator.name")
                        + " " + e.getString("threat.enrichments.matched.field");
                indicators.computeIfAbsent(key, k -> enrichment(e));
                if (e.get("vigil.intel.confidence") instanceof Number n) {
                    confidence = Math.max(confidence, n.longValue());
                }
            }
        }
        if (withAsset != null) {
            ObjectNode asset = vigil.putObject("asset");
            for (String f : ASSET_FIELDS) {
                Object v = withAsset.get("vigil.asset." + f);
                if (v != null) {
                    putDotted(asset, f, v);
                }
            }
        }
        if (withBotnet != null) {
            ObjectNode botnet = vigil.putObject("botnet");
            for (String f : BOTNET_FIELDS) {
                Object v = withBotnet.get("vigil.botnet." + f);
                if (v != null) {
                    botnet.set(f, JSON.valueToTree(v));
                }
            }
        }
        if (!indicators.isEmpty() || !matchedFields.isEmpty()) {
            ObjectNode intel = vigil.putObject("intel");
            if (confidence >= 0) {
                intel.put("confidence", confidence);
            }
            ArrayNode fields = intel.putArray("matched_fields");
            matchedFields.forEach(fields::add);
        }
        if (!indicators.isEmpty()) {
            ArrayNode enrichments = ((ObjectNode) doc.get("threat")).putArray("enrichments");
            indicators.values().forEach(enrichments::add);
        }
    }

    /** One ECS {@code threat.enrichments} entry from an enriched event's strongest IOC match. */
    private static ObjectNode enrichment(SecurityEvent e) {
        ObjectNode entry = JSON.createObjectNode();
        ObjectNode indicator = entry.putObject("indicator");
        indicator.put("type", e.getString("threat.indicator.type"));
        indicator.put("name", e.getString("threat.indicator.name"));
        indicator.put("provider", e.getString("threat.indicator.provider"));
        indicator.put("confidence", e.getString("threat.indicator.confidence"));
        ObjectNode matched = entry.putObject("matched");
        matched.put("field", e.getString("threat.enrichments.matched.field"));
        matched.put("atomic", e.getString("threat.enrichments.matched.atomic"));
        return entry;
    }

    /** A security event as a nested ECS JSON object. */
    public static ObjectNode eventJson(SecurityEvent e) {
        ObjectNode node = JSON.createObjectNode();
        node.put("@timestamp", e.timestamp().toString());
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            putDotted(node, f.getKey(), f.getValue());
        }
        return node;
    }

    /** The MITRE ATT&CK page of a technique or sub-technique id such as T1110 or T1110.001. */
    public static String techniqueUrl(String techniqueId) {
        return "https://attack.mitre.org/techniques/" + techniqueId.replace('.', '/') + "/";
    }

    private static void putDotted(ObjectNode root, String dotted, Object value) {
        String[] parts = dotted.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child instanceof ObjectNode obj) {
                node = obj;
            } else if (child == null) {
                node = node.putObject(parts[i]);
            } else {
                // A scalar already sits where an object is needed (e.g. "a" and "a.b"): keep both, flat.
                root.set(dotted, JSON.valueToTree(value));
                return;
            }
        }
        String leaf = parts[parts.length - 1];
        if (value instanceof List<?> list) {
            ArrayNode arr = node.putArray(leaf);
            list.forEach(v -> arr.add(JSON.valueToTree(v)));
        } else {
            node.set(leaf, JSON.valueToTree(value));
        }
    }
}
