package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuricataEveNormaliserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void mapsAnAlertWithItsRuleSeverityAndCves() throws Exception {
        SecurityEvent event = normalise("""
                {"timestamp":"2017-03-24T18:57:57.162391+0000","flow_id":1846490110167913,"in_iface":"eth1",
                 "event_type":"alert","src_ip":"10.192.91.91","src_port":38322,"dest_ip":"10.10.1.6","dest_port":80,
                 "proto":"TCP","community_id":"1:LQU9qZlK+B5F3KDmev6m5PMibrg=","host":"sensor-dmz-1",
                 "alert":{"action":"blocked","gid":1,"signature_id":2019232,"rev":4,
                          "signature":"ET WEB_SERVER Possible CVE-2014-6271 Attempt in Headers",
                          "category":"Attempted Administrator Privilege Gain","severity":1,
                          "metadata":{"cve":["CVE_2014_6271","CVE_2014_7169"],"signature_severity":["Major"]}},
                 "app_proto":"http"}
                """);

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2017-03-24T18:57:57.162Z"));
        assertThat(event.get("event.kind")).isEqualTo("alert");
        assertThat(event.get("event.category")).isEqualTo(List.of("network", "intrusion_detection"));
        assertThat(event.get("event.type")).isEqualTo(List.of("denied"));
        assertThat(event.get("event.action")).isEqualTo("blocked");
        assertThat(event.get("event.module")).isEqualTo("suricata");
        assertThat(event.get("event.dataset")).isEqualTo("suricata.eve");
        assertThat(event.get("event.severity")).isEqualTo(1L);
        assertThat(event.get("suricata.eve.alert.severity")).isEqualTo(1L);
        assertThat(event.get("rule.id")).isEqualTo("2019232");
        assertThat(event.get("rule.name")).isEqualTo("ET WEB_SERVER Possible CVE-2014-6271 Attempt in Headers");
        assertThat(event.get("rule.category")).isEqualTo("Attempted Administrator Privilege Gain");
        assertThat(event.get("vulnerability.id")).isEqualTo(List.of("CVE-2014-6271", "CVE-2014-7169"));
        assertThat(event.get("source.ip")).isEqualTo("10.192.91.91");
        assertThat(event.get("source.port")).isEqualTo(38322L);
        assertThat(event.get("destination.ip")).isEqualTo("10.10.1.6");
        assertThat(event.get("destination.port")).isEqualTo(80L);
        assertThat(event.get("network.transport")).isEqualTo("tcp");
        assertThat(event.get("network.protocol")).isEqualTo("http");
        assertThat(event.get("network.community_id")).isEqualTo("1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
        assertThat(event.get("observer.name")).isEqualTo("sensor-dmz-1");
        assertThat(event.get("observer.product")).isEqualTo("suricata");
        assertThat(event.get("observer.vendor")).isEqualTo("OISF");
        assertThat(event.get("observer.type")).isEqualTo("ids");
        assertThat(event.get("observer.ingress.interface.name")).isEqualTo("eth1");
        assertThat(event.get("suricata.eve.flow_id")).isEqualTo(1846490110167913L);
        assertThat(event.get("suricata.eve.event_type")).isEqualTo("alert");
        assertThat(event.get("suricata.eve.alert.gid")).isEqualTo(1L);
        assertThat(event.get("suricata.eve.alert.metadata.signature_severity")).isEqualTo(List.of("Major"));
        // Mapped values are not duplicated under suricata.eve.*.
        assertThat(event.fields()).doesNotContainKeys("suricata.eve.src_ip", "suricata.eve.alert.signature",
                "suricata.eve.timestamp", "suricata.eve.host", "event.original");
    }

    @Test
    void mapsAFlowsCountersPerDirection() throws Exception {
        SecurityEvent event = normalise("""
                {"timestamp":"2024-05-01T10:00:05.000000+0700","flow_id":99,"event_type":"flow",
                 "src_ip":"10.1.2.3","src_port":50000,"dest_ip":"198.51.100.9","dest_port":53,"proto":"UDP",
                 "app_proto":"dns","flow":{"pkts_toserver":2,"pkts_toclient":1,"bytes_toserver":140,
                 "bytes_toclient":210,"start":"2024-05-01T10:00:00.000000+0700",
                 "end":"2024-05-01T10:00:01.000000+0700","age":1,"state":"established","reason":"timeout",
                 "alerted":false}}
                """);

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-05-01T03:00:05Z"));
        assertThat(event.get("event.kind")).isEqualTo("event");
        assertThat(event.get("event.category")).isEqualTo(List.of("network"));
        assertThat(event.get("event.type")).isEqualTo(List.of("connection"));
        assertThat(event.get("source.packets")).isEqualTo(2L);
        assertThat(event.get("source.bytes")).isEqualTo(140L);
        assertThat(event.get("destination.packets")).isEqualTo(1L);
        assertThat(event.get("destination.bytes")).isEqualTo(210L);
        assertThat(event.get("network.bytes")).isEqualTo(350L);
        assertThat(event.get("network.packets")).isEqualTo(3L);
        assertThat(event.get("network.transport")).isEqualTo("udp");
        assertThat(event.get("suricata.eve.flow.state")).isEqualTo("established");
        assertThat(event.get("suricata.eve.flow.alerted")).isEqualTo(false);
    }

    @Test
    void mapsADnsAnswerWithResolvedAddresses() throws Exception {
        SecurityEvent event = normalise("""
                {"timestamp":"2024-05-01T10:00:00.123456+0000","event_type":"dns","src_ip":"198.51.100.9",
                 "src_port":53,"dest_ip":"10.1.2.3","dest_port":50000,"proto":"UDP",
                 "dns":{"version":2,"type":"answer","id":4711,"flags":"8180","qr":true,"rd":true,"ra":true,
                        "rrname":"c2.bad.example","rrtype":"A","rcode":"NOERROR",
                        "answers":[{"rrname":"c2.bad.example","rrtype":"A","ttl":60,"rdata":"203.0.113.66"}],
                        "grouped":{"A":["203.0.113.66","203.0.113.67"]}}}
                """);

        assertThat(event.get("event.type")).isEqualTo(List.of("protocol"));
        assertThat(event.get("dns.question.name")).isEqualTo("c2.bad.example");
        assertThat(event.get("dns.question.type")).isEqualTo("A");
        assertThat(event.get("dns.response_code")).isEqualTo("NOERROR");
        assertThat(event.get("dns.type")).isEqualTo("answer");
        assertThat(event.get("dns.id")).isEqualTo(4711L);
        assertThat(event.get("dns.resolved_ip")).isEqualTo(List.of("203.0.113.66", "203.0.113.67"));
        assertThat(event.get("suricata.eve.dns.flags")).isEqualTo("8180");
    }

    @Test
    void mapsADnsQueryInEachEveVersion() throws Exception {
        SecurityEvent v1 = normalise("""
                {"timestamp":"2024-05-01T10:00:00.000000+0000","event_type":"dns","dns":{"type":"query",
                 "id":1,"rrname":"mail.gov.example","rrtype":"MX","tx_id":0}}
                """);
        SecurityEvent v3 = normalise("""
                {"timestamp":"2024-05-01T10:00:00.000000+0000","event_type":"dns","dns":{"version":3,
                 "type":"request","id":1,"queries":[{"rrname":"mail.gov.example","rrtype":"MX"}]}}
                """);

        for (SecurityEvent event : List.of(v1, v3)) {
            assertThat(event.get("dns.question.name")).isEqualTo("mail.gov.example");
            assertThat(event.get("dns.question.type")).isEqualTo("MX");
        }
    }

    @Test
    void mapsAnHttpTransaction() throws Exception {
        SecurityEvent event = normalise("""
                {"timestamp":"2024-05-01T10:00:00.000000+0000","event_type":"http","src_ip":"10.1.2.3",
                 "dest_ip":"10.10.1.6","dest_port":80,"proto":"TCP","app_proto":"http",
                 "http":{"hostname":"portal.gov.example","url":"/login.php?user=admin&debug=1#top",
                         "http_user_agent":"sqlmap/1.7","http_method":"POST","protocol":"HTTP/1.1","status":"302",
                         "http_refer":"http://portal.gov.example/","http_content_type":"text/html","length":512,
                         "redirect":"/home"}}
                """);

        assertThat(event.get("event.category")).isEqualTo(List.of("network", "web"));
        assertThat(event.get("event.type")).isEqualTo(List.of("access", "protocol"));
        assertThat(event.get("url.domain")).isEqualTo("portal.gov.example");
        assertThat(event.get("destination.domain")).isEqualTo("portal.gov.example");
        assertThat(event.get("url.original")).isEqualTo("/login.php?user=admin&debug=1#top");
        assertThat(event.get("url.path")).isEqualTo("/login.php");
        assertThat(event.get("url.query")).isEqualTo("user=admin&debug=1");
        assertThat(event.get("http.request.method")).isEqualTo("POST");
        assertThat(event.get("http.response.status_code")).isEqualTo(302L);
        assertThat(event.get("http.version")).isEqualTo("1.1");
        assertThat(event.get("user_agent.original")).isEqualTo("sqlmap/1.7");
        assertThat(event.get("http.request.referrer")).isEqualTo("http://portal.gov.example/");
        assertThat(event.get("suricata.eve.http.redirect")).isEqualTo("/home");
    }

    @Test
    void findsThePathOfAProxyRequest() throws Exception {
        SecurityEvent event = normalise("""
                {"timestamp":"2024-05-01T10:00:00Z","event_type":"http",
                 "http":{"hostname":"x.example","url":"http://x.example:8080/a/b?c=d"}}
                """);

        assertThat(event.get("url.path")).isEqualTo("/a/b");
        assertThat(event.get("url.query")).isEqualTo("c=d");
    }

    @Test
    void mapsATlsHandshake() throws Exception {
        SecurityEvent event = normalise("""
                {"timestamp":"2024-05-01T10:00:00.000000+0000","event_type":"tls","src_ip":"10.1.2.3",
                 "dest_ip":"203.0.113.10","dest_port":443,"proto":"TCP",
                 "tls":{"subject":"CN=mail.gov.example","issuerdn":"CN=R3, O=Let's Encrypt, C=US",
                        "serial":"04:1A","fingerprint":"b2:9b:39:19:90:c1:c4:40:a3:97:18:75:52:1f:05:16:d2:f6:66:57",
                        "sni":"mail.gov.example","version":"TLS 1.2","notbefore":"2024-01-01T00:00:00",
                        "notafter":"2024-04-01T00:00:00","ja3":{"hash":"e7d705a3286e19ea42f587b344ee6865",
                        "string":"771,49195"},"ja3s":{"hash":"15af977ce25de452b96affa2addb1036"}}}
                """);

        assertThat(event.get("tls.client.server_name")).isEqualTo("mail.gov.example");
        assertThat(event.get("destination.domain")).isEqualTo("mail.gov.example");
        assertThat(event.get("tls.version")).isEqualTo("1.2");
        assertThat(event.get("tls.version_protocol")).isEqualTo("tls");
        assertThat(event.get("suricata.eve.tls.version")).isEqualTo("TLS 1.2");
        assertThat(event.get("tls.server.subject")).isEqualTo("CN=mail.gov.example");
        assertThat(event.get("tls.server.issuer")).isEqualTo("CN=R3, O=Let's Encrypt, C=US");
        assertThat(event.get("tls.server.hash.sha1")).isEqualTo("B29B391990C1C440A3971875521F0516D2F66657");
        assertThat(event.get("tls.server.not_after")).isEqualTo("2024-04-01T00:00:00");
        assertThat(event.get("tls.client.ja3")).isEqualTo("e7d705a3286e19ea42f587b344ee6865");
        assertThat(event.get("tls.server.ja3s")).isEqualTo("15af977ce25de452b96affa2addb1036");
        assertThat(event.get("suricata.eve.tls.ja3.string")).isEqualTo("771,49195");
    }

    @Test
    void mapsOldSslVersions() throws Exception {
        SecurityEvent event = normalise("""
                {"timestamp":"2024-05-01T10:00:00Z","event_type":"tls","tls":{"version":"SSLv3"}}
                """);

        assertThat(event.get("tls.version")).isEqualTo("3.0");
        assertThat(event.get("tls.version_protocol")).isEqualTo("ssl");
    }

    @Test
    void mapsFileinfoAnomalyAndSshRecords() throws Exception {
        SecurityEvent file = normalise("""
                {"timestamp":"2024-05-01T10:00:00Z","event_type":"fileinfo","app_proto":"http",
                 "fileinfo":{"filename":"/downloads/invoice.exe","magic":"PE32 executable","gaps":false,
                 "state":"CLOSED","sha256":"aa11","md5":"bb22","stored":false,"size":73802,"tx_id":0}}
                """);
        SecurityEvent anomaly = normalise("""
                {"timestamp":"2024-05-01T10:00:00Z","event_type":"anomaly","src_ip":"10.1.2.3","proto":"TCP",
                 "anomaly":{"type":"stream","event":"stream.pkt_invalid_timestamp"}}
                """);
        SecurityEvent ssh = normalise("""
                {"timestamp":"2024-05-01T10:00:00Z","event_type":"ssh","src_ip":"203.0.113.7","dest_port":22,
                 "ssh":{"client":{"proto_version":"2.0","software_version":"libssh2_1.4.3"},
                        "server":{"proto_version":"2.0","software_version":"OpenSSH_8.9"}}}
                """);

        assertThat(file.get("event.category")).isEqualTo(List.of("file"));
        assertThat(file.get("file.path")).isEqualTo("/downloads/invoice.exe");
        assertThat(file.get("file.name")).isEqualTo("invoice.exe");
        assertThat(file.get("file.size")).isEqualTo(73802L);
        assertThat(file.get("file.hash.sha256")).isEqualTo("aa11");
        assertThat(file.get("file.hash.md5")).isEqualTo("bb22");
        assertThat(file.get("suricata.eve.fileinfo.magic")).isEqualTo("PE32 executable");
        assertThat(anomaly.get("event.kind")).isEqualTo("event");
        assertThat(anomaly.get("suricata.eve.anomaly.event")).isEqualTo("stream.pkt_invalid_timestamp");
        assertThat(ssh.get("event.type")).isEqualTo(List.of("protocol"));
        assertThat(ssh.get("suricata.eve.ssh.client.software_version")).isEqualTo("libssh2_1.4.3");
    }

    @Test
    void refusesARecordWithoutEventType() {
        assertThatThrownBy(() -> normalise("{\"timestamp\":\"2024-05-01T10:00:00Z\",\"src_ip\":\"10.1.2.3\"}"))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT));
    }

    @Test
    void refusesAWrongTypeNamingTheField() {
        assertThatThrownBy(() -> normalise("""
                {"timestamp":"2024-05-01T10:00:00Z","event_type":"flow","src_port":"abc"}
                """))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source.port");
    }

    private static SecurityEvent normalise(String json) throws Exception {
        SecurityEvent.Builder builder = SecurityEvent.builder().id("test");
        new SuricataEveNormaliser().normalise(JSON.readTree(json), builder);
        return builder.build();
    }
}
