package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps Suricata EVE JSON onto ECS the way Elastic's Suricata integration does, keeping every unmapped EVE field
 * under {@code suricata.eve.*}.
 */
public final class SuricataEveNormaliser implements Normaliser {

    static final String PREFIX = "suricata.eve";

    // ET rules write CVE ids as "CVE-2014-6271" in signatures and "CVE_2014_6271" in metadata.
    private static final Pattern CVE = Pattern.compile("(?<![A-Za-z])CVE[-_](\\d{4})[-_](\\d{4,7})(?!\\d)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TLS_VERSION = Pattern.compile("(?i)(TLS|SSL)\\s*v?\\s*(\\d+(?:\\.\\d+)?)");

    @Override
    public EventFormat format() {
        return EventFormat.SURICATA_EVE;
    }

    @Override
    public void normalise(JsonNode root, SecurityEvent.Builder event) throws RejectedEventException {
        // Mapped values are removed from a copy, so what is left over is exactly what goes under suricata.eve.*.
        ObjectNode eve = ((ObjectNode) root).deepCopy();
        String eventType = FieldFlattener.text(eve.get("event_type"));
        if (eventType == null || eventType.isBlank()) {
            throw new RejectedEventException(DeadLetterReason.UNKNOWN_FORMAT, "Suricata EVE record has no event_type");
        }
        eventType = eventType.trim().toLowerCase(Locale.ROOT);
        event.timestampMillis(EventTime.parse(eve.remove("timestamp"), "timestamp"));

        event.put("event.module", "suricata");
        event.put("event.dataset", "suricata.eve");
        event.put("observer.product", "suricata");
        event.put("observer.vendor", "OISF");
        event.put("observer.type", "ids");
        categorise(eventType, event);
        mapNetwork(eve, event);
        ObjectNode alert = object(eve, "alert");
        if (alert != null) {
            mapAlert(alert, event);
        }
        ObjectNode flow = object(eve, "flow");
        if (flow != null) {
            mapFlow(flow, event);
        }
        ObjectNode dns = object(eve, "dns");
        if (dns != null) {
            mapDns(dns, event);
        }
        ObjectNode http = object(eve, "http");
        if (http != null) {
            mapHttp(http, event);
        }
        ObjectNode tls = object(eve, "tls");
        if (tls != null) {
            mapTls(tls, event);
        }
        ObjectNode fileinfo = object(eve, "fileinfo");
        if (fileinfo != null) {
            mapFile(fileinfo, event);
        }
        FieldFlattener.flatten(PREFIX, eve, event::put);
    }

    private static void categorise(String eventType, SecurityEvent.Builder event) {
        String kind = "event";
        List<String> category = List.of("network");
        List<String> type = List.of("info");
        switch (eventType) {
            case "alert":
                kind = "alert";
                category = List.of("network", "intrusion_detection");
                type = List.of(); // allowed or denied, from alert.action
                break;
            case "flow":
            case "netflow":
                type = List.of("connection");
                break;
            case "http":
                category = List.of("network", "web");
                type = List.of("access", "protocol");
                break;
            case "fileinfo":
                category = List.of("file");
                break;
            case "stats":
                kind = "metric";
                category = List.of();
                type = List.of();
                break;
            case "anomaly":
            case "drop":
                break;
            default:
                // dns, tls, ssh, smtp, ftp, smb and the other application-layer logs.
                type = List.of("protocol");
        }
        event.put("event.kind", kind);
        set(event, "event.category", category.isEmpty() ? null : category);
        set(event, "event.type", type.isEmpty() ? null : type);
    }

    private static void mapNetwork(ObjectNode eve, SecurityEvent.Builder event) {
        set(event, "source.ip", take(eve, "src_ip"));
        set(event, "source.port", take(eve, "src_port"));
        set(event, "destination.ip", take(eve, "dest_ip"));
        set(event, "destination.port", take(eve, "dest_port"));
        set(event, "network.transport", lower(take(eve, "proto")));
        set(event, "network.protocol", lower(take(eve, "app_proto")));
        set(event, "network.community_id", take(eve, "community_id"));
        set(event, "observer.name", take(eve, "host"));
        set(event, "observer.ingress.interface.name", take(eve, "in_iface"));
        ObjectNode ether = object(eve, "ether");
        if (ether != null) {
            set(event, "source.mac", take(ether, "src_mac"));
            set(event, "destination.mac", take(ether, "dest_mac"));
        }
    }

    private static void mapAlert(ObjectNode alert, SecurityEvent.Builder event) {
        Object signature = take(alert, "signature");
        set(event, "rule.name", signature);
        set(event, "rule.id", take(alert, "signature_id"));
        set(event, "rule.category", take(alert, "category"));
        set(event, "rule.version", take(alert, "rev"));
        // Kept under suricata.eve.alert.severity too: 1 is high and 3 low, the reverse of most severity scales.
        set(event, "event.severity", FieldFlattener.scalar(alert.get("severity")));
        String action = lower(take(alert, "action"));
        if (action != null) {
            event.put("event.action", action);
            event.add("event.type", "blocked".equals(action) ? "denied" : action);
        }
        addCves(String.valueOf(signature), event);
        JsonNode metadata = alert.get("metadata");
        JsonNode cves = metadata == null ? null : metadata.get("cve");
        if (cves != null && cves.isArray()) {
            cves.forEach(cve -> addCves(cve.asText(), event));
        } else if (cves != null) {
            addCves(cves.asText(), event);
        }
    }

    private static void addCves(String text, SecurityEvent.Builder event) {
        Matcher m = CVE.matcher(text);
        while (m.find()) {
            event.add("vulnerability.id", "CVE-" + m.group(1) + "-" + m.group(2));
        }
    }

    private static void mapFlow(ObjectNode flow, SecurityEvent.Builder event) {
        Object sourcePackets = take(flow, "pkts_toserver");
        Object sourceBytes = take(flow, "bytes_toserver");
        Object destinationPackets = take(flow, "pkts_toclient");
        Object destinationBytes = take(flow, "bytes_toclient");
        set(event, "source.packets", sourcePackets);
        set(event, "source.bytes", sourceBytes);
        set(event, "destination.packets", destinationPackets);
        set(event, "destination.bytes", destinationBytes);
        if (sourcePackets instanceof Long sp && destinationPackets instanceof Long dp) {
            event.put("network.packets", sp + dp);
        }
        if (sourceBytes instanceof Long sb && destinationBytes instanceof Long db) {
            event.put("network.bytes", sb + db);
        }
    }

    private static void mapDns(ObjectNode dns, SecurityEvent.Builder event) {
        JsonNode queries = dns.get("queries");
        // EVE v3 (Suricata 8) lists the questions; v1 and v2 put the one question at the top.
        if (queries != null && queries.isArray() && queries.size() > 0) {
            set(event, "dns.question.name", FieldFlattener.text(queries.get(0).get("rrname")));
            set(event, "dns.question.type", FieldFlattener.text(queries.get(0).get("rrtype")));
        } else {
            // Read before the top-level rrtype is taken: a v1 answer record's own A/AAAA rdata is resolved below.
            addAddress(dns, event);
            set(event, "dns.question.name", take(dns, "rrname"));
            set(event, "dns.question.type", take(dns, "rrtype"));
        }
        set(event, "dns.response_code", take(dns, "rcode"));
        set(event, "dns.type", take(dns, "type"));
        set(event, "dns.id", take(dns, "id"));
        // Resolved addresses let enrichment match a looked-up domain's IPs against the botnet list.
        JsonNode answers = dns.get("answers");
        if (answers != null && answers.isArray()) {
            answers.forEach(answer -> addAddress(answer, event));
        }
        JsonNode grouped = dns.get("grouped");
        if (grouped != null) {
            for (String rrtype : List.of("A", "AAAA")) {
                JsonNode ips = grouped.get(rrtype);
                if (ips != null && ips.isArray()) {
                    ips.forEach(ip -> event.add("dns.resolved_ip", FieldFlattener.text(ip)));
                }
            }
        }
    }

    private static void addAddress(JsonNode record, SecurityEvent.Builder event) {
        String rrtype = FieldFlattener.text(record.get("rrtype"));
        if ("A".equals(rrtype) || "AAAA".equals(rrtype)) {
            event.add("dns.resolved_ip", FieldFlattener.text(record.get("rdata")));
        }
    }

    private static void mapHttp(ObjectNode http, SecurityEvent.Builder event) {
        Object url = take(http, "url");
        if (url != null) {
            UrlFields.put(String.valueOf(url), event);
        }
        // The Host header names the site even when the request target is only a path.
        Object hostname = take(http, "hostname");
        set(event, "url.domain", hostname);
        if (event.get("destination.domain") == null) {
            set(event, "destination.domain", hostname);
        }
        set(event, "http.request.method", take(http, "http_method"));
        set(event, "http.response.status_code", take(http, "status"));
        set(event, "user_agent.original", take(http, "http_user_agent"));
        set(event, "http.request.referrer", take(http, "http_refer"));
        set(event, "http.response.body.bytes", take(http, "length"));
        set(event, "http.response.mime_type", take(http, "http_content_type"));
        Object protocol = take(http, "protocol");
        if (protocol != null) {
            String version = String.valueOf(protocol);
            event.put("http.version", version.regionMatches(true, 0, "HTTP/", 0, 5) ? version.substring(5) : version);
        }
    }

    private static void mapTls(ObjectNode tls, SecurityEvent.Builder event) {
        Object sni = take(tls, "sni");
        set(event, "tls.client.server_name", sni);
        if (event.get("destination.domain") == null) {
            set(event, "destination.domain", sni);
        }
        // The raw version string ("TLS 1.2") stays under suricata.eve.tls.version; ECS wants "1.2" plus "tls".
        String version = FieldFlattener.text(tls.get("version"));
        if (version != null) {
            Matcher m = TLS_VERSION.matcher(version.trim());
            if (m.matches()) {
                event.put("tls.version_protocol", m.group(1).toLowerCase(Locale.ROOT));
                event.put("tls.version", m.group(2).contains(".") ? m.group(2) : m.group(2) + ".0");
            } else {
                event.put("tls.version", version);
            }
        }
        set(event, "tls.server.subject", take(tls, "subject"));
        set(event, "tls.server.issuer", take(tls, "issuerdn"));
        Object fingerprint = take(tls, "fingerprint");
        if (fingerprint != null) {
            event.put("tls.server.hash.sha1", String.valueOf(fingerprint).replace(":", "").toUpperCase(Locale.ROOT));
        }
        set(event, "tls.server.not_before", take(tls, "notbefore"));
        set(event, "tls.server.not_after", take(tls, "notafter"));
        ObjectNode ja3 = object(tls, "ja3");
        if (ja3 != null) {
            set(event, "tls.client.ja3", take(ja3, "hash"));
        }
        ObjectNode ja3s = object(tls, "ja3s");
        if (ja3s != null) {
            set(event, "tls.server.ja3s", take(ja3s, "hash"));
        }
    }

    private static void mapFile(ObjectNode file, SecurityEvent.Builder event) {
        Object filename = take(file, "filename");
        if (filename != null) {
            String path = String.valueOf(filename);
            event.put("file.path", path);
            event.put("file.name", path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1));
        }
        set(event, "file.size", take(file, "size"));
        set(event, "file.hash.sha256", take(file, "sha256"));
        set(event, "file.hash.sha1", take(file, "sha1"));
        set(event, "file.hash.md5", take(file, "md5"));
    }

    /** Removes a scalar from the record and returns its plain value; containers are left to be flattened. */
    private static Object take(ObjectNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isContainerNode()) {
            return null;
        }
        node.remove(name);
        return FieldFlattener.scalar(value);
    }

    private static ObjectNode object(ObjectNode node, String name) {
        return node.get(name) instanceof ObjectNode child ? child : null;
    }

    private static String lower(Object value) {
        return value == null ? null : String.valueOf(value).toLowerCase(Locale.ROOT);
    }

    /** Sets a field only when there is a value, so a missing value never erases one mapped earlier. */
    private static void set(SecurityEvent.Builder event, String field, Object value) {
        if (value != null) {
            event.put(field, value);
        }
    }
}
