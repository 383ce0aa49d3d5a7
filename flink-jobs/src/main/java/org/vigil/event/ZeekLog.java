package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * The Zeek logs Vigil maps to ECS, named by their Zeek path ({@code conn}) and their dataset in Elastic's Zeek
 * integration ({@code zeek.connection}), so the same log read raw or through Filebeat lands in the same dataset.
 */
public enum ZeekLog {
    CONN("conn", "connection", List.of("network"), List.of("connection")),
    DNS("dns", "dns", List.of("network"), List.of("connection", "protocol", "info")),
    HTTP("http", "http", List.of("network", "web"), List.of("connection", "protocol", "info")),
    SSL("ssl", "ssl", List.of("network"), List.of("connection", "protocol")),
    NOTICE("notice", "notice", List.of("intrusion_detection"), List.of("info")),
    WEIRD("weird", "weird", List.of("network"), List.of("info")),
    FILES("files", "files", List.of("file"), List.of("info")),
    X509("x509", "x509", List.of("network"), List.of("info"));

    private final String path;
    private final String dataset;
    private final List<String> category;
    private final List<String> type;

    ZeekLog(String path, String datasetSuffix, List<String> category, List<String> type) {
        this.path = path;
        this.dataset = "zeek." + datasetSuffix;
        this.category = category;
        this.type = type;
    }

    /** Zeek's name for the log: its {@code #path}, {@code _path} and file name ({@code conn.log}). */
    public String path() {
        return path;
    }

    /** {@code event.dataset}, and the prefix under which the log's unmapped fields are kept. */
    public String dataset() {
        return dataset;
    }

    List<String> category() {
        return category;
    }

    List<String> type() {
        return type;
    }

    /** The log with this Zeek path (case ignored), or null for logs Vigil does not map. */
    public static ZeekLog ofPath(String path) {
        if (path == null) {
            return null;
        }
        String wanted = path.trim().toLowerCase(Locale.ROOT);
        for (ZeekLog log : values()) {
            if (log.path.equals(wanted)) {
                return log;
            }
        }
        return null;
    }

    /**
     * The log a record without {@code _path} comes from, recognised by the fields only that log has; null when
     * none fits. HTTP is tested before SSL because both have {@code version}, and DNS before conn because both
     * have {@code proto}.
     */
    static ZeekLog ofFields(JsonNode record) {
        if (hasAny(record, "method", "uri", "status_code", "user_agent")) {
            return HTTP;
        }
        if (hasAny(record, "query", "qtype_name", "rcode_name", "trans_id")) {
            return DNS;
        }
        if (hasAny(record, "cipher", "server_name", "ssl_history", "cert_chain_fps", "cert_chain_fuids")
                || record.has("version") && record.has("established")) {
            return SSL;
        }
        if (record.has("note") && record.has("msg")) {
            return NOTICE;
        }
        if (record.has("fuid") && hasAny(record, "mime_type", "seen_bytes", "source", "analyzers")) {
            return FILES;
        }
        if (hasAny(record, "certificate.subject", "certificate.serial", "certificate.issuer")) {
            return X509;
        }
        if (record.has("name") && hasAny(record, "peer", "notice", "addl")) {
            return WEIRD;
        }
        if (record.has("uid") && record.has("id.orig_h") && hasAny(record, "proto", "conn_state")) {
            return CONN;
        }
        return null;
    }

    private static boolean hasAny(JsonNode record, String... names) {
        for (String name : names) {
            if (record.has(name)) {
                return true;
            }
        }
        return false;
    }
}
