package org.vigil.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ECS-aligned fields of {@link SecurityEvent} that normalisers fill and rules can use, with their types.
 *
 * <p>Names are ECS dotted names. A field not listed here may still be carried by an event (it shows in alert
 * evidence) but rules cannot refer to it; add it here to make it usable.
 */
public final class EventSchema {

    private static final Map<String, FieldType> FIELDS = buildFields();

    private EventSchema() {}

    private static Map<String, FieldType> buildFields() {
        Map<String, FieldType> f = new LinkedHashMap<>();
        f.put("event.id", FieldType.STRING);
        f.put("event.kind", FieldType.STRING);
        f.put("event.category", FieldType.STRING_LIST);
        f.put("event.type", FieldType.STRING_LIST);
        f.put("event.action", FieldType.STRING);
        f.put("event.outcome", FieldType.STRING);
        f.put("event.code", FieldType.STRING);
        f.put("event.module", FieldType.STRING);
        f.put("event.dataset", FieldType.STRING);
        f.put("event.provider", FieldType.STRING);
        f.put("event.severity", FieldType.LONG);
        f.put("event.original", FieldType.STRING);
        // The log message (Windows' rendered message, syslog text): what Sigma keyword searches read.
        f.put("message", FieldType.STRING);
        f.put("source.ip", FieldType.STRING);
        f.put("source.port", FieldType.LONG);
        f.put("source.domain", FieldType.STRING);
        f.put("source.bytes", FieldType.LONG);
        f.put("source.packets", FieldType.LONG);
        f.put("destination.ip", FieldType.STRING);
        f.put("destination.port", FieldType.LONG);
        f.put("destination.domain", FieldType.STRING);
        f.put("destination.bytes", FieldType.LONG);
        f.put("destination.packets", FieldType.LONG);
        f.put("network.transport", FieldType.STRING);
        f.put("network.protocol", FieldType.STRING);
        f.put("network.direction", FieldType.STRING);
        f.put("network.community_id", FieldType.STRING);
        f.put("host.name", FieldType.STRING);
        f.put("host.hostname", FieldType.STRING);
        f.put("host.ip", FieldType.STRING_LIST);
        f.put("host.os.family", FieldType.STRING);
        f.put("user.name", FieldType.STRING);
        f.put("user.domain", FieldType.STRING);
        f.put("user.id", FieldType.STRING);
        f.put("user.target.name", FieldType.STRING);
        f.put("user.target.domain", FieldType.STRING);
        // The SIDs of account-management events (4720 TargetSid, 4728/4732/4756 MemberSid and the group's
        // TargetSid): names differ between events (4728 logs the member's distinguished name) and across
        // languages (localised built-in group names), SIDs do not.
        f.put("user.target.id", FieldType.STRING);
        f.put("group.name", FieldType.STRING);
        f.put("group.id", FieldType.STRING);
        f.put("service.name", FieldType.STRING);
        f.put("url.original", FieldType.STRING);
        f.put("url.domain", FieldType.STRING);
        f.put("url.path", FieldType.STRING);
        f.put("url.query", FieldType.STRING);
        f.put("http.request.method", FieldType.STRING);
        f.put("http.response.status_code", FieldType.LONG);
        f.put("http.response.body.bytes", FieldType.LONG);
        f.put("http.request.referrer", FieldType.STRING);
        f.put("http.version", FieldType.STRING);
        f.put("user_agent.original", FieldType.STRING);
        f.put("dns.question.name", FieldType.STRING);
        f.put("dns.question.type", FieldType.STRING);
        f.put("dns.response_code", FieldType.STRING);
        f.put("tls.version", FieldType.STRING);
        f.put("tls.client.server_name", FieldType.STRING);
        f.put("tls.server.subject", FieldType.STRING);
        f.put("tls.server.issuer", FieldType.STRING);
        f.put("process.name", FieldType.STRING);
        f.put("process.executable", FieldType.STRING);
        f.put("process.command_line", FieldType.STRING);
        f.put("process.pid", FieldType.LONG);
        f.put("process.hash.sha256", FieldType.STRING);
        f.put("process.hash.md5", FieldType.STRING);
        f.put("process.parent.name", FieldType.STRING);
        f.put("process.parent.executable", FieldType.STRING);
        f.put("process.parent.command_line", FieldType.STRING);
        f.put("process.parent.pid", FieldType.LONG);
        f.put("file.path", FieldType.STRING);
        f.put("file.name", FieldType.STRING);
        f.put("file.hash.sha256", FieldType.STRING);
        f.put("file.hash.md5", FieldType.STRING);
        f.put("file.hash.sha1", FieldType.STRING);
        f.put("file.size", FieldType.LONG);
        f.put("registry.path", FieldType.STRING);
        f.put("registry.value", FieldType.STRING);
        f.put("registry.data.strings", FieldType.STRING_LIST);
        f.put("observer.name", FieldType.STRING);
        f.put("observer.type", FieldType.STRING);
        f.put("observer.vendor", FieldType.STRING);
        f.put("observer.product", FieldType.STRING);
        f.put("observer.hostname", FieldType.STRING);
        f.put("observer.ip", FieldType.STRING_LIST);
        f.put("rule.id", FieldType.STRING);
        f.put("rule.name", FieldType.STRING);
        f.put("rule.category", FieldType.STRING);
        f.put("vulnerability.id", FieldType.STRING_LIST);
        // Windows event logs. The event id is a number, so rules compare it as one (winlog.event_id = 4625);
        // event.code carries the same id as ECS's string. The logon type is Winlogbeat's name ("Network").
        f.put("winlog.event_id", FieldType.LONG);
        f.put("winlog.channel", FieldType.STRING);
        f.put("winlog.provider_name", FieldType.STRING);
        f.put("winlog.logon.type", FieldType.STRING);
        // Context the enricher (org.vigil.enrich.Enricher) adds from reference data; it removes any a source sent.
        // The asset of each side, and vigil.asset.* for the target: destination, else host, else source.
        for (String prefix : new String[] {"vigil.asset.", "vigil.destination.asset.", "vigil.host.asset.", "vigil.source.asset."}) {
            f.put(prefix + "entry", FieldType.STRING);
            f.put(prefix + "name", FieldType.STRING);
            f.put(prefix + "agency", FieldType.STRING);
            f.put(prefix + "type", FieldType.STRING);
            f.put(prefix + "security_level", FieldType.LONG);
            f.put(prefix + "criticality", FieldType.STRING);
        }
        f.put("vigil.asset.role", FieldType.STRING);
        f.put("vigil.asset.vulnerability.id", FieldType.STRING_LIST);
        f.put("vigil.asset.vulnerability.max_cvss", FieldType.DOUBLE);
        f.put("vigil.botnet.ip", FieldType.STRING);
        f.put("vigil.botnet.family", FieldType.STRING);
        f.put("vigil.botnet.list_version", FieldType.STRING);
        f.put("vigil.botnet.matched_field", FieldType.STRING);
        f.put("threat.indicator.type", FieldType.STRING);
        f.put("threat.indicator.name", FieldType.STRING);
        f.put("threat.indicator.provider", FieldType.STRING);
        f.put("threat.indicator.confidence", FieldType.STRING);
        f.put("threat.enrichments.matched.field", FieldType.STRING);
        f.put("threat.enrichments.matched.atomic", FieldType.STRING);
        f.put("vigil.intel.confidence", FieldType.LONG);
        f.put("vigil.intel.matched_fields", FieldType.STRING_LIST);
        return Collections.unmodifiableMap(f);
    }

    /** Every field rules can use, in a stable order, with its type. */
    public static Map<String, FieldType> fields() {
        return FIELDS;
    }

    /** The type of a field, or null when rules cannot use it. */
    public static FieldType typeOf(String field) {
        return FIELDS.get(field);
    }

    /** Whether rules can refer to (and be partitioned by) this field. */
    public static boolean isKnown(String field) {
        return FIELDS.containsKey(field);
    }
}
