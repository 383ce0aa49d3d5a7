package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;

/**
 * One workstation's visit to a CDN and one scanner's request to the e-portal, as Zeek logs them in JSON and in TSV,
 * and helpers that parse them the way the job does.
 */
final class ZeekRecords {

    static final String ZEEK_TOPIC = "soc.events.zeek";
    static final String MIXED_TOPIC = "soc.events.mixed";

    static final EventParser PARSER = EventParser.builder().topicFormat(ZEEK_TOPIC, EventFormat.ZEEK).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    // 10.20.4.17 resolves portal-cdn.example.net and opens TLS to it (Zeek 7.1, local_nets set, validate-certs).
    static final String DNS_JSON = """
            {"ts":1772438399.981002,"uid":"CpjMvS2mCwUtOhpBG1","id.orig_h":"10.20.4.17","id.orig_p":53211,\
            "id.resp_h":"10.20.0.53","id.resp_p":53,"proto":"udp","trans_id":40301,"rtt":0.012004,\
            "query":"portal-cdn.example.net","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A",\
            "rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,\
            "answers":["edge.example.net","203.0.113.80","2001:db8:80::1"],"TTLs":[300.0,60.0,60.0],\
            "rejected":false}""";
    static final String CONN_JSON = """
            {"ts":1772438400.123456,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.20.4.17","id.orig_p":51544,\
            "id.resp_h":"203.0.113.80","id.resp_p":443,"proto":"tcp","service":"ssl","duration":12.345678,\
            "orig_bytes":1520,"resp_bytes":48213,"conn_state":"SF","local_orig":true,"local_resp":false,\
            "missed_bytes":0,"history":"ShADadFf","orig_pkts":28,"orig_ip_bytes":2984,"resp_pkts":41,\
            "resp_ip_bytes":50353,"ip_proto":6}""";
    static final String SSL_JSON = """
            {"ts":1772438400.140231,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.20.4.17","id.orig_p":51544,\
            "id.resp_h":"203.0.113.80","id.resp_p":443,"version":"TLSv12",\
            "cipher":"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256","curve":"x25519",\
            "server_name":"portal-cdn.example.net","resumed":false,"next_protocol":"h2","established":true,\
            "ssl_history":"CsxknGIi","cert_chain_fps":["597e3ba5bf295718aa5691d0a153493cb8f2f2691aa10c1f504c1413479bccb6",\
            "4bcc5e234fe81ede4eaf883aa19c31335b0b26e85e066b9945e4cb6153eb20c2"],"client_cert_chain_fps":[],\
            "sni_matches_cert":true,"validation_status":"self signed certificate in certificate chain"}""";
    // A scanner probes the e-portal's search with SQL injection (Zeek 6, http.log with the origin column).
    static final String HTTP_JSON = """
            {"ts":1772438460.500001,"uid":"C4J4Th3PJpwUYZZ6gc","id.orig_h":"198.51.100.23","id.orig_p":40112,\
            "id.resp_h":"10.20.0.80","id.resp_p":80,"trans_depth":1,"method":"GET","host":"eportal.gov.example",\
            "uri":"/search.php?q=1%27%20OR%20%271%27=%271","version":"1.1",\
            "user_agent":"sqlmap/1.7.2#stable (https://sqlmap.org)","request_body_len":0,"response_body_len":5120,\
            "status_code":500,"status_msg":"Internal Server Error","tags":[],\
            "resp_fuids":["FhmUFh2eVq3q5bWc1"],"resp_mime_types":["text/html"]}""";

    static final String HEADER_START = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n";

    static final String DNS_TSV = HEADER_START + """
            #path\tdns
            #open\t2026-03-02-08-00-00
            #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected
            #types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool
            1772438399.981002\tCpjMvS2mCwUtOhpBG1\t10.20.4.17\t53211\t10.20.0.53\t53\tudp\t40301\t0.012004\tportal-cdn.example.net\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\tedge.example.net,203.0.113.80,2001:db8:80::1\t300.000000,60.000000,60.000000\tF
            """;
    static final String CONN_TSV = HEADER_START + """
            #path\tconn
            #open\t2026-03-02-08-00-00
            #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tip_proto
            #types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount
            1772438400.123456\tCHhAvVGS1DHFjwGM9\t10.20.4.17\t51544\t203.0.113.80\t443\ttcp\tssl\t12.345678\t1520\t48213\tSF\tT\tF\t0\tShADadFf\t28\t2984\t41\t50353\t-\t6
            #close\t2026-03-02-09-00-00
            """;
    static final String SSL_TSV = HEADER_START + """
            #path\tssl
            #open\t2026-03-02-08-00-00
            #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\tsni_matches_cert\tvalidation_status
            #types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\tvector[string]\tvector[string]\tbool\tstring
            1772438400.140231\tCHhAvVGS1DHFjwGM9\t10.20.4.17\t51544\t203.0.113.80\t443\tTLSv12\tTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\tx25519\tportal-cdn.example.net\tF\t-\th2\tT\tCsxknGIi\t597e3ba5bf295718aa5691d0a153493cb8f2f2691aa10c1f504c1413479bccb6,4bcc5e234fe81ede4eaf883aa19c31335b0b26e85e066b9945e4cb6153eb20c2\t(empty)\tT\tself signed certificate in certificate chain
            """;
    static final String HTTP_TSV = HEADER_START + """
            #path\thttp
            #open\t2026-03-02-08-00-00
            #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\tversion\tuser_agent\torigin\trequest_body_len\tresponse_body_len\tstatus_code\tstatus_msg\tinfo_code\tinfo_msg\ttags\tusername\tpassword\tproxied\torig_fuids\torig_filenames\torig_mime_types\tresp_fuids\tresp_filenames\tresp_mime_types
            #types\ttime\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tstring\tstring\tcount\tcount\tcount\tstring\tcount\tstring\tset[enum]\tstring\tstring\tset[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]
            1772438460.500001\tC4J4Th3PJpwUYZZ6gc\t198.51.100.23\t40112\t10.20.0.80\t80\t1\tGET\teportal.gov.example\t/search.php?q=1%27%20OR%20%271%27=%271\t-\t1.1\tsqlmap/1.7.2#stable (https://sqlmap.org)\t-\t0\t5120\t500\tInternal Server Error\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\tFhmUFh2eVq3q5bWc1\t-\ttext/html
            """;

    private ZeekRecords() {}

    static ParseResult parse(String json, String topic) {
        return PARSER.parse(json.getBytes(UTF_8), topic, 0, 0L);
    }

    static SecurityEvent event(String json) {
        return event(json, ZEEK_TOPIC);
    }

    static SecurityEvent event(String json, String topic) {
        ParseResult result = parse(json, topic);
        assertThat(result.isEvent()).as("parsed, not %s", result.isEvent() ? null : result.deadLetter()).isTrue();
        return result.event();
    }

    static DeadLetter deadLetter(String json, String topic) {
        ParseResult result = parse(json, topic);
        assertThat(result.isEvent()).as("dead letter, not %s", result.isEvent() ? result.event() : null).isFalse();
        return result.deadLetter();
    }

    /** Reads a Zeek TSV log the way a line source would: header lines update the header, the last data line is read. */
    static JsonNode lastRecord(String log, ZeekTsvReader reader) throws RejectedEventException {
        ZeekTsvHeader header = ZeekTsvHeader.DEFAULT;
        JsonNode last = null;
        for (String line : log.split("\n")) {
            if (ZeekTsvHeader.isHeaderLine(line)) {
                header = header.with(line);
            } else {
                last = reader.read(header, line);
            }
        }
        return last;
    }

    /** The last data line of a TSV log as an event, through the record's JSON bytes on a Zeek topic. */
    static SecurityEvent tsvEvent(String log) throws Exception {
        return event(JSON.writeValueAsString(lastRecord(log, new ZeekTsvReader(null))));
    }

    /** Every field but the id, which is a hash of the record's bytes and so differs between JSON and TSV. */
    static Map<String, Object> fieldsWithoutId(SecurityEvent event) {
        Map<String, Object> fields = new TreeMap<>(event.fields());
        fields.remove("event.id");
        return fields;
    }

    /** The fields rules can use. */
    static Map<String, Object> ruleVisible(SecurityEvent event) {
        Map<String, Object> fields = new TreeMap<>();
        event.fields().forEach((name, value) -> {
            if (EventSchema.isKnown(name) && !"event.id".equals(name)) {
                fields.put(name, value);
            }
        });
        return fields;
    }
}
