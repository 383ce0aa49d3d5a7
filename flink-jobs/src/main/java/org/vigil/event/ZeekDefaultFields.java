package org.vigil.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns Zeek writes by default for conn, dns, http and ssl, per release line, for TSV lines that arrive without
 * their {@code #fields} header (a shipper that drops {@code #} lines, or a reader that joined mid-file).
 *
 * <p>Lists are told apart by their column count, then by whether a line's values fit the column types; logs with
 * fields added by policy scripts or packages (e.g. JA3, community ID) need their header.
 */
final class ZeekDefaultFields {

    private static final String ID = "ts time,uid string,id.orig_h addr,id.orig_p port,id.resp_h addr,id.resp_p port,";

    private static final String CONN = ID + "proto enum,service string,duration interval,orig_bytes count,"
            + "resp_bytes count,conn_state string,local_orig bool,local_resp bool,missed_bytes count,history string,"
            + "orig_pkts count,orig_ip_bytes count,resp_pkts count,resp_ip_bytes count,tunnel_parents set[string]";
    private static final String DNS = ID + "proto enum,trans_id count,rtt interval,query string,qclass count,"
            + "qclass_name string,qtype count,qtype_name string,rcode count,rcode_name string,AA bool,TC bool,"
            + "RD bool,RA bool,Z count,answers vector[string],TTLs vector[interval],rejected bool";
    private static final String HTTP_REQUEST = ID + "trans_depth count,method string,host string,uri string,"
            + "referrer string,version string,user_agent string,";
    private static final String HTTP_RESPONSE = "request_body_len count,response_body_len count,"
            + "status_code count,status_msg string,info_code count,info_msg string,tags set[enum],username string,"
            + "password string,proxied set[string],orig_fuids vector[string],orig_filenames vector[string],"
            + "orig_mime_types vector[string],resp_fuids vector[string],resp_filenames vector[string],"
            + "resp_mime_types vector[string]";
    private static final String SSL = ID + "version string,cipher string,curve string,server_name string,"
            + "resumed bool,last_alert string,next_protocol string,established bool,";
    private static final String SSL_FINGERPRINTS = SSL + "ssl_history string,cert_chain_fps vector[string],"
            + "client_cert_chain_fps vector[string],sni_matches_cert bool";
    private static final String SSL_FUIDS = SSL + "cert_chain_fuids vector[string],"
            + "client_cert_chain_fuids vector[string],subject string,issuer string,client_subject string,"
            + "client_issuer string";
    private static final String VALIDATION = ",validation_status string";

    /** Candidates in the order they are tried: the most common log first, where column counts coincide. */
    private static final List<ZeekDefaultFields> ALL = List.of(
            new ZeekDefaultFields(ZeekLog.CONN, "Zeek 3.0 to 7.0", CONN),
            new ZeekDefaultFields(ZeekLog.CONN, "Zeek 7.1 and later", CONN + ",ip_proto count"),
            new ZeekDefaultFields(ZeekLog.DNS, "Zeek 2.6 and later", DNS),
            new ZeekDefaultFields(ZeekLog.HTTP, "Zeek 3.0 and later", HTTP_REQUEST + "origin string," + HTTP_RESPONSE),
            new ZeekDefaultFields(ZeekLog.HTTP, "Bro 2.5 to Zeek 2.6", HTTP_REQUEST + HTTP_RESPONSE),
            new ZeekDefaultFields(ZeekLog.SSL, "Zeek 6.0 and later", SSL_FINGERPRINTS),
            new ZeekDefaultFields(ZeekLog.SSL, "Zeek 6.0 and later, validate-certs", SSL_FINGERPRINTS + VALIDATION),
            new ZeekDefaultFields(ZeekLog.SSL, "Zeek 3.0 to 4.x", SSL_FUIDS),
            new ZeekDefaultFields(ZeekLog.SSL, "Zeek 3.0 to 4.x, validate-certs", SSL_FUIDS + VALIDATION));

    /** The type of every field name in the default lists, for headers with {@code #fields} but no {@code #types}. */
    private static final Map<String, String> TYPE_BY_NAME = typesByName();

    private final ZeekLog log;
    private final String release;
    private final List<String> fields;
    private final List<String> types;

    private ZeekDefaultFields(ZeekLog log, String release, String columns) {
        this.log = log;
        this.release = release;
        List<String> names = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (String column : columns.split(",")) {
            String[] nameAndType = column.split(" ");
            names.add(nameAndType[0]);
            kinds.add(nameAndType[1]);
        }
        this.fields = Collections.unmodifiableList(names);
        this.types = Collections.unmodifiableList(kinds);
    }

    ZeekLog log() {
        return log;
    }

    /** The Zeek release line this list is the default of, for messages. */
    String release() {
        return release;
    }

    List<String> fields() {
        return fields;
    }

    List<String> types() {
        return types;
    }

    /** The default lists with this many columns, of {@code log} only unless it is null, in the order to try them. */
    static List<ZeekDefaultFields> withColumns(int columns, ZeekLog log) {
        List<ZeekDefaultFields> matching = new ArrayList<>();
        for (ZeekDefaultFields candidate : ALL) {
            if (candidate.fields.size() == columns && (log == null || candidate.log == log)) {
                matching.add(candidate);
            }
        }
        return matching;
    }

    /** The column counts Zeek writes by default for {@code log} (all logs when null), for messages. */
    static List<Integer> columnCounts(ZeekLog log) {
        List<Integer> counts = new ArrayList<>();
        for (ZeekDefaultFields candidate : ALL) {
            if ((log == null || candidate.log == log) && !counts.contains(candidate.fields.size())) {
                counts.add(candidate.fields.size());
            }
        }
        Collections.sort(counts);
        return counts;
    }

    /** Zeek's type of a field of a default log by name, or null for names outside them. */
    static String typeOf(String field) {
        return TYPE_BY_NAME.get(field);
    }

    private static Map<String, String> typesByName() {
        Map<String, String> types = new HashMap<>();
        for (ZeekDefaultFields candidate : ALL) {
            for (int i = 0; i < candidate.fields.size(); i++) {
                types.putIfAbsent(candidate.fields.get(i), candidate.types.get(i));
            }
        }
        return Collections.unmodifiableMap(types);
    }
}
