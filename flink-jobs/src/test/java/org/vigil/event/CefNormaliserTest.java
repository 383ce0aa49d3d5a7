package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.event.LineRecords.CEF_TOPIC;
import static org.vigil.event.LineRecords.MIXED_TOPIC;
import static org.vigil.event.LineRecords.deadLetter;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CefNormaliserTest {

    private final EventParser parser = LineRecords.parser();

    // A FortiGate denying RDP from the internet, behind a BSD syslog header; FortiGate writes the protocol number.
    private static final String FIREWALL_DENY = "<189>May  1 17:15:04 fw01 CEF:0|Fortinet|Fortigate|v7.2.4|00013|"
            + "traffic:forward deny|3|deviceExternalId=FG100FTK19000001 FTNTFGTlogid=0000000013 cat=traffic:forward "
            + "FTNTFGTsubtype=forward FTNTFGTlevel=notice src=203.0.113.45 shost=203.0.113.45 spt=51514 "
            + "deviceInboundInterface=wan1 dst=10.10.20.15 dpt=3389 deviceOutboundInterface=internal proto=6 act=deny "
            + "FTNTFGTpolicyid=0 app=RDP out=0 in=0 rt=1714558504000 dvchost=fw01 dvc=10.10.0.1";

    // A Zscaler web proxy log: values with blanks, an absolute URL, a custom string with its label, a 5424 header.
    private static final String PROXY_REQUEST = "<14>1 2024-05-01T10:15:31+00:00 nss01 zscaler - - - CEF:0|Zscaler|"
            + "NSSWeblog|5.0|Allowed|Allowed|3|act=Allowed app=HTTPS dhost=portal.example.gov.vn dst=192.0.2.80 "
            + "src=10.1.2.3 suser=an.nguyen@agency.gov.vn requestMethod=POST "
            + "request=https://portal.example.gov.vn:8443/upload/file.php?id=7 "
            + "requestClientApplication=Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "requestContext=https://portal.example.gov.vn/ cs1Label=dept cs1=Finance Office cs3Label=Policy "
            + "cs3=Default Allow cat=Professional Services rt=May 01 2024 10:15:30 UTC out=1234 in=5678 "
            + "outcome=200";

    // A Trend Micro Deep Security IPS block with the vendor's escapes: "\=" in a value, "\\" in a path.
    private static final String IDS_ALERT = "CEF:0|Trend Micro|Deep Security Agent|20.0.877|1008610|Block "
            + "Administrative Share - 1|Very-High|cn1=12 cn1Label=Host ID dvchost=dms-01.agency.local "
            + "TrendMicroDsTenant=Primary act=Reset src=198.51.100.23 spt=44321 dst=10.0.0.8 dpt=445 proto=TCP "
            + "msg=share\\=ADMIN$ path C:\\\\Windows\\\\System32 fname=evil.exe "
            + "fileHash=44D88612FEA8A8F36DE82E1278ABB02F start=May 01 2024 17:15:29 dtz=Asia/Ho_Chi_Minh";

    @Test
    void firewallDenyBehindABsdSyslogHeader() {
        SecurityEvent e = LineRecords.event(parser, FIREWALL_DENY, CEF_TOPIC);

        assertThat(e.timestamp()).isEqualTo(Instant.ofEpochMilli(1714558504000L));
        assertThat(e.get("source.ip")).isEqualTo("203.0.113.45");
        assertThat(e.get("source.port")).isEqualTo(51514L);
        assertThat(e.get("destination.ip")).isEqualTo("10.10.20.15");
        assertThat(e.get("destination.port")).isEqualTo(3389L);
        assertThat(e.get("network.transport")).isEqualTo("tcp");
        assertThat(e.get("network.protocol")).isEqualTo("rdp");
        assertThat(e.get("event.action")).isEqualTo("deny");
        assertThat(e.get("event.type")).isEqualTo(List.of("denied"));
        assertThat(e.get("event.category")).isEqualTo(List.of("network"));
        assertThat(e.get("observer.vendor")).isEqualTo("Fortinet");
        assertThat(e.get("observer.product")).isEqualTo("Fortigate");
        assertThat(e.get("observer.hostname")).isEqualTo("fw01");
        assertThat(e.get("observer.ip")).isEqualTo(List.of("10.10.0.1"));
        assertThat(e.get("rule.id")).isEqualTo("00013");
        assertThat(e.get("event.code")).isEqualTo("00013");
        assertThat(e.get("rule.name")).isEqualTo("traffic:forward deny");
        assertThat(e.get("event.severity")).isEqualTo(3L);
        assertThat(e.get("source.bytes")).isEqualTo(0L);
        assertThat(e.get("cef.extensions.FTNTFGTpolicyid")).isEqualTo("0");
        assertThat(e.get("cef.extensions.deviceInboundInterface")).isEqualTo("wan1");
        assertThat(e.get("event.module")).isEqualTo("cef");
    }

    @Test
    void proxyRequestWithBlanksInValuesAndLabelledCustomStrings() {
        SecurityEvent e = LineRecords.event(parser, PROXY_REQUEST, CEF_TOPIC);

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:15:30Z"));
        assertThat(e.get("user.name")).isEqualTo("an.nguyen@agency.gov.vn");
        assertThat(e.get("http.request.method")).isEqualTo("POST");
        assertThat(e.get("url.original")).isEqualTo("https://portal.example.gov.vn:8443/upload/file.php?id=7");
        assertThat(e.get("url.domain")).isEqualTo("portal.example.gov.vn");
        assertThat(e.get("url.port")).isEqualTo(8443L);
        assertThat(e.get("url.path")).isEqualTo("/upload/file.php");
        assertThat(e.get("url.query")).isEqualTo("id=7");
        assertThat(e.get("user_agent.original"))
                .isEqualTo("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36");
        assertThat(e.get("http.request.referrer")).isEqualTo("https://portal.example.gov.vn/");
        assertThat(e.get("destination.domain")).isEqualTo("portal.example.gov.vn");
        assertThat(e.get("cef.custom.dept")).isEqualTo("Finance Office");
        assertThat(e.get("cef.custom.policy")).isEqualTo("Default Allow");
        assertThat(e.get("cef.extensions.cat")).isEqualTo("Professional Services");
        assertThat(e.get("event.category")).isEqualTo(List.of("network", "web"));
        assertThat(e.get("event.type")).isEqualTo(List.of("allowed"));
        // Zscaler writes the HTTP status as the outcome: not a success or failure CEF defines.
        assertThat(e.get("event.outcome")).isEqualTo("unknown");
        assertThat(e.get("source.bytes")).isEqualTo(5678L);
        assertThat(e.get("destination.bytes")).isEqualTo(1234L);
        // The 5424 header's host names the sender when the record has no dvchost.
        assertThat(e.get("observer.hostname")).isEqualTo("nss01");
    }

    @Test
    void idsAlertWithEscapesSeverityWordAndDeviceTimeZone() {
        SecurityEvent e = LineRecords.event(parser, IDS_ALERT, CEF_TOPIC);

        assertThat(e.get("rule.name")).isEqualTo("Block Administrative Share - 1");
        assertThat(e.get("rule.id")).isEqualTo("1008610");
        assertThat(e.get("event.severity")).isEqualTo(10L);
        assertThat(e.get("cef.severity")).isEqualTo("Very-High");
        assertThat(e.get("message")).isEqualTo("share=ADMIN$ path C:\\Windows\\System32");
        assertThat(e.get("event.action")).isEqualTo("Reset");
        assertThat(e.get("event.type")).isEqualTo(List.of("denied"));
        assertThat(e.get("network.transport")).isEqualTo("tcp");
        assertThat(e.get("file.name")).isEqualTo("evil.exe");
        assertThat(e.get("file.hash.md5")).isEqualTo("44d88612fea8a8f36de82e1278abb02f");
        assertThat(e.get("cef.custom.host_id")).isEqualTo("12");
        // No rt: the start time, in the device's zone (UTC+7).
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:15:29Z"));
        assertThat(e.get("event.start")).isEqualTo("2024-05-01T10:15:29Z");
        assertThat(e.get("observer.name")).isEqualTo("dms-01.agency.local");
    }

    @Test
    void headerEscapesAndExtensionEscapes() {
        SecurityEvent e = LineRecords.event(parser, "CEF:0|Acme\\\\Labs|Web \\| Gate|1.0|sig\\|7|Pipe \\| and "
                + "backslash \\\\ in name|5|rt=1714557600000 msg=line one\\nline two\\r end cs2=a\\=b c\\\\d "
                + "cs2Label=Odd Label! filePath=/var/www/x y.php", CEF_TOPIC);

        assertThat(e.get("observer.vendor")).isEqualTo("Acme\\Labs");
        assertThat(e.get("observer.product")).isEqualTo("Web | Gate");
        assertThat(e.get("rule.id")).isEqualTo("sig|7");
        assertThat(e.get("rule.name")).isEqualTo("Pipe | and backslash \\ in name");
        assertThat(e.get("message")).isEqualTo("line one\nline two\r end");
        assertThat(e.get("cef.extensions.cs2")).isEqualTo("a=b c\\d");
        assertThat(e.get("cef.custom.odd_label_")).isEqualTo("a=b c\\d");
        assertThat(e.get("file.path")).isEqualTo("/var/www/x y.php");
    }

    @Test
    void anUnescapedEqualsSignInsideAValueIsNoKey() {
        SecurityEvent e = LineRecords.event(parser, "CEF:0|Squid|Proxy|4.0|TCP_DENIED|Denied|4|rt=1714557600000 "
                + "request=http://evil.example/x.php?cmd=id&a=b requestMethod=get src=10.0.0.5", CEF_TOPIC);

        assertThat(e.get("url.original")).isEqualTo("http://evil.example/x.php?cmd=id&a=b");
        assertThat(e.get("url.query")).isEqualTo("cmd=id&a=b");
        assertThat(e.get("http.request.method")).isEqualTo("GET");
        assertThat(e.get("source.ip")).isEqualTo("10.0.0.5");
    }

    @Test
    void fullKeyNamesOfTheDictionaryAreReadLikeShortOnes() {
        SecurityEvent e = LineRecords.event(parser, "CEF:0|Vendor|Product|1|100|Conn|2|deviceReceiptTime=1714557600000 "
                + "sourceAddress=10.0.0.1 destinationPort=22 sourceUserName=root deviceAction=blocked", CEF_TOPIC);

        assertThat(e.timestamp()).isEqualTo(Instant.ofEpochMilli(1714557600000L));
        assertThat(e.get("source.ip")).isEqualTo("10.0.0.1");
        assertThat(e.get("destination.port")).isEqualTo(22L);
        assertThat(e.get("user.name")).isEqualTo("root");
        assertThat(e.get("event.type")).isEqualTo(List.of("denied"));
        assertThat(e.get("cef.extensions.sourceAddress")).isEqualTo("10.0.0.1");
        assertThat(e.get("cef.extensions.src")).isNull();
    }

    @Test
    void ipv6AddressesAndIpv4MappedOnes() {
        SecurityEvent e = LineRecords.event(parser, "CEF:0|Vendor|Product|1|100|Conn|2|rt=1714557600000 "
                + "src=2001:DB8::1 dst=::ffff:10.0.0.5 dvc=fe80::1%eth0 spt=443", CEF_TOPIC);

        assertThat(e.get("source.ip")).isEqualTo("2001:db8::1");
        assertThat(e.get("destination.ip")).isEqualTo("10.0.0.5");
        assertThat(e.get("observer.ip")).isEqualTo(List.of("fe80::1"));
    }

    @Test
    void usersActingAndActedOn() {
        SecurityEvent vpnLogon = LineRecords.event(parser, "CEF:0|Fortinet|Fortigate|7.2|0101039424|SSL VPN login "
                + "fail|4|rt=1714557600000 src=203.0.113.9 duser=admin outcome=failure act=ssl-login-fail", CEF_TOPIC);
        SecurityEvent reset = LineRecords.event(parser, "CEF:0|Acme|IAM|1|pw-reset|Password reset|5|"
                + "rt=1714557600000 suser=helpdesk1 duser=binh.tran outcome=Success", CEF_TOPIC);

        assertThat(vpnLogon.get("user.name")).isEqualTo("admin");
        assertThat(vpnLogon.get("event.outcome")).isEqualTo("failure");
        assertThat(vpnLogon.get("user.target.name")).isNull();
        assertThat(reset.get("user.name")).isEqualTo("helpdesk1");
        assertThat(reset.get("user.target.name")).isEqualTo("binh.tran");
        assertThat(reset.get("event.outcome")).isEqualTo("success");
    }

    @Test
    void timesInEveryCefDateFormat() {
        assertThat(time("rt=May 01 2024 10:00:00")).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(time("rt=May 01 2024 10:00:00.250 UTC")).isEqualTo("2024-05-01T10:00:00.250Z");
        assertThat(time("rt=May 01 2024 17:00:00 +0700")).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(time("rt=Mar 09 2024 17:05:21 GMT+00:00")).isEqualTo("2024-03-09T17:05:21Z");
        assertThat(time("rt=1714557600")).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(time("rt=2024-05-01T10:00:00.5Z")).isEqualTo("2024-05-01T10:00:00.500Z");
        assertThat(time("end=1714557601000 start=1714557600000")).isEqualTo("2024-05-01T10:00:01Z");
        // Without rt, start or end, a full time in the syslog header will do; a BSD header's time has no year.
        assertThat(LineRecords.event(parser, "<134>2024-05-01T17:00:00+07:00 ids01 CEF:0|V|P|1|1|n|1|src=10.0.0.1",
                CEF_TOPIC).timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void eventsWithoutAUsableTimeAreDeadLetters() {
        DeadLetter none = deadLetter(parser, "May  1 10:00:00 ids01 CEF:0|V|P|1|1|n|1|src=10.0.0.1", CEF_TOPIC,
                DeadLetterReason.MISSING_TIMESTAMP);
        assertThat(none.message()).contains("rt");
        DeadLetter yearless = deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=May 01 10:00:00", CEF_TOPIC,
                DeadLetterReason.BAD_TIMESTAMP);
        assertThat(yearless.message()).contains("no year");
        deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=Foo 01 2024 10:00:00", CEF_TOPIC, DeadLetterReason.BAD_TIMESTAMP);
        deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=Feb 30 2024 10:00:00", CEF_TOPIC, DeadLetterReason.BAD_TIMESTAMP);
        deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=May 01 2024 10:00:00 Mars/Olympus", CEF_TOPIC,
                DeadLetterReason.BAD_TIMESTAMP);
        deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=0", CEF_TOPIC, DeadLetterReason.BAD_TIMESTAMP);
        deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=9999999999999999999", CEF_TOPIC, DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void severities() {
        assertThat(severity("0")).isEqualTo(0L);
        assertThat(severity("10")).isEqualTo(10L);
        assertThat(severity("Low")).isEqualTo(3L);
        assertThat(severity("medium")).isEqualTo(6L);
        assertThat(severity("HIGH")).isEqualTo(8L);
        assertThat(severity("Unknown")).isNull();
        DeadLetter tooHigh = deadLetter(parser, "CEF:0|V|P|1|1|n|11|rt=1714557600000", CEF_TOPIC,
                DeadLetterReason.BAD_FIELD);
        assertThat(tooHigh.message()).contains("severity").contains("11");
        deadLetter(parser, "CEF:0|V|P|1|1|n|critical|rt=1714557600000", CEF_TOPIC, DeadLetterReason.BAD_FIELD);
    }

    @Test
    void knownFieldsWithWrongValuesAreBadFields() {
        assertThat(deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=1714557600000 src=999.1.1.1", CEF_TOPIC,
                DeadLetterReason.BAD_FIELD).message()).contains("src").contains("999.1.1.1");
        assertThat(deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=1714557600000 dpt=70000", CEF_TOPIC,
                DeadLetterReason.BAD_FIELD).message()).contains("dpt");
        deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=1714557600000 src=www.example.com", CEF_TOPIC,
                DeadLetterReason.BAD_FIELD);
        deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=1714557600000 in=lots", CEF_TOPIC, DeadLetterReason.BAD_FIELD);
    }

    @Test
    void lookAlikesAreMalformedLinesOnACefTopic() {
        assertThat(deadLetter(parser, "CEF:0|Fortinet|Fortigate|7.2", CEF_TOPIC, DeadLetterReason.MALFORMED_LINE)
                .message()).contains("4 of its 7 fields");
        deadLetter(parser, "LEEF:2.0|Palo Alto Networks|PAN-OS|10.1|TRAFFIC|^|src=10.0.0.1", CEF_TOPIC,
                DeadLetterReason.MALFORMED_LINE);
        assertThat(deadLetter(parser, "user admin said CEF:0|V|P|1|1|n|1|rt=1714557600000", CEF_TOPIC,
                DeadLetterReason.MALFORMED_LINE).message()).contains("not a syslog header");
        deadLetter(parser, "CEF:x|V|P|1|1|n|1|rt=1714557600000", CEF_TOPIC, DeadLetterReason.MALFORMED_LINE);
        assertThat(deadLetter(parser, "CEF:0|V|P|1|1|n|1|garbage before rt=1714557600000", CEF_TOPIC,
                DeadLetterReason.MALFORMED_LINE).message()).contains("garbage before");
        assertThat(deadLetter(parser, "CEF:0|V|P|1|1|n|1|rt=1714557600000\nCEF:0|V|P|1|1|n|1|rt=1714557600000",
                CEF_TOPIC, DeadLetterReason.MALFORMED_LINE).message()).contains("more than one line");
        deadLetter(parser, "{\"@timestamp\":\"2024-05-01T10:00:00Z\"}", CEF_TOPIC, DeadLetterReason.MALFORMED_LINE);
        deadLetter(parser, " \r\n", CEF_TOPIC, DeadLetterReason.EMPTY);
    }

    @Test
    void detectedOnATopicOfMixedFormats() {
        SecurityEvent e = LineRecords.event(parser, FIREWALL_DENY + "\r\n", MIXED_TOPIC);
        assertThat(e.get("event.module")).isEqualTo("cef");
        assertThat(LineRecords.event(parser, PROXY_REQUEST, MIXED_TOPIC).get("user.name"))
                .isEqualTo("an.nguyen@agency.gov.vn");
        // Recognised as CEF by its signature, then refused as a broken CEF record rather than an unknown one.
        deadLetter(parser, "CEF:0|Fortinet|Fortigate", MIXED_TOPIC, DeadLetterReason.MALFORMED_LINE);
        DeadLetter leef = deadLetter(parser, "LEEF:2.0|Palo Alto Networks|PAN-OS|10.1|TRAFFIC|^|src=10.0.0.1",
                MIXED_TOPIC, DeadLetterReason.UNKNOWN_FORMAT);
        assertThat(leef.message()).contains("JSON").contains("CEF").contains("web access log");
    }

    @Test
    void theSameLineAlwaysGetsTheSameId() {
        SecurityEvent first = LineRecords.event(parser, FIREWALL_DENY, CEF_TOPIC);
        SecurityEvent again = LineRecords.event(LineRecords.parser(), FIREWALL_DENY, CEF_TOPIC);

        assertThat(again).isEqualTo(first);
        assertThat(first.id()).matches("[0-9a-f]{32}");
    }

    private String time(String extension) {
        return LineRecords.event(parser, "CEF:0|V|P|1|1|n|1|" + extension, CEF_TOPIC).timestamp().toString();
    }

    private Object severity(String severity) {
        return LineRecords.event(parser, "CEF:0|V|P|1|1|n|" + severity + "|rt=1714557600000", CEF_TOPIC)
                .get("event.severity");
    }
}
