package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.event.ZeekRecords.CONN_JSON;
import static org.vigil.event.ZeekRecords.CONN_TSV;
import static org.vigil.event.ZeekRecords.DNS_JSON;
import static org.vigil.event.ZeekRecords.DNS_TSV;
import static org.vigil.event.ZeekRecords.HEADER_START;
import static org.vigil.event.ZeekRecords.HTTP_JSON;
import static org.vigil.event.ZeekRecords.HTTP_TSV;
import static org.vigil.event.ZeekRecords.SSL_JSON;
import static org.vigil.event.ZeekRecords.SSL_TSV;
import static org.vigil.event.ZeekRecords.event;
import static org.vigil.event.ZeekRecords.fieldsWithoutId;
import static org.vigil.event.ZeekRecords.lastRecord;
import static org.vigil.event.ZeekRecords.ruleVisible;
import static org.vigil.event.ZeekRecords.tsvEvent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZeekTsvReaderTest {

    private static final ZeekTsvReader ANY_LOG = new ZeekTsvReader(null);

    @Test
    void theSameRecordsInTsvAndJsonGiveTheSameEvents() throws Exception {
        for (String[] pair : List.of(new String[] {CONN_JSON, CONN_TSV}, new String[] {DNS_JSON, DNS_TSV},
                new String[] {HTTP_JSON, HTTP_TSV}, new String[] {SSL_JSON, SSL_TSV})) {
            SecurityEvent fromJson = event(pair[0]);
            SecurityEvent fromTsv = tsvEvent(pair[1]);

            assertThat(ruleVisible(fromTsv)).as(pair[1]).isEqualTo(ruleVisible(fromJson));
            assertThat(fieldsWithoutId(fromTsv)).as(pair[1]).isEqualTo(fieldsWithoutId(fromJson));
            assertThat(fromTsv.timestampMillis()).isEqualTo(fromJson.timestampMillis());
        }
    }

    @Test
    void headerLinesSetSeparatorsMarkersPathAndColumns() {
        ZeekTsvHeader header = ZeekTsvHeader.DEFAULT;
        for (String line : CONN_TSV.split("\n")) {
            if (ZeekTsvHeader.isHeaderLine(line)) {
                header = header.with(line);
            }
        }

        assertThat(header.separator()).isEqualTo("\t");
        assertThat(header.setSeparator()).isEqualTo(",");
        assertThat(header.emptyField()).isEqualTo("(empty)");
        assertThat(header.unsetField()).isEqualTo("-");
        assertThat(header.path()).isEqualTo("conn");
        assertThat(header.fields()).hasSize(22).startsWith("ts", "uid", "id.orig_h").endsWith("ip_proto");
        assertThat(header.types()).hasSize(22).startsWith("time", "string", "addr").endsWith("count");
        // The next file's #separator starts over.
        assertThat(header.with("#separator \\x09")).isEqualTo(ZeekTsvHeader.DEFAULT);
        assertThatThrownBy(() -> ZeekTsvHeader.DEFAULT.with("1772438400.1\tC1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unsetValuesAreLeftOutAndEmptyOnesAreEmpty() throws Exception {
        JsonNode record = lastRecord(HTTP_TSV, ANY_LOG);

        assertThat(record.has("referrer")).isFalse();
        assertThat(record.has("username")).isFalse();
        assertThat(record.get("tags").isArray()).isTrue();
        assertThat(record.get("tags")).isEmpty();
        assertThat(record.get("resp_mime_types").get(0).asText()).isEqualTo("text/html");
        assertThat(record.get("_path").asText()).isEqualTo("http");
        assertThat(record.get("id.resp_p").isIntegralNumber()).isTrue();
        assertThat(record.get("ts").decimalValue()).isEqualByComparingTo("1772438460.500001");
    }

    @Test
    void escapesAreDecoded() throws Exception {
        // A tab and a comma inside values, a literal "-" (not unset), UTF-8 bytes and a backslash, as Zeek escapes them.
        String log = HEADER_START + """
                #path\thttp
                #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tmethod\thost\turi\tuser_agent\torig_filenames\tstatus_code
                #types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tvector[string]\tcount
                1772438470.0\tCE1\t198.51.100.23\t40130\t10.20.0.80\t80\tPOST\teportal.gov.example\t/up\\x09load.php\t\\x2d\tb\\xc3\\xa1o\\x2ccao.docx,C:\\\\tmp\\\\x.exe\t200
                """;
        JsonNode record = lastRecord(log, ANY_LOG);

        assertThat(record.get("uri").asText()).isEqualTo("/up\tload.php");
        assertThat(record.get("user_agent").asText()).isEqualTo("-");
        assertThat(record.get("orig_filenames").get(0).asText()).isEqualTo("báo,cao.docx");
        assertThat(record.get("orig_filenames").get(1).asText()).isEqualTo("C:\\tmp\\x.exe");
        assertThat(ZeekTsvReader.unescape("\\xff\\xfe")).isEqualTo("\uFFFD\uFFFD");
        assertThat(ZeekTsvReader.unescape("50\\x")).isEqualTo("50\\x");
    }

    @Test
    void otherSeparatorsAndMarkers() throws Exception {
        String log = """
                #separator \\x7c
                #set_separator|;
                #empty_field|EMPTY
                #unset_field|NONE
                #path|conn
                #fields|ts|uid|id.orig_h|id.orig_p|id.resp_h|id.resp_p|proto|service|tunnel_parents
                #types|time|string|addr|port|addr|port|enum|string|set[string]
                1772438480.25|CS1|10.20.4.17|50500|10.20.0.5|445|tcp|NONE|EMPTY
                """;
        JsonNode record = lastRecord(log, ANY_LOG);

        assertThat(record.get("id.resp_p").asLong()).isEqualTo(445L);
        assertThat(record.has("service")).isFalse();
        assertThat(record.get("tunnel_parents")).isEmpty();
    }

    @Test
    void ipv6AndCarriageReturns() throws Exception {
        String log = CONN_TSV.replace("10.20.4.17", "2001:db8:10::17").replace("203.0.113.80", "2001:db8:80::1")
                .replace("\t6\n", "\t6\r\n");
        SecurityEvent e = tsvEvent(log);

        assertThat(e.get("source.ip")).isEqualTo("2001:db8:10::17");
        assertThat(e.get("destination.ip")).isEqualTo("2001:db8:80::1");
        assertThat(e.get("zeek.connection.ip_proto")).isEqualTo(6L);
    }

    @Test
    void linesWithoutAHeaderAreNamedByZeeksDefaultColumns() throws Exception {
        String conn = dataLine(CONN_TSV);
        String connBefore71 = conn.substring(0, conn.lastIndexOf('\t'));
        String http = dataLine(HTTP_TSV);
        String dns = dataLine(DNS_TSV);
        String ssl = dataLine(SSL_TSV);

        assertThat(read(conn).get("_path").asText()).isEqualTo("conn");
        assertThat(read(conn).get("ip_proto").asLong()).isEqualTo(6L);
        assertThat(read(connBefore71).get("_path").asText()).isEqualTo("conn");
        assertThat(read(connBefore71).has("ip_proto")).isFalse();
        assertThat(read(http).get("_path").asText()).isEqualTo("http");
        assertThat(read(http).get("origin")).isNull();
        assertThat(read(dns).get("answers")).hasSize(3);
        assertThat(read(ssl).get("validation_status").asText()).startsWith("self signed");
        // The headerless conn line gives the same event as the one under its header.
        SecurityEvent headerless = event(new ObjectMapper().writeValueAsString(read(conn)));
        assertThat(fieldsWithoutId(headerless)).isEqualTo(fieldsWithoutId(tsvEvent(CONN_TSV)));
    }

    @Test
    void columnTypesTellApartDefaultListsWithTheSameCount() throws Exception {
        // 21 columns: conn before Zeek 7.1, or ssl of Zeek 3/4 with validate-certs.
        String oldSsl = String.join("\t", "1602179457.352156", "CK17Dl2SB8bZOVonSl", "10.0.0.1", "49228",
                "192.168.50.1", "443", "TLSv12", "TLS_RSA_WITH_AES_128_CBC_SHA256", "-", "-", "F", "-", "-", "T",
                "FOLwYQ6rs70bIMSf9", "(empty)", "CN=foo,OU=foo@bar,O=org,L=locality,C=LO",
                "CN=CA,OU=CA@example.com,O=Example Corp,L=foo,C=HI", "-", "-", "self signed certificate");
        String conn = dataLine(CONN_TSV);

        assertThat(read(oldSsl).get("_path").asText()).isEqualTo("ssl");
        assertThat(read(oldSsl).get("established").asBoolean()).isTrue();
        assertThat(read(conn.substring(0, conn.lastIndexOf('\t'))).get("_path").asText()).isEqualTo("conn");
    }

    @Test
    void aConfiguredLogNamesHeaderlessLines() throws Exception {
        ZeekTsvReader sslOnly = new ZeekTsvReader(ZeekLog.SSL);
        String ssl = dataLine(SSL_TSV);

        assertThat(sslOnly.read(ZeekTsvHeader.DEFAULT, ssl).get("_path").asText()).isEqualTo("ssl");
        // A conn line on a topic configured for ssl fits no ssl list.
        assertThatThrownBy(() -> sslOnly.read(ZeekTsvHeader.DEFAULT, dataLine(CONN_TSV)))
                .isInstanceOf(RejectedEventException.class)
                .hasMessageContaining("22 columns").hasMessageContaining("ssl [18, 19, 20, 21]")
                .extracting(e -> ((RejectedEventException) e).reason()).isEqualTo(DeadLetterReason.MALFORMED_LINE);
    }

    @Test
    void linesWithTheWrongColumnCountAreRefused() {
        String conn = CONN_TSV.replace("\tShADadFf\t", "\t");

        assertThatThrownBy(() -> lastRecord(conn, ANY_LOG)).isInstanceOf(RejectedEventException.class)
                .hasMessage("Zeek TSV line has 21 columns; its #fields header names 22")
                .extracting(e -> ((RejectedEventException) e).reason()).isEqualTo(DeadLetterReason.MALFORMED_LINE);
        assertThatThrownBy(() -> read("1772438400.1\tC1\t10.20.4.17")).isInstanceOf(RejectedEventException.class)
                .hasMessageContaining("3 columns").hasMessageContaining("send the log with its # header lines")
                .extracting(e -> ((RejectedEventException) e).reason()).isEqualTo(DeadLetterReason.MALFORMED_LINE);
    }

    @Test
    void valuesThatDoNotFitTheirTypeAreRefused() {
        for (String[] change : List.of(new String[] {"\t51544\t", "\thttp\t"}, new String[] {"\tT\tF\t", "\tyes\tF\t"},
                new String[] {"\t12.345678\t", "\t12s\t"}, new String[] {"1772438400.123456", "2026-03-02T08:00:00Z"},
                new String[] {"\t1520\t", "\t(empty)\t"})) {
            String log = CONN_TSV.replace(change[0], change[1]);
            assertThatThrownBy(() -> lastRecord(log, ANY_LOG)).as(change[1]).isInstanceOf(RejectedEventException.class)
                    .extracting(e -> ((RejectedEventException) e).reason()).isEqualTo(DeadLetterReason.BAD_FIELD);
        }
        String headerless = dataLine(CONN_TSV).replace("\t51544\t", "\thttp\t");
        assertThatThrownBy(() -> read(headerless)).isInstanceOf(RejectedEventException.class)
                .hasMessageContaining("id.orig_p").hasMessageContaining("conn columns of Zeek 7.1 and later");
    }

    @Test
    void fieldsWithoutTypesTakeZeeksDefaultTypes() throws Exception {
        String log = CONN_TSV.lines().filter(line -> !line.startsWith("#types")).reduce("", (a, b) -> a + b + "\n");
        JsonNode record = lastRecord(log, ANY_LOG);

        assertThat(record.get("id.orig_p").isIntegralNumber()).isTrue();
        assertThat(record.get("local_orig").isBoolean()).isTrue();
        assertThat(fieldsWithoutId(tsvEvent(log))).isEqualTo(fieldsWithoutId(tsvEvent(CONN_TSV)));
    }

    @Test
    void aMissingTimeIsADeadLetterOfTheNormaliser() throws Exception {
        String log = CONN_TSV.replace("1772438400.123456\t", "-\t");
        String json = new ObjectMapper().writeValueAsString(lastRecord(log, ANY_LOG));

        assertThat(ZeekRecords.deadLetter(json, ZeekRecords.ZEEK_TOPIC).reason())
                .isEqualTo(DeadLetterReason.MISSING_TIMESTAMP);
    }

    private static JsonNode read(String line) throws RejectedEventException {
        return ANY_LOG.read(ZeekTsvHeader.DEFAULT, line);
    }

    private static String dataLine(String log) {
        return log.lines().filter(line -> !ZeekTsvHeader.isHeaderLine(line)).findFirst().orElseThrow();
    }
}
