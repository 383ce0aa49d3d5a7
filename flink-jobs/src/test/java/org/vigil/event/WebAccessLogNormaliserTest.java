package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.event.LineRecords.ECS_TOPIC;
import static org.vigil.event.LineRecords.MIXED_TOPIC;
import static org.vigil.event.LineRecords.WEB_TOPIC;
import static org.vigil.event.LineRecords.deadLetter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WebAccessLogNormaliserTest {

    private final EventParser parser = LineRecords.parser();

    private static final String APACHE_COMBINED = "203.0.113.7 - - [01/May/2024:17:00:00 +0700] \"GET "
            + "/cong-dich-vu/search.php?q=1%27%20OR%201=1-- HTTP/1.1\" 200 5120 \"https://dichvucong.example.gov.vn/\" "
            + "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36\"";
    private static final String NGINX_COMBINED_IPV6 = "2001:db8:85a3::8a2e:370:7334 - admin [01/May/2024:10:00:01 "
            + "+0000] \"POST /wp-login.php HTTP/2.0\" 401 162 \"-\" \"python-requests/2.31.0\"";
    private static final String TOMCAT_COMMON = "10.0.0.9 - - [01/May/2024:10:00:02 +0000] \"GET /manager/html "
            + "HTTP/1.1\" 404 -";

    private static final String IIS_SOFTWARE = "#Software: Microsoft Internet Information Services 10.0";
    private static final String IIS_VERSION = "#Version: 1.0";
    private static final String IIS_DATE = "#Date: 2024-05-01 10:00:00";
    private static final String IIS_FIELDS = "#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem "
            + "cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status "
            + "sc-substatus sc-win32-status sc-bytes cs-bytes time-taken";
    private static final String IIS_LINE = "2024-05-01 10:00:03 W3SVC1 WEB-02 10.0.0.20 POST /upload/handler.aspx "
            + "id=42 443 CORP\\an.nguyen 198.51.100.23 HTTP/1.1 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - "
            + "https://eportal.example.gov.vn/upload eportal.example.gov.vn 200 0 0 1024 20480 31";
    // The same request as IIS 10 writes it with its default fields.
    private static final String IIS_DEFAULT_LINE = "2024-05-01 10:00:03 10.0.0.20 POST /upload/handler.aspx id=42 443 "
            + "CORP\\an.nguyen 198.51.100.23 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) "
            + "https://eportal.example.gov.vn/upload 200 0 0 31";

    @Test
    void apacheCombined() {
        SecurityEvent e = LineRecords.event(parser, APACHE_COMBINED, WEB_TOPIC);

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(e.get("source.ip")).isEqualTo("203.0.113.7");
        assertThat(e.get("user.name")).isNull();
        assertThat(e.get("http.request.method")).isEqualTo("GET");
        assertThat(e.get("url.original")).isEqualTo("/cong-dich-vu/search.php?q=1%27%20OR%201=1--");
        assertThat(e.get("url.path")).isEqualTo("/cong-dich-vu/search.php");
        assertThat(e.get("url.query")).isEqualTo("q=1%27%20OR%201=1--");
        assertThat(e.get("http.version")).isEqualTo("1.1");
        assertThat(e.get("http.response.status_code")).isEqualTo(200L);
        assertThat(e.get("http.response.body.bytes")).isEqualTo(5120L);
        assertThat(e.get("http.request.referrer")).isEqualTo("https://dichvucong.example.gov.vn/");
        assertThat(e.get("user_agent.original")).isEqualTo("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36");
        assertThat(e.get("event.category")).isEqualTo(List.of("web"));
        assertThat(e.get("event.type")).isEqualTo(List.of("access"));
        assertThat(e.get("event.outcome")).isEqualTo("success");
        assertThat(e.get("event.original")).isEqualTo(APACHE_COMBINED);
    }

    @Test
    void nginxCombinedFromAnIpv6ClientWithAUser() {
        SecurityEvent e = LineRecords.event(parser, NGINX_COMBINED_IPV6, WEB_TOPIC);

        assertThat(e.get("source.ip")).isEqualTo("2001:db8:85a3::8a2e:370:7334");
        assertThat(e.get("user.name")).isEqualTo("admin");
        assertThat(e.get("http.version")).isEqualTo("2.0");
        assertThat(e.get("http.response.status_code")).isEqualTo(401L);
        assertThat(e.get("event.outcome")).isEqualTo("failure");
        assertThat(e.get("http.request.referrer")).isNull();
        assertThat(e.get("user_agent.original")).isEqualTo("python-requests/2.31.0");
    }

    @Test
    void tomcatCommonWithAndWithoutTimeTaken() {
        SecurityEvent common = LineRecords.event(parser, TOMCAT_COMMON, WEB_TOPIC);
        SecurityEvent timed = LineRecords.event(parser, TOMCAT_COMMON.replace("404 -", "404 1110 12"), WEB_TOPIC);

        assertThat(common.get("url.path")).isEqualTo("/manager/html");
        assertThat(common.get("http.response.body.bytes")).isNull();
        assertThat(common.get("user_agent.original")).isNull();
        assertThat(common.get("event.outcome")).isEqualTo("failure");
        assertThat(timed.get("http.response.body.bytes")).isEqualTo(1110L);
        assertThat(timed.get("http.response.time_taken")).isEqualTo("12");
    }

    @Test
    void requestsThatAreNoHttpRequestLineAreKeptAsWritten() {
        SecurityEvent tls = LineRecords.event(parser, "198.51.100.4 - - [01/May/2024:10:00:03 +0000] "
                + "\"\\x16\\x03\\x01\\x00\\xa5\\x01\" 400 157 \"-\" \"-\"", WEB_TOPIC);
        SecurityEvent empty = LineRecords.event(parser, "127.0.0.1 - - [01/May/2024:10:00:03 +0000] \"-\" 408 0 "
                + "\"-\" \"-\"", WEB_TOPIC);
        SecurityEvent quote = LineRecords.event(parser, "10.0.0.1 - - [01/May/2024:10:00:03 +0000] \"GET "
                + "/a\\\"b HTTP/1.0\" 200 1", WEB_TOPIC);

        assertThat(tls.get("http.request.method")).isNull();
        assertThat(tls.get("web.access.request")).isEqualTo("\\x16\\x03\\x01\\x00\\xa5\\x01");
        assertThat(tls.get("event.outcome")).isEqualTo("failure");
        assertThat(empty.get("web.access.request")).isNull();
        assertThat(empty.get("http.response.status_code")).isEqualTo(408L);
        assertThat(quote.get("url.original")).isEqualTo("/a\"b");
    }

    @Test
    void apacheVirtualHostCombined() {
        SecurityEvent e = LineRecords.event(parser, "dichvucong.example.gov.vn:443 203.0.113.7 - - "
                + "[01/May/2024:10:00:00 +0000] \"GET /index.php HTTP/1.1\" 200 512 \"-\" \"curl/8.5.0\"", WEB_TOPIC);

        assertThat(e.get("url.domain")).isEqualTo("dichvucong.example.gov.vn");
        assertThat(e.get("destination.port")).isEqualTo(443L);
        assertThat(e.get("source.ip")).isEqualTo("203.0.113.7");
        assertThat(e.get("url.path")).isEqualTo("/index.php");
        assertThat(e.get("user_agent.original")).isEqualTo("curl/8.5.0");
    }

    @Test
    void linesTheServerSentThroughSyslog() {
        String access = "203.0.113.7 - - [01/May/2024:10:00:00 +0000] \"GET /wp-admin/ HTTP/1.1\" 404 612 \"-\" \"curl\"";
        SecurityEvent bsd = LineRecords.event(parser, "<190>May  1 10:00:00 web01 nginx: " + access, WEB_TOPIC);
        SecurityEvent rfc5424 = LineRecords.event(parser, "<190>1 2024-05-01T10:00:00Z web02 httpd 4242 - - " + access,
                MIXED_TOPIC);
        SecurityEvent apache = LineRecords.event(parser, "<190>May  1 10:00:00 web03 apache2[811]: " + access,
                WEB_TOPIC);

        for (SecurityEvent e : List.of(bsd, rfc5424, apache)) {
            assertThat(e.get("source.ip")).isEqualTo("203.0.113.7");
            assertThat(e.get("url.path")).isEqualTo("/wp-admin/");
            assertThat(e.get("http.response.status_code")).isEqualTo(404L);
            assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
            assertThat(e.get("event.original")).as("the access line, without the syslog header").isEqualTo(access);
        }
        assertThat(List.of(bsd.get("host.name"), rfc5424.get("host.name"), apache.get("host.name")))
                .containsExactly("web01", "web02", "web03");
        deadLetter(parser, "<190>May  1 10:00:00 web01 nginx: upstream timed out (110: Connection timed out)",
                WEB_TOPIC, DeadLetterReason.MALFORMED_LINE);
    }

    @Test
    void hostNamesInsteadOfAddresses() {
        SecurityEvent e = LineRecords.event(parser, "Client-7.Corp.Local - - [01/May/2024:10:00:03 +0000] \"GET / "
                + "HTTP/1.1\" 200 1", WEB_TOPIC);

        assertThat(e.get("source.ip")).isNull();
        assertThat(e.get("source.domain")).isEqualTo("client-7.corp.local");
        assertThat(e.get("source.address")).isEqualTo("Client-7.Corp.Local");
    }

    @Test
    void iisLinesLaidOutByTheirFieldsHeader() {
        for (String header : List.of(IIS_SOFTWARE, IIS_VERSION, IIS_DATE, IIS_FIELDS)) {
            ParseResult result = LineRecords.parse(parser, header, WEB_TOPIC);
            assertThat(result.isHeaderLine()).as("%s", result).isTrue();
            assertThat(result.isEvent()).isFalse();
            assertThat(result.isDeadLetter()).isFalse();
            assertThat(result.headerLineFormat()).isEqualTo(EventFormat.WEB);
        }
        SecurityEvent e = LineRecords.event(parser, IIS_LINE, WEB_TOPIC);

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:03Z"));
        assertThat(e.get("source.ip")).isEqualTo("198.51.100.23");
        assertThat(e.get("destination.ip")).isEqualTo("10.0.0.20");
        assertThat(e.get("destination.port")).isEqualTo(443L);
        assertThat(e.get("user.name")).isEqualTo("CORP\\an.nguyen");
        assertThat(e.get("http.request.method")).isEqualTo("POST");
        assertThat(e.get("url.original")).isEqualTo("/upload/handler.aspx?id=42");
        assertThat(e.get("url.path")).isEqualTo("/upload/handler.aspx");
        assertThat(e.get("url.query")).isEqualTo("id=42");
        assertThat(e.get("url.domain")).isEqualTo("eportal.example.gov.vn");
        assertThat(e.get("user_agent.original")).isEqualTo("Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
        assertThat(e.get("http.request.referrer")).isEqualTo("https://eportal.example.gov.vn/upload");
        assertThat(e.get("http.response.status_code")).isEqualTo(200L);
        assertThat(e.get("http.response.body.bytes")).isEqualTo(1024L);
        assertThat(e.get("http.version")).isEqualTo("1.1");
        assertThat(e.get("iis.access.s_sitename")).isEqualTo("W3SVC1");
        assertThat(e.get("iis.access.cs_cookie_")).isNull();
        assertThat(e.get("iis.access.time_taken")).isEqualTo("31");
        assertThat(e.get("event.module")).isEqualTo("iis");
        assertThat(e.get("event.outcome")).isEqualTo("success");
    }

    @Test
    void iisDefaultFieldsWhenNoHeaderWasSeen() {
        SecurityEvent iis10 = LineRecords.event(parser, IIS_DEFAULT_LINE, WEB_TOPIC);
        SecurityEvent iis7 = LineRecords.event(parser, IIS_DEFAULT_LINE.replace(" https://eportal.example.gov.vn/upload",
                ""), WEB_TOPIC);

        for (SecurityEvent e : List.of(iis10, iis7)) {
            assertThat(e.get("source.ip")).isEqualTo("198.51.100.23");
            assertThat(e.get("url.original")).isEqualTo("/upload/handler.aspx?id=42");
            assertThat(e.get("user_agent.original")).isEqualTo("Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
            assertThat(e.get("http.response.status_code")).isEqualTo(200L);
            assertThat(e.get("iis.access.sc_win32_status")).isEqualTo("0");
        }
        assertThat(iis10.get("http.request.referrer")).isEqualTo("https://eportal.example.gov.vn/upload");
        assertThat(iis7.get("http.request.referrer")).isNull();
    }

    @Test
    void headersAreKeptPerSourcePartition() {
        parser.parse(IIS_FIELDS.getBytes(UTF_8), WEB_TOPIC, 0, 0L);

        assertThat(parser.parse(IIS_LINE.getBytes(UTF_8), WEB_TOPIC, 0, 1L).isEvent()).isTrue();
        // Partition 1 has seen no header: its lines are read with the defaults, which this layout does not fit.
        DeadLetter other = parser.parse(IIS_LINE.getBytes(UTF_8), WEB_TOPIC, 1, 1L).deadLetter();
        assertThat(other.reason()).isEqualTo(DeadLetterReason.MALFORMED_LINE);
        assertThat(other.message()).contains("22 values").contains("no #Fields: header was seen").contains("15");
        assertThat(parser.parse(IIS_DEFAULT_LINE.getBytes(UTF_8), WEB_TOPIC, 1, 2L).isEvent()).isTrue();
        // A later header replaces the earlier one.
        parser.parse("#Fields: date time c-ip cs-method cs-uri-stem sc-status".getBytes(UTF_8), WEB_TOPIC, 0, 2L);
        SecurityEvent shortLine = parser.parse("2024-05-01 10:00:04 203.0.113.5 GET /x.asp 404".getBytes(UTF_8),
                WEB_TOPIC, 0, 3L).event();
        assertThat(shortLine.get("http.response.status_code")).isEqualTo(404L);
        assertThat(parser.parse(IIS_LINE.getBytes(UTF_8), WEB_TOPIC, 0, 4L).deadLetter().message())
                .contains("the log's #Fields: header names 6");
    }

    @Test
    void aRestartedParserForgetsHeadersAndFallsBackToTheDefaults() throws Exception {
        parser.parse(IIS_FIELDS.getBytes(UTF_8), WEB_TOPIC, 0, 0L);
        EventParser restarted = roundTrip(parser);

        assertThat(restarted.parse(IIS_LINE.getBytes(UTF_8), WEB_TOPIC, 0, 1L).deadLetter().reason())
                .isEqualTo(DeadLetterReason.MALFORMED_LINE);
        assertThat(restarted.parse(IIS_DEFAULT_LINE.getBytes(UTF_8), WEB_TOPIC, 0, 2L).isEvent()).isTrue();
    }

    @Test
    void iisHeaderAndLinesOnATopicOfMixedFormats() {
        assertThat(LineRecords.parse(parser, IIS_FIELDS, MIXED_TOPIC).isHeaderLine()).isTrue();
        assertThat(LineRecords.event(parser, IIS_LINE, MIXED_TOPIC).get("url.domain")).isEqualTo("eportal.example.gov.vn");
        assertThat(LineRecords.event(parser, APACHE_COMBINED, MIXED_TOPIC).get("source.ip")).isEqualTo("203.0.113.7");
        // A header that put other fields before the date: known by its header's field count.
        LineRecords.parse(parser, "#Fields: c-ip cs-method cs-uri-stem sc-status date time", MIXED_TOPIC);
        SecurityEvent reordered = LineRecords.event(parser, "198.51.100.7 GET /login.aspx 401 2024-05-01 10:00:05",
                MIXED_TOPIC);
        assertThat(reordered.get("source.ip")).isEqualTo("198.51.100.7");
        assertThat(reordered.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:05Z"));
    }

    @Test
    void aLogWithoutDateFieldTakesItsDayFromTheDateDirective() {
        LineRecords.parse(parser, "#Date: 2024-05-01 00:00:00", WEB_TOPIC);
        LineRecords.parse(parser, "#Fields: time c-ip cs-method cs-uri-stem sc-status", WEB_TOPIC);

        assertThat(LineRecords.event(parser, "23:59:59 10.0.0.1 GET / 200", WEB_TOPIC).timestamp())
                .isEqualTo(Instant.parse("2024-05-01T23:59:59Z"));
        LineRecords.parse(parser, "#Fields: c-ip cs-method cs-uri-stem sc-status", WEB_TOPIC);
        deadLetter(parser, "10.0.0.1 GET / 200", WEB_TOPIC, DeadLetterReason.MISSING_TIMESTAMP);
    }

    @Test
    void lookAlikesAndBrokenLines() {
        String sshd = "<38>May  1 09:00:00 mail-01 sshd[4242]: Failed password for root from 203.0.113.9 port 4022 ssh2";
        assertThat(deadLetter(parser, sshd, WEB_TOPIC, DeadLetterReason.MALFORMED_LINE).message())
                .contains("web access log").contains("sshd");
        assertThat(deadLetter(parser, sshd, MIXED_TOPIC, DeadLetterReason.UNKNOWN_FORMAT).message())
                .contains("CEF").contains("web access log");
        assertThat(deadLetter(parser, "10.0.0.1 - - [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200", WEB_TOPIC,
                DeadLetterReason.MALFORMED_LINE).message()).contains("ends before the response size");
        deadLetter(parser, "10.0.0.1 - - [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 20x 1", WEB_TOPIC,
                DeadLetterReason.MALFORMED_LINE);
        deadLetter(parser, "10.0.0.1 - - [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12ab", WEB_TOPIC,
                DeadLetterReason.MALFORMED_LINE);
        deadLetter(parser, "10.0.0.1 - - [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1 200 1", WEB_TOPIC,
                DeadLetterReason.MALFORMED_LINE);
        deadLetter(parser, "10.0.0.1 - - [01/May/2024:10:00:00 +0000 \"GET / HTTP/1.1\" 200 1", WEB_TOPIC,
                DeadLetterReason.MALFORMED_LINE);
        deadLetter(parser, "10.0.0.1 - - [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\"", WEB_TOPIC,
                DeadLetterReason.MALFORMED_LINE);
        deadLetter(parser, "10.0.0.1 - - [32/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1", WEB_TOPIC,
                DeadLetterReason.BAD_TIMESTAMP);
        deadLetter(parser, "10.0.0.1 - - [01/May/1970:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1", WEB_TOPIC,
                DeadLetterReason.BAD_TIMESTAMP);
        deadLetter(parser, "2024-05-01 25:00:03 10.0.0.20 GET / - 443 - 10.0.0.1 - - 200 0 0 31", WEB_TOPIC,
                DeadLetterReason.BAD_TIMESTAMP);
        deadLetter(parser, "2024-05-01 10:00:03 10.0.0.20 GET / - 443 - 10.0.0.1 - - OK 0 0 31", WEB_TOPIC,
                DeadLetterReason.BAD_FIELD);
        deadLetter(parser, "#Fields:", WEB_TOPIC, DeadLetterReason.MALFORMED_LINE);
        deadLetter(parser, "#separator \\x09", WEB_TOPIC, DeadLetterReason.MALFORMED_LINE);
        deadLetter(parser, "#Fields: date time\n2024-05-01 10:00:00", WEB_TOPIC, DeadLetterReason.MALFORMED_LINE);
    }

    @Test
    void eventsFarAheadOfTheClockAreRefusedAsForJson() {
        deadLetter(parser, "10.0.0.1 - - [01/Jun/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1", WEB_TOPIC,
                DeadLetterReason.BAD_TIMESTAMP);
    }

    /**
     * Filebeat's nginx module ships the same access as ECS JSON; rules must see the same fields whichever way the
     * line arrives. The document is the module's output for the line, as its ingest pipeline writes it.
     */
    @Test
    void filebeatEcsOfTheSameAccessGivesRulesTheSameFields() {
        String line = "81.2.69.143 - - [01/May/2024:12:05:07 +0200] \"GET /admin/login.php?next=%2F HTTP/1.1\" 403 571 "
                + "\"-\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_0) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/70.0.3538.102 Safari/537.36\"";
        String filebeat = """
                {"@timestamp":"2024-05-01T10:05:07.000Z","agent":{"type":"filebeat","version":"8.13.4",\
                "hostname":"web-01","id":"3987d2b3-b40a-4aa0-99fc-478f9d7079ea"},"ecs":{"version":"1.12.0"},\
                "event":{"category":["web"],"dataset":"nginx.access","kind":"event","module":"nginx",\
                "outcome":"failure","type":["access"],"timezone":"+07:00","created":"2024-05-01T10:05:08.112Z",\
                "ingested":"2024-05-01T10:05:09.001Z"},"fileset":{"name":"access"},"input":{"type":"log"},\
                "log":{"file":{"path":"/var/log/nginx/access.log"},"offset":1124},"service":{"type":"nginx"},\
                "host":{"name":"web-01"},"http":{"request":{"method":"GET"},"response":{"status_code":403,\
                "body":{"bytes":571}},"version":"1.1"},"nginx":{"access":{"remote_ip_list":["81.2.69.143"]}},\
                "related":{"ip":["81.2.69.143"]},"source":{"address":"81.2.69.143","ip":"81.2.69.143",\
                "as":{"number":20712,"organization":{"name":"Andrews & Arnold Ltd"}},"geo":{"continent_name":\
                "Europe","country_iso_code":"GB","location":{"lat":52.0037,"lon":-0.2014}}},\
                "url":{"original":"/admin/login.php?next=%2F","path":"/admin/login.php","query":"next=%2F",\
                "extension":"php"},"user_agent":{"device":{"name":"Mac"},"name":"Chrome","original":\
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_0) AppleWebKit/537.36 (KHTML, like Gecko) \
                Chrome/70.0.3538.102 Safari/537.36","os":{"full":"Mac OS X 10.14.0","name":"Mac OS X",\
                "version":"10.14.0"},"version":"70.0.3538.102"}}""";

        SecurityEvent raw = LineRecords.event(parser, line, WEB_TOPIC);
        SecurityEvent ecs = LineRecords.event(parser, filebeat, ECS_TOPIC);

        assertThat(ecs.timestamp()).isEqualTo(raw.timestamp());
        Map<String, Object> rawFields = ruleVisible(raw);
        // The module's pipeline drops the original line (unless told to preserve it): only the raw line keeps it.
        assertThat(rawFields.remove("event.original")).isEqualTo(line);
        assertThat(rawFields).containsKeys("source.ip", "http.request.method", "url.original", "url.path", "url.query",
                "http.response.status_code", "http.response.body.bytes", "http.version", "user_agent.original",
                "event.category", "event.type", "event.outcome", "event.kind");
        assertThat(ruleVisible(ecs)).containsAllEntriesOf(rawFields);
        // Rules can tell them apart only by what the shipper adds: its module and the host it read the file on.
        assertThat(ruleVisible(ecs).keySet()).containsAll(rawFields.keySet());
        Map<String, Object> extra = new TreeMap<>(ruleVisible(ecs));
        rawFields.keySet().forEach(extra::remove);
        assertThat(extra.keySet()).containsExactlyInAnyOrder("event.dataset", "event.module", "host.name");
    }

    /** The fields rules can use, without the id, which differs because the bytes do. */
    private static Map<String, Object> ruleVisible(SecurityEvent e) {
        Map<String, Object> fields = new TreeMap<>();
        e.fields().forEach((name, value) -> {
            if (EventSchema.isKnown(name) && !name.equals("event.id")) {
                fields.put(name, value);
            }
        });
        return fields;
    }

    private static EventParser roundTrip(EventParser original) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(original);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(buffer.toByteArray()))) {
            return (EventParser) in.readObject();
        }
    }
}
