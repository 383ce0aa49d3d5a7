package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.event.ZeekRecords.CONN_JSON;
import static org.vigil.event.ZeekRecords.DNS_JSON;
import static org.vigil.event.ZeekRecords.HTTP_JSON;
import static org.vigil.event.ZeekRecords.MIXED_TOPIC;
import static org.vigil.event.ZeekRecords.SSL_JSON;
import static org.vigil.event.ZeekRecords.ZEEK_TOPIC;
import static org.vigil.event.ZeekRecords.deadLetter;
import static org.vigil.event.ZeekRecords.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ZeekNormaliserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void connMapsEndpointsCountsAndState() {
        SecurityEvent e = event(CONN_JSON, MIXED_TOPIC);

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-03-02T08:00:00.123Z"));
        assertThat(e.get("event.module")).isEqualTo("zeek");
        assertThat(e.get("event.dataset")).isEqualTo("zeek.connection");
        assertThat(e.get("event.kind")).isEqualTo("event");
        assertThat(e.get("event.category")).isEqualTo(List.of("network"));
        assertThat(e.get("event.type")).isEqualTo(List.of("connection", "start", "end"));
        assertThat(e.get("observer.product")).isEqualTo("zeek");
        assertThat(e.get("source.ip")).isEqualTo("10.20.4.17");
        assertThat(e.get("source.port")).isEqualTo(51544L);
        assertThat(e.get("destination.ip")).isEqualTo("203.0.113.80");
        assertThat(e.get("destination.port")).isEqualTo(443L);
        assertThat(e.get("network.transport")).isEqualTo("tcp");
        assertThat(e.get("network.protocol")).isEqualTo("tls");
        assertThat(e.get("zeek.connection.service")).isEqualTo("ssl");
        assertThat(e.get("network.direction")).isEqualTo("outbound");
        // IP-level bytes, as Elastic's integration and Suricata flows count; payload bytes stay under zeek.*.
        assertThat(e.get("source.bytes")).isEqualTo(2984L);
        assertThat(e.get("destination.bytes")).isEqualTo(50353L);
        assertThat(e.get("network.bytes")).isEqualTo(53337L);
        assertThat(e.get("source.packets")).isEqualTo(28L);
        assertThat(e.get("network.packets")).isEqualTo(69L);
        assertThat(e.get("zeek.connection.orig_bytes")).isEqualTo(1520L);
        assertThat(e.get("event.duration")).isEqualTo(12_345_678_000L);
        assertThat(e.get("zeek.connection.state")).isEqualTo("SF");
        assertThat(e.get("zeek.connection.state_message")).isEqualTo("Normal establishment and termination.");
        assertThat(e.get("zeek.connection.history")).isEqualTo("ShADadFf");
        assertThat(e.get("zeek.connection.ip_proto")).isEqualTo(6L);
        assertThat(e.get("zeek.session_id")).isEqualTo("CHhAvVGS1DHFjwGM9");
        assertThat(e.fields()).doesNotContainKeys("ts", "zeek.connection.ts", "zeek.connection.uid",
                "zeek.connection.id.orig_h", "zeek.connection.conn_state");
    }

    @Test
    void recordsOfOneConnectionShareTheSessionIdButNotTheEventId() {
        SecurityEvent conn = event(CONN_JSON);
        SecurityEvent ssl = event(SSL_JSON);

        assertThat(conn.get("zeek.session_id")).isEqualTo(ssl.get("zeek.session_id"));
        assertThat(conn.id()).isNotEqualTo(ssl.id()).isNotEqualTo("CHhAvVGS1DHFjwGM9");
        assertThat(conn.id()).isEqualTo(EventParser.contentId(CONN_JSON.getBytes(UTF_8)));
    }

    @Test
    void rejectedConnectionIsDeniedAndUnsetFieldsStayAbsent() {
        SecurityEvent e = event("""
                {"ts":1772438401.5,"uid":"CUM0KZ3MLUfNB0cl11","id.orig_h":"198.51.100.23","id.orig_p":40200,\
                "id.resp_h":"10.20.0.5","id.resp_p":3389,"proto":"tcp","conn_state":"REJ","local_orig":false,\
                "local_resp":true,"missed_bytes":0,"history":"Sr","orig_pkts":1,"orig_ip_bytes":44,"resp_pkts":1,\
                "resp_ip_bytes":40}""");

        assertThat(e.get("event.type")).isEqualTo(List.of("connection", "start", "denied"));
        assertThat(e.get("network.direction")).isEqualTo("inbound");
        assertThat(e.fields()).doesNotContainKeys("network.protocol", "event.duration", "zeek.connection.service");
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-03-02T08:00:01.500Z"));
    }

    @Test
    void icmpTypeAndCodeAreNotPorts() {
        SecurityEvent e = event("""
                {"ts":1772438402.0,"uid":"Cc6NJ3GRlfjE44I3h","id.orig_h":"192.0.2.205","id.orig_p":8,\
                "id.resp_h":"10.20.0.1","id.resp_p":0,"proto":"icmp","conn_state":"OTH","missed_bytes":0,\
                "orig_pkts":1,"orig_ip_bytes":84,"resp_pkts":0,"resp_ip_bytes":0}""");

        assertThat(e.get("network.transport")).isEqualTo("icmp");
        assertThat(e.fields()).doesNotContainKeys("source.port", "destination.port");
        assertThat(e.get("zeek.connection.icmp.type")).isEqualTo(8L);
        assertThat(e.get("zeek.connection.icmp.code")).isEqualTo(0L);
    }

    @Test
    void ipv6EndpointsAndIpv4MappedAddresses() {
        SecurityEvent v6 = event("""
                {"ts":1772438403.25,"uid":"CvX3rB1dT9pDv0cT8","id.orig_h":"2001:db8:10::17","id.orig_p":50000,\
                "id.resp_h":"fe80::1%eth0","id.resp_p":22,"proto":"tcp","conn_state":"S0"}""");
        SecurityEvent mapped = event("""
                {"ts":1772438403.25,"uid":"CvX3rB1dT9pDv0cT9","id.orig_h":"::ffff:10.20.4.17","id.orig_p":50001,\
                "id.resp_h":"10.20.0.5","id.resp_p":22,"proto":"tcp","conn_state":"S0"}""");

        assertThat(v6.get("source.ip")).isEqualTo("2001:db8:10::17");
        assertThat(v6.get("destination.ip")).isEqualTo("fe80::1%eth0");
        assertThat(v6.get("event.type")).isEqualTo(List.of("connection", "start"));
        assertThat(mapped.get("source.ip")).isEqualTo("10.20.4.17");
    }

    @Test
    void dnsMapsQuestionAnswerAndResolvedAddresses() {
        SecurityEvent e = event(DNS_JSON, MIXED_TOPIC);

        assertThat(e.get("event.dataset")).isEqualTo("zeek.dns");
        assertThat(e.get("event.type")).isEqualTo(List.of("connection", "protocol", "info"));
        assertThat(e.get("network.protocol")).isEqualTo("dns");
        assertThat(e.get("network.transport")).isEqualTo("udp");
        assertThat(e.get("dns.question.name")).isEqualTo("portal-cdn.example.net");
        assertThat(e.get("dns.question.type")).isEqualTo("A");
        assertThat(e.get("dns.question.class")).isEqualTo("IN");
        assertThat(e.get("zeek.dns.qclass_name")).isEqualTo("C_INTERNET");
        assertThat(e.get("dns.response_code")).isEqualTo("NOERROR");
        assertThat(e.get("dns.type")).isEqualTo("answer");
        assertThat(e.get("dns.id")).isEqualTo(40301L);
        assertThat(e.get("dns.header_flags")).isEqualTo(List.of("RD", "RA"));
        assertThat(e.get("dns.resolved_ip")).isEqualTo(List.of("203.0.113.80", "2001:db8:80::1"));
        assertThat(e.get("zeek.dns.answers")).isEqualTo(List.of("edge.example.net", "203.0.113.80", "2001:db8:80::1"));
        assertThat(e.get("dns.answers.data")).isEqualTo(List.of("edge.example.net", "203.0.113.80", "2001:db8:80::1"));
        assertThat(e.get("dns.answers.ttl")).isEqualTo(List.of("300.0", "60.0", "60.0"));
        assertThat(e.get("event.duration")).isEqualTo(12_004_000L);
    }

    @Test
    void unansweredDnsQueryIsAQuery() {
        SecurityEvent e = event("""
                {"ts":1772438404.0,"uid":"CQ1","id.orig_h":"10.20.4.17","id.orig_p":53300,"id.resp_h":"10.20.0.53",\
                "id.resp_p":53,"proto":"udp","trans_id":7,"query":"x7f3k2.dyn.example","qtype_name":"TXT",\
                "AA":false,"TC":false,"RD":true,"RA":false,"Z":0,"rejected":false}""");

        assertThat(e.get("dns.type")).isEqualTo("query");
        assertThat(e.fields()).doesNotContainKeys("dns.response_code", "dns.resolved_ip");
        assertThat(e.get("dns.header_flags")).isEqualTo(List.of("RD"));
    }

    @Test
    void httpMapsRequestResponseAndUrl() {
        SecurityEvent e = event(HTTP_JSON, MIXED_TOPIC);

        assertThat(e.get("event.dataset")).isEqualTo("zeek.http");
        assertThat(e.get("event.category")).isEqualTo(List.of("network", "web"));
        assertThat(e.get("http.request.method")).isEqualTo("GET");
        assertThat(e.get("http.response.status_code")).isEqualTo(500L);
        assertThat(e.get("event.outcome")).isEqualTo("failure");
        assertThat(e.get("url.domain")).isEqualTo("eportal.gov.example");
        assertThat(e.get("destination.domain")).isEqualTo("eportal.gov.example");
        assertThat(e.get("url.original")).isEqualTo("/search.php?q=1%27%20OR%20%271%27=%271");
        assertThat(e.get("url.path")).isEqualTo("/search.php");
        assertThat(e.get("url.query")).isEqualTo("q=1%27%20OR%20%271%27=%271");
        assertThat(e.get("user_agent.original")).isEqualTo("sqlmap/1.7.2#stable (https://sqlmap.org)");
        assertThat(e.get("http.version")).isEqualTo("1.1");
        assertThat(e.get("http.response.body.bytes")).isEqualTo(5120L);
        assertThat(e.get("http.request.body.bytes")).isEqualTo(0L);
        assertThat(e.get("http.response.mime_type")).isEqualTo("text/html");
        assertThat(e.get("zeek.http.status_msg")).isEqualTo("Internal Server Error");
        assertThat(e.get("zeek.http.resp_fuids")).isEqualTo(List.of("FhmUFh2eVq3q5bWc1"));
        assertThat(e.fields()).doesNotContainKeys("user.name", "http.request.referrer", "zeek.http.tags");
    }

    @Test
    void httpThroughAProxyWithBasicAuthentication() {
        SecurityEvent e = event("""
                {"ts":1772438405.0,"uid":"CP1","id.orig_h":"10.20.4.17","id.orig_p":51000,"id.resp_h":"10.20.0.3",\
                "id.resp_p":3128,"trans_depth":1,"method":"GET","host":"updates.example.org",\
                "uri":"http://updates.example.org/v2/list?channel=stable","referrer":"http://portal.gov.example/",\
                "version":"1.1","user_agent":"curl/8.5.0","status_code":302,"username":"svc-backup",\
                "proxied":["X-FORWARDED-FOR -> 10.20.9.9"]}""");

        assertThat(e.get("url.path")).isEqualTo("/v2/list");
        assertThat(e.get("url.query")).isEqualTo("channel=stable");
        assertThat(e.get("http.request.referrer")).isEqualTo("http://portal.gov.example/");
        assertThat(e.get("user.name")).isEqualTo("svc-backup");
        assertThat(e.get("url.username")).isEqualTo("svc-backup");
        assertThat(e.get("event.outcome")).isEqualTo("success");
        assertThat(e.get("zeek.http.proxied")).isEqualTo(List.of("X-FORWARDED-FOR -> 10.20.9.9"));
    }

    @Test
    void sslMapsTlsFields() {
        SecurityEvent e = event(SSL_JSON, MIXED_TOPIC);

        assertThat(e.get("event.dataset")).isEqualTo("zeek.ssl");
        assertThat(e.get("network.protocol")).isEqualTo("tls");
        assertThat(e.get("tls.version")).isEqualTo("1.2");
        assertThat(e.get("tls.version_protocol")).isEqualTo("tls");
        assertThat(e.get("tls.cipher")).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(e.get("tls.curve")).isEqualTo("x25519");
        assertThat(e.get("tls.client.server_name")).isEqualTo("portal-cdn.example.net");
        assertThat(e.get("destination.domain")).isEqualTo("portal-cdn.example.net");
        assertThat(e.get("tls.established")).isEqualTo(true);
        assertThat(e.get("tls.resumed")).isEqualTo(false);
        assertThat(e.get("tls.next_protocol")).isEqualTo("h2");
        assertThat(e.get("zeek.ssl.validation_status")).isEqualTo("self signed certificate in certificate chain");
        assertThat(e.get("zeek.ssl.version")).isEqualTo("TLSv12");
        assertThat(e.get("zeek.ssl.cert_chain_fps")).asList().hasSize(2);
        assertThat(e.fields()).doesNotContainKeys("zeek.ssl.client_cert_chain_fps", "zeek.ssl.last_alert");
    }

    @Test
    void olderSslRecordsWithCertificateNamesAndJa3() {
        SecurityEvent e = event("""
                {"ts":1602179457.352156,"uid":"CK17Dl2SB8bZOVonSl","id.orig_h":"10.0.0.1","id.orig_p":49228,\
                "id.resp_h":"192.168.50.1","id.resp_p":443,"version":"SSLv3","cipher":"TLS_RSA_WITH_RC4_128_SHA",\
                "resumed":false,"established":true,"cert_chain_fuids":["FOLwYQ6rs70bIMSf9"],\
                "client_cert_chain_fuids":[],"subject":"CN=portal.gov.example,O=Province,C=VN",\
                "issuer":"CN=Province CA,O=Province,C=VN","validation_status":"self signed certificate",\
                "ja3":"74927e242d6c3febf8cb9cab10a7f889","ja3s":"80b3a14bccc8598a1f3bbe83e71f735f",\
                "resp_certificate_sha1":"5dad8b55621b6b9c30679d9d61248dd132a83c94",\
                "not_valid_before":1562022421,"not_valid_after":1577748224}""");

        assertThat(e.get("tls.version")).isEqualTo("3.0");
        assertThat(e.get("tls.version_protocol")).isEqualTo("ssl");
        assertThat(e.get("tls.server.subject")).isEqualTo("CN=portal.gov.example,O=Province,C=VN");
        assertThat(e.get("tls.server.issuer")).isEqualTo("CN=Province CA,O=Province,C=VN");
        assertThat(e.get("tls.client.ja3")).isEqualTo("74927e242d6c3febf8cb9cab10a7f889");
        assertThat(e.get("tls.server.ja3s")).isEqualTo("80b3a14bccc8598a1f3bbe83e71f735f");
        assertThat(e.get("tls.server.hash.sha1")).isEqualTo("5DAD8B55621B6B9C30679D9D61248DD132A83C94");
        assertThat(e.get("tls.server.not_before")).isEqualTo("2019-07-01T23:07:01Z");
        assertThat(e.get("tls.server.not_after")).isEqualTo("2019-12-30T23:23:44Z");
        assertThat(e.fields()).doesNotContainKey("destination.domain");
    }

    @Test
    void kafkaPluginTaggedRecordsAndShipperPathsNameTheLog() {
        SecurityEvent tagged = event("{\"dns\":" + DNS_JSON + "}", MIXED_TOPIC);
        SecurityEvent withPath = event(CONN_JSON.replace("{\"ts\"", "{\"_path\":\"conn\",\"ts\""), MIXED_TOPIC);
        // A conn record that happens to lack proto and conn_state is still conn when _path says so.
        SecurityEvent bare = event("""
                {"_path":"conn","ts":1772438406.0,"uid":"CB1","id.orig_h":"10.20.4.17","id.orig_p":1,\
                "id.resp_h":"10.20.0.5","id.resp_p":2}""", MIXED_TOPIC);

        assertThat(tagged.get("event.dataset")).isEqualTo("zeek.dns");
        assertThat(tagged.get("dns.question.name")).isEqualTo("portal-cdn.example.net");
        assertThat(withPath.get("event.dataset")).isEqualTo("zeek.connection");
        assertThat(withPath.fields()).doesNotContainKeys("zeek.connection._path", "_path");
        assertThat(bare.get("event.dataset")).isEqualTo("zeek.connection");
    }

    @Test
    void endpointsExpandedIntoAnIdObjectByAShipper() {
        SecurityEvent e = event("""
                {"_path":"conn","ts":1772438407.0,"uid":"CX1","id":{"orig_h":"10.20.4.17","orig_p":50002,\
                "resp_h":"10.20.0.5","resp_p":445},"proto":"tcp","conn_state":"S0"}""", MIXED_TOPIC);

        assertThat(e.get("source.ip")).isEqualTo("10.20.4.17");
        assertThat(e.get("destination.port")).isEqualTo(445L);
        assertThat(e.fields().keySet()).noneMatch(name -> name.startsWith("zeek.connection.id"));
    }

    @Test
    void isoTimestampsAndLogstashTimestampsStillReadAsZeek() {
        SecurityEvent e = event("""
                {"@timestamp":"2026-03-02T08:05:00.000Z","_path":"http","ts":"2026-03-02T08:01:00.500001Z",\
                "uid":"CI1","id.orig_h":"198.51.100.23","id.orig_p":40113,"id.resp_h":"10.20.0.80","id.resp_p":80,\
                "method":"POST","host":"eportal.gov.example","uri":"/upload.php","status_code":200}""", MIXED_TOPIC);

        assertThat(e.get("event.module")).isEqualTo("zeek");
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-03-02T08:01:00.500Z"));
        assertThat(e.get("zeek.http.@timestamp")).isEqualTo("2026-03-02T08:05:00.000Z");
    }

    @Test
    void filebeatsZeekModuleRecordsTakeZeeksTimeAndAnIdOfTheirOwn() {
        // Filebeat's Zeek module maps fields itself, but leaves the event time and a unique id to the ingest pipeline.
        String filebeat = """
                {"@timestamp":"2026-03-02T08:00:14.002Z","event":{"module":"zeek","dataset":"zeek.connection",\
                "kind":"event","category":["network"],"id":"CHhAvVGS1DHFjwGM9"},"fileset":{"name":"connection"},\
                "zeek":{"session_id":"CHhAvVGS1DHFjwGM9","connection":{"ts":1772438400.123456,"state":"SF",\
                "local_orig":true,"local_resp":false,"missed_bytes":0,"history":"ShADadFf"}},\
                "source":{"address":"10.20.4.17","ip":"10.20.4.17","port":51544,"bytes":2984,"packets":28},\
                "destination":{"address":"203.0.113.80","ip":"203.0.113.80","port":443,"bytes":50353,"packets":41},\
                "network":{"transport":"tcp","protocol":"ssl"},"temp":{"duration":12.345678},\
                "host":{"name":"zeek-sensor-01"},"log":{"file":{"path":"/opt/zeek/logs/current/conn.log"}},\
                "ecs":{"version":"1.12.0"}}""";
        String sameConnectionSsl = filebeat.replace("zeek.connection", "zeek.ssl")
                .replace("\"connection\":{\"ts\"", "\"ssl\":{\"ts\"");

        SecurityEvent conn = event(filebeat, MIXED_TOPIC);
        SecurityEvent ssl = event(sameConnectionSsl, MIXED_TOPIC);

        assertThat(conn.timestamp()).isEqualTo(Instant.parse("2026-03-02T08:00:00.123Z"));
        assertThat(conn.get("event.created")).isEqualTo("2026-03-02T08:00:14.002Z");
        assertThat(conn.fields()).doesNotContainKey("zeek.connection.ts");
        assertThat(conn.id()).isNotEqualTo("CHhAvVGS1DHFjwGM9").isNotEqualTo(ssl.id());
        assertThat(conn.get("zeek.session_id")).isEqualTo("CHhAvVGS1DHFjwGM9");
        assertThat(ruleVisibleNetwork(conn)).isEqualTo(ruleVisibleNetwork(event(CONN_JSON)));
        assertThat(ssl.timestamp()).isEqualTo(conn.timestamp());
        // Elastic Agent names the dataset in data_stream only.
        SecurityEvent agent = event("""
                {"@timestamp":"2026-03-02T08:00:20Z","data_stream":{"dataset":"zeek.dns","type":"logs"},\
                "event":{"id":"CpjMvS2mCwUtOhpBG1"},"zeek":{"session_id":"CpjMvS2mCwUtOhpBG1",\
                "dns":{"ts":1772438399.981002,"query":"portal-cdn.example.net"}}}""", MIXED_TOPIC);
        assertThat(agent.timestamp()).isEqualTo(Instant.parse("2026-03-02T07:59:59.981Z"));
        assertThat(agent.id()).isNotEqualTo("CpjMvS2mCwUtOhpBG1");
        // Other Beats records keep their event.id and @timestamp.
        SecurityEvent beats = event("{\"@timestamp\":\"2026-03-02T08:00:14Z\",\"event\":{\"id\":\"e-1\","
                + "\"module\":\"system\"},\"zeek\":{\"connection\":{\"ts\":1.0}}}", MIXED_TOPIC);
        assertThat(beats.id()).isEqualTo("e-1");
        assertThat(beats.timestamp()).isEqualTo(Instant.parse("2026-03-02T08:00:14Z"));
        assertThat(deadLetter(filebeat.replace("1772438400.123456", "\"soon\""), MIXED_TOPIC).reason())
                .isEqualTo(DeadLetterReason.BAD_TIMESTAMP);
    }

    private static Map<String, Object> ruleVisibleNetwork(SecurityEvent e) {
        Map<String, Object> fields = new TreeMap<>();
        for (String name : List.of("source.ip", "source.port", "source.bytes", "source.packets", "destination.ip",
                "destination.port", "destination.bytes", "destination.packets", "network.transport",
                "network.protocol", "event.module", "event.dataset", "event.kind", "event.category")) {
            fields.put(name, e.get(name));
        }
        return fields;
    }

    @Test
    void epochSecondsAreExactToTheMillisecond() throws Exception {
        // The double nearest 1772438400.001 is 1772438400.000999927...; the milliseconds are still the ones Zeek wrote.
        assertThat(ZeekNormaliser.epochMillis(JSON.readTree("1772438400.001"))).isEqualTo(1772438400001L);
        assertThat(ZeekNormaliser.epochMillis(JSON.readTree("1772438400.999999"))).isEqualTo(1772438400999L);
        assertThat(ZeekNormaliser.epochMillis(JSON.readTree("\"1772438400.857999\""))).isEqualTo(1772438400857L);
        assertThat(ZeekNormaliser.epochMillis(JSON.readTree("1772438400"))).isEqualTo(1772438400000L);
    }

    @Test
    void noticeWeirdFilesAndX509() {
        SecurityEvent notice = event("""
                {"ts":1772438500.1,"uid":"CN1","id.orig_h":"198.51.100.23","id.orig_p":40120,\
                "id.resp_h":"10.20.0.80","id.resp_p":443,"proto":"tcp","note":"SSL::Invalid_Server_Cert",\
                "msg":"SSL certificate validation failed with (unable to get local issuer certificate)",\
                "sub":"CN=eportal.gov.example","src":"198.51.100.23","dst":"10.20.0.80","p":443,\
                "actions":["Notice::ACTION_LOG"],"suppress_for":86400.0}""");
        SecurityEvent scan = event("""
                {"ts":1772438501.0,"note":"Scan::Port_Scan","msg":"198.51.100.23 scanned at least 15 unique ports \
                of host 10.20.0.5 in 0m2s","sub":"local","src":"198.51.100.23","dst":"10.20.0.5",\
                "peer_descr":"worker-1-1","actions":["Notice::ACTION_LOG"],"suppress_for":3600.0}""");
        SecurityEvent weird = event("""
                {"_path":"weird","ts":1772438502.0,"uid":"CW1","id.orig_h":"198.51.100.23","id.orig_p":40121,\
                "id.resp_h":"10.20.0.80","id.resp_p":80,"name":"unknown_HTTP_method","addl":"CCM_POST",\
                "notice":false,"peer":"worker-1-1","source":"HTTP"}""");
        SecurityEvent file = event("""
                {"ts":1772438503.0,"fuid":"FhmUFh2eVq3q5bWc1","uid":"C4J4Th3PJpwUYZZ6gc",\
                "id.orig_h":"198.51.100.23","id.orig_p":40112,"id.resp_h":"10.20.0.80","id.resp_p":80,\
                "source":"HTTP","depth":0,"analyzers":["MD5","SHA1"],"mime_type":"application/x-dosexec",\
                "filename":"update.exe","duration":0.1,"is_orig":false,"seen_bytes":73802,"total_bytes":73802,\
                "missing_bytes":0,"overflow_bytes":0,"timedout":false,"md5":"0f343b0931126a20f133d67c2b018a3b",\
                "sha1":"7d2f8c1e6f1b0b7c8a2d2fbb7d3c4e8d9a6b5c4d"}""");
        SecurityEvent cert = event("""
                {"_path":"x509","ts":1772438504.0,"fingerprint":"5dad8b55621b6b9c30679d9d61248dd1",\
                "certificate.version":3,"certificate.serial":"0A1B","certificate.subject":"CN=eportal.gov.example",\
                "certificate.issuer":"CN=Province CA","certificate.not_valid_before":1767225600.0,\
                "certificate.not_valid_after":1798761600.0,"certificate.key_alg":"rsaEncryption",\
                "certificate.key_length":2048,"san.dns":["eportal.gov.example","www.eportal.gov.example"]}""");

        assertThat(notice.get("event.kind")).isEqualTo("alert");
        assertThat(notice.get("event.dataset")).isEqualTo("zeek.notice");
        assertThat(notice.get("rule.name")).isEqualTo("SSL::Invalid_Server_Cert");
        assertThat(notice.get("source.ip")).isEqualTo("198.51.100.23");
        assertThat(notice.get("destination.port")).isEqualTo(443L);
        assertThat(notice.get("zeek.notice.src")).isEqualTo("198.51.100.23");
        assertThat(scan.get("source.ip")).isEqualTo("198.51.100.23");
        assertThat(scan.get("destination.ip")).isEqualTo("10.20.0.5");
        assertThat(scan.get("event.category")).isEqualTo(List.of("intrusion_detection"));
        assertThat(weird.get("rule.name")).isEqualTo("unknown_HTTP_method");
        assertThat(weird.get("zeek.weird.addl")).isEqualTo("CCM_POST");
        assertThat(file.get("event.dataset")).isEqualTo("zeek.files");
        assertThat(file.get("file.name")).isEqualTo("update.exe");
        assertThat(file.get("file.hash.md5")).isEqualTo("0f343b0931126a20f133d67c2b018a3b");
        assertThat(file.get("file.mime_type")).isEqualTo("application/x-dosexec");
        assertThat(file.get("zeek.session_id")).isEqualTo("C4J4Th3PJpwUYZZ6gc");
        assertThat(cert.get("x509.subject.distinguished_name")).isEqualTo("CN=eportal.gov.example");
        assertThat(cert.get("x509.not_before")).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(cert.get("x509.alternative_names")).isEqualTo(List.of("eportal.gov.example",
                "www.eportal.gov.example"));
    }

    @Test
    void recordsMissingOrWithBadTimesAreRefused() {
        assertThat(deadLetter(CONN_JSON.replace("\"ts\":1772438400.123456,", ""), MIXED_TOPIC).reason())
                .isEqualTo(DeadLetterReason.MISSING_TIMESTAMP);
        assertThat(deadLetter(CONN_JSON.replace("1772438400.123456", "null"), ZEEK_TOPIC).reason())
                .isEqualTo(DeadLetterReason.MISSING_TIMESTAMP);
        assertThat(deadLetter(CONN_JSON.replace("1772438400.123456", "\"yesterday\""), ZEEK_TOPIC).reason())
                .isEqualTo(DeadLetterReason.BAD_TIMESTAMP);
        assertThat(deadLetter(CONN_JSON.replace("1772438400.123456", "{\"s\":1}"), ZEEK_TOPIC).reason())
                .isEqualTo(DeadLetterReason.BAD_TIMESTAMP);
        assertThat(deadLetter(CONN_JSON.replace("1772438400.123456", "-5"), ZEEK_TOPIC).reason())
                .isEqualTo(DeadLetterReason.BAD_TIMESTAMP);
        assertThat(deadLetter(CONN_JSON.replace("1772438400.123456", "1e300"), ZEEK_TOPIC).reason())
                .isEqualTo(DeadLetterReason.BAD_TIMESTAMP);
        // Epoch milliseconds where seconds belong put the event thousands of years ahead.
        assertThat(deadLetter(CONN_JSON.replace("1772438400.123456", "1772438400123"), ZEEK_TOPIC).reason())
                .isEqualTo(DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void fieldsOfTheWrongTypeAreRefused() {
        DeadLetter port = deadLetter(CONN_JSON.replace("\"id.orig_p\":51544", "\"id.orig_p\":\"http\""), ZEEK_TOPIC);
        DeadLetter bigPort = deadLetter(CONN_JSON.replace("51544", "70000"), ZEEK_TOPIC);
        DeadLetter address = deadLetter(CONN_JSON.replace("\"10.20.4.17\"", "167904273"), ZEEK_TOPIC);
        DeadLetter name = deadLetter(CONN_JSON.replace("\"203.0.113.80\"", "\"portal-cdn.example.net\""), ZEEK_TOPIC);
        DeadLetter status = deadLetter(HTTP_JSON.replace("\"status_code\":500", "\"status_code\":\"OK\""), ZEEK_TOPIC);
        DeadLetter duration = deadLetter(CONN_JSON.replace("12.345678", "\"long\""), ZEEK_TOPIC);

        assertThat(List.of(port, bigPort, address, name, status, duration)).extracting(DeadLetter::reason)
                .containsOnly(DeadLetterReason.BAD_FIELD);
        assertThat(port.message()).contains("id.orig_p");
        assertThat(address.message()).contains("id.orig_h", "IP address");
        assertThat(status.message()).contains("http.response.status_code");
    }

    @Test
    void lookAlikesAreNotTakenForZeek() {
        // An application log with ts and uid, but no connection and no Zeek log's fields.
        String appLog = "{\"ts\":1772438400.5,\"uid\":\"u-1001\",\"msg\":\"login ok\",\"user\":\"alice\"}";
        assertThat(EventParser.detect(json(appLog))).isNull();
        assertThat(deadLetter(appLog, MIXED_TOPIC).reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT);
        // ECS with a dns object is ECS; Suricata EVE with its own dns is EVE.
        assertThat(EventParser.detect(json("{\"@timestamp\":\"2026-03-02T08:00:00Z\",\"dns\":{\"ts\":1}}")))
                .isEqualTo(EventFormat.ECS_JSON);
        assertThat(EventParser.detect(json("{\"timestamp\":\"2026-03-02T08:00:00Z\",\"event_type\":\"dns\","
                + "\"uid\":\"x\",\"query\":\"a\"}"))).isEqualTo(EventFormat.SURICATA_EVE);
        // A Zeek log Vigil does not map is refused on a Zeek topic with what to do, not guessed at.
        DeadLetter ssh = deadLetter("{\"_path\":\"ssh\",\"ts\":1772438400.5,\"uid\":\"CS1\","
                + "\"id.orig_h\":\"198.51.100.23\",\"id.orig_p\":1,\"id.resp_h\":\"10.20.0.5\",\"id.resp_p\":22,"
                + "\"auth_success\":false}", ZEEK_TOPIC);
        assertThat(ssh.reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT);
        assertThat(ssh.message()).contains("_path 'ssh'");
        assertThat(deadLetter("{\"ts\":1772438400.5,\"msg\":\"hello\"}", ZEEK_TOPIC).reason())
                .isEqualTo(DeadLetterReason.UNKNOWN_FORMAT);
    }

    @Test
    void detectsEveryZeekShapeOnAMixedTopic() {
        for (String record : List.of(CONN_JSON, DNS_JSON, HTTP_JSON, SSL_JSON, "{\"conn\":" + CONN_JSON + "}",
                "{\"_path\":\"files\",\"ts\":1.0,\"fuid\":\"F1\"}")) {
            assertThat(EventParser.detect(json(record))).as(record).isEqualTo(EventFormat.ZEEK);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
