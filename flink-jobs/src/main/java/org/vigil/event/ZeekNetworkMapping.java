package org.vigil.event;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The ECS mapping of Zeek's conn, dns, http and ssl logs, after Elastic's Zeek integration. */
final class ZeekNetworkMapping {

    /** ECS event.type per conn_state, as Elastic's integration sets it; other states are connection and info. */
    private static final Map<String, List<String>> TYPE_BY_STATE = Map.of(
            "S0", List.of("connection", "start"),
            "S1", List.of("connection", "start"),
            "SF", List.of("connection", "start", "end"),
            "REJ", List.of("connection", "start", "denied"));

    private static final Map<String, String> STATE_MESSAGES = Map.ofEntries(
            Map.entry("S0", "Connection attempt seen, no reply."),
            Map.entry("S1", "Connection established, not terminated."),
            Map.entry("SF", "Normal establishment and termination."),
            Map.entry("REJ", "Connection attempt rejected."),
            Map.entry("S2", "Connection established and close attempt by originator seen (but no reply from responder)."),
            Map.entry("S3", "Connection established and close attempt by responder seen (but no reply from originator)."),
            Map.entry("RSTO", "Connection established, originator aborted (sent a RST)."),
            Map.entry("RSTR", "Responder sent a RST."),
            Map.entry("RSTOS0", "Originator sent a SYN followed by a RST, we never saw a SYN-ACK from the responder."),
            Map.entry("RSTRH", "Responder sent a SYN ACK followed by a RST, we never saw a SYN from the (purported) "
                    + "originator."),
            Map.entry("SH", "Originator sent a SYN followed by a FIN, we never saw a SYN ACK from the responder (hence "
                    + "the connection was 'half' open)."),
            Map.entry("SHR", "Responder sent a SYN ACK followed by a FIN, we never saw a SYN from the originator."),
            Map.entry("OTH", "No SYN seen, just midstream traffic (a 'partial connection' that was not later closed)."));

    /** ECS names of DNS classes by number, as Elastic's integration maps them; Zeek's names ("C_INTERNET") else. */
    private static final Map<Long, String> DNS_CLASSES = Map.of(1L, "IN", 3L, "CH", 4L, "HS", 254L, "NONE", 255L, "ANY");

    // Zeek names versions "TLSv12", "TLSv13", "SSLv3", "DTLSv12"; ECS wants "1.2" and "tls".
    private static final Pattern TLS_VERSION = Pattern.compile("(?i)(D?TLS|SSL)v(\\d)(\\d?)");

    private ZeekNetworkMapping() {}

    static void conn(ZeekFields f) {
        f.set("network.transport", ZeekFields.lower(f.take("proto")));
        // "ssl,http" lists every confirmed analyzer, "-ssl" one Zeek removed again: ECS wants the protocol spoken.
        String service = f.peekText("service");
        if (service != null) {
            for (String name : service.split(",")) {
                if (!name.isBlank() && !name.startsWith("-")) {
                    String protocol = name.trim().toLowerCase(Locale.ROOT);
                    // Zeek's analyzer is named "ssl"; Suricata, Zeek's ssl log and ECS call the protocol "tls".
                    f.set("network.protocol", "ssl".equals(protocol) ? "tls" : protocol);
                    break;
                }
            }
        }
        f.set("event.duration", f.takeNanos("duration"));
        // IP-level byte counts, as Elastic's integration and Suricata's flows count; payload bytes when only those.
        Object sourceBytes = firstOf(f.take("orig_ip_bytes"), f.peek("orig_bytes"));
        Object destinationBytes = firstOf(f.take("resp_ip_bytes"), f.peek("resp_bytes"));
        Object sourcePackets = f.take("orig_pkts");
        Object destinationPackets = f.take("resp_pkts");
        f.set("source.bytes", sourceBytes);
        f.set("destination.bytes", destinationBytes);
        f.set("source.packets", sourcePackets);
        f.set("destination.packets", destinationPackets);
        SecurityEvent.Builder event = f.event();
        if (event.get("source.bytes") instanceof Long sb && event.get("destination.bytes") instanceof Long db) {
            event.put("network.bytes", sb + db);
        }
        if (event.get("source.packets") instanceof Long sp && event.get("destination.packets") instanceof Long dp) {
            event.put("network.packets", sp + dp);
        }
        String state = f.takeText("conn_state");
        if (state != null) {
            f.set("zeek.connection.state", state);
            f.set("zeek.connection.state_message", STATE_MESSAGES.get(state));
            f.set("event.type", TYPE_BY_STATE.getOrDefault(state, List.of("connection", "info")));
        }
        f.set("network.direction", direction(f.peek("local_orig"), f.peek("local_resp")));
    }

    private static Object firstOf(Object preferred, Object fallback) {
        return preferred != null ? preferred : fallback;
    }

    private static String direction(Object localOrig, Object localResp) {
        if (!(localOrig instanceof Boolean orig) || !(localResp instanceof Boolean resp)) {
            return null;
        }
        if (orig) {
            return resp ? "internal" : "outbound";
        }
        return resp ? "inbound" : "external";
    }

    static void dns(ZeekFields f) {
        f.set("network.transport", ZeekFields.lower(f.take("proto")));
        f.set("network.protocol", "dns");
        f.move("trans_id", "dns.id");
        f.move("query", "dns.question.name");
        Object qclass = f.peek("qclass");
        String className = qclass instanceof Long number ? DNS_CLASSES.get(number) : null;
        f.set("dns.question.class", className != null ? className : f.peekText("qclass_name"));
        f.move("qtype_name", "dns.question.type");
        String rcode = f.takeText("rcode_name");
        f.set("dns.response_code", rcode);
        f.set("dns.type", rcode != null ? "answer" : "query");
        for (String flag : List.of("AA", "TC", "RD", "RA")) {
            if (Boolean.TRUE.equals(f.peek(flag))) {
                f.event().add("dns.header_flags", flag);
            }
        }
        f.set("event.duration", f.takeNanos("rtt"));
        List<String> answers = f.peekList("answers");
        // ECS's dns.answers objects as Elasticsearch flattens them: the data, and the TTLs when they pair up.
        f.set("dns.answers.data", answers.isEmpty() ? null : answers);
        List<String> ttls = f.peekList("TTLs");
        f.set("dns.answers.ttl", ttls.size() == answers.size() && !ttls.isEmpty() ? ttls : null);
        // Resolved addresses let enrichment match a looked-up domain's IPs against the botnet list.
        for (String answer : answers) {
            if (ZeekFields.isIpAddress(answer)) {
                f.event().add("dns.resolved_ip", ZeekFields.unmapped(answer));
            }
        }
    }

    static void http(ZeekFields f) {
        f.move("method", "http.request.method");
        String host = f.takeText("host");
        f.set("url.domain", host);
        f.setIfAbsent("destination.domain", host);
        String uri = f.takeText("uri");
        if (uri != null) {
            f.set("url.original", uri);
            RequestTarget target = RequestTarget.of(uri);
            f.set("url.path", target.path());
            f.set("url.query", target.query());
        }
        f.move("referrer", "http.request.referrer");
        f.move("version", "http.version");
        f.move("user_agent", "user_agent.original");
        Object status = f.take("status_code");
        f.set("http.response.status_code", status);
        Object code = f.event().get("http.response.status_code");
        if (code instanceof Long c) {
            f.set("event.outcome", c < 400 ? "success" : "failure");
        }
        f.move("request_body_len", "http.request.body.bytes");
        f.move("response_body_len", "http.response.body.bytes");
        String username = f.takeText("username");
        f.set("url.username", username);
        f.set("user.name", username);
        List<String> requestTypes = f.peekList("orig_mime_types");
        List<String> responseTypes = f.peekList("resp_mime_types");
        f.set("http.request.mime_type", requestTypes.isEmpty() ? null : requestTypes.get(0));
        f.set("http.response.mime_type", responseTypes.isEmpty() ? null : responseTypes.get(0));
    }

    static void ssl(ZeekFields f) {
        f.set("network.protocol", "tls");
        String version = f.peekText("version");
        if (version != null) {
            Matcher m = TLS_VERSION.matcher(version.trim());
            if (m.matches()) {
                f.set("tls.version_protocol", m.group(1).toLowerCase(Locale.ROOT));
                f.set("tls.version", m.group(2) + "." + (m.group(3).isEmpty() ? "0" : m.group(3)));
            } else {
                f.set("tls.version", version);
            }
        }
        f.move("cipher", "tls.cipher");
        f.move("curve", "tls.curve");
        String serverName = f.takeText("server_name");
        f.set("tls.client.server_name", serverName);
        f.setIfAbsent("destination.domain", serverName);
        f.move("resumed", "tls.resumed");
        f.move("established", "tls.established");
        f.move("next_protocol", "tls.next_protocol");
        f.move("subject", "tls.server.subject");
        f.move("issuer", "tls.server.issuer");
        f.move("client_subject", "tls.client.subject");
        f.move("client_issuer", "tls.client.issuer");
        f.move("ja3", "tls.client.ja3");
        f.move("ja3s", "tls.server.ja3s");
        String sha1 = f.takeText("resp_certificate_sha1");
        f.set("tls.server.hash.sha1", sha1 == null ? null : sha1.toUpperCase(Locale.ROOT));
        f.set("tls.server.not_before", instant(f, "not_valid_before"));
        f.set("tls.server.not_after", instant(f, "not_valid_after"));
    }

    /**
     * A Zeek {@code time} field as ISO 8601 text, as ECS dates are; a value that is not a time in the accepted years
     * stays in the record (and so under {@code zeek.ssl.*}) rather than refusing the whole record.
     */
    static String instant(ZeekFields f, String name) {
        if (!f.record().has(name)) {
            return null;
        }
        try {
            String iso = Instant.ofEpochMilli(ZeekNormaliser.epochMillis(f.record().get(name))).toString();
            f.record().remove(name);
            return iso;
        } catch (RejectedEventException e) {
            return null;
        }
    }
}
