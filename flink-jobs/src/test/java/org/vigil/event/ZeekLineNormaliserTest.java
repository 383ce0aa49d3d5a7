package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.event.ZeekRecords.CONN_JSON;
import static org.vigil.event.ZeekRecords.CONN_TSV;
import static org.vigil.event.ZeekRecords.DNS_JSON;
import static org.vigil.event.ZeekRecords.DNS_TSV;
import static org.vigil.event.ZeekRecords.HTTP_JSON;
import static org.vigil.event.ZeekRecords.HTTP_TSV;
import static org.vigil.event.ZeekRecords.SSL_JSON;
import static org.vigil.event.ZeekRecords.SSL_TSV;
import static org.vigil.event.ZeekRecords.event;
import static org.vigil.event.ZeekRecords.fieldsWithoutId;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZeekLineNormaliserTest {

    private final ZeekLineNormaliser zeek = new ZeekLineNormaliser();

    @Test
    void aSourceSendingHeaderAndDataLinesGivesTheEventsOfTheJsonRecords() throws Exception {
        // One source (a partition) carrying four logs one after the other, header lines included, as a shipper
        // that forwards Zeek's files line by line sends them.
        List<SecurityEvent> events = new ArrayList<>();
        ZeekTsvHeader header = zeek.defaultHeader();
        for (String log : List.of(CONN_TSV, DNS_TSV, HTTP_TSV, SSL_TSV)) {
            for (String line : log.split("\n")) {
                if (zeek.isHeaderLine(line)) {
                    header = zeek.readHeader(line, header);
                } else {
                    assertThat(zeek.recognises(line, header)).as(line).isTrue();
                    events.add(normalise(line, header));
                }
            }
        }

        assertThat(events).hasSize(4);
        List<String> json = List.of(CONN_JSON, DNS_JSON, HTTP_JSON, SSL_JSON);
        for (int i = 0; i < json.size(); i++) {
            assertThat(fieldsWithoutId(events.get(i))).isEqualTo(fieldsWithoutId(event(json.get(i))));
        }
    }

    @Test
    void onlyZeeksDirectivesAreItsHeaderLines() {
        assertThat(zeek.isHeaderLine("#separator \\x09")).isTrue();
        assertThat(zeek.isHeaderLine("#fields\tts\tuid")).isTrue();
        assertThat(zeek.isHeaderLine("#close\t2026-03-02-09-00-00")).isTrue();
        assertThat(zeek.isHeaderLine("#Fields: date time s-ip cs-method cs-uri-stem")).isFalse();
        assertThat(zeek.isHeaderLine("#Software: Microsoft Internet Information Services 10.0")).isFalse();
        assertThat(zeek.isHeaderLine("#fieldsets\tx")).isFalse();
        assertThat(zeek.isHeaderLine("1772438400.123456\tC1")).isFalse();
    }

    @Test
    void recognisesZeekDataLinesButNotOtherLogLines() throws Exception {
        ZeekTsvHeader conn = header(CONN_TSV);
        String line = CONN_TSV.lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();

        assertThat(zeek.recognises(line, zeek.defaultHeader())).isTrue();
        assertThat(zeek.recognises(line, conn)).isTrue();
        // A line one column short is still Zeek's, to be refused as malformed rather than as of no known format.
        assertThat(zeek.recognises(line.substring(0, line.lastIndexOf('\t')), conn)).isTrue();
        assertThat(zeek.recognises("CEF:0|Fortinet|FortiGate|7.2|13|traffic|3|src=10.0.0.1", conn)).isFalse();
        assertThat(zeek.recognises("198.51.100.23 - - [02/Mar/2026:08:00:00 +0000] \"GET / HTTP/1.1\" 200 512",
                conn)).isFalse();
        assertThat(zeek.recognises("2026-03-02 08:00:00 10.20.0.80 GET /default.aspx - 443 - 198.51.100.23 "
                + "Mozilla/5.0 - 200 0 0 15", conn)).isFalse();
        assertThat(zeek.recognises("1772438400\tsingle", zeek.defaultHeader())).isFalse();
    }

    @Test
    void malformedHeaderLinesAreRefusedAndTheHeaderKept() throws Exception {
        ZeekTsvHeader conn = header(CONN_TSV);

        for (String line : List.of("#separator ", "#path conn", "#fields\tts\t\tuid", "#types\ttime\t",
                "#set_separator\t")) {
            assertThatThrownBy(() -> zeek.readHeader(line, conn)).as(line).isInstanceOf(RejectedEventException.class)
                    .extracting(e -> ((RejectedEventException) e).reason()).isEqualTo(DeadLetterReason.MALFORMED_LINE);
        }
    }

    @Test
    void dataLinesThatDoNotFitAreDeadLetters() throws Exception {
        ZeekTsvHeader conn = header(CONN_TSV);
        String line = CONN_TSV.lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();

        assertThatThrownBy(() -> normalise(line.replace("\t51544\t", "\t"), conn))
                .isInstanceOf(RejectedEventException.class)
                .extracting(e -> ((RejectedEventException) e).reason()).isEqualTo(DeadLetterReason.MALFORMED_LINE);
        assertThatThrownBy(() -> normalise(line.replace("\t51544\t", "\tx\t"), conn))
                .isInstanceOf(RejectedEventException.class)
                .extracting(e -> ((RejectedEventException) e).reason()).isEqualTo(DeadLetterReason.BAD_FIELD);
        assertThatThrownBy(() -> normalise(line.replace("1772438400.123456", "-"), conn))
                .isInstanceOf(RejectedEventException.class)
                .extracting(e -> ((RejectedEventException) e).reason())
                .isEqualTo(DeadLetterReason.MISSING_TIMESTAMP);
    }

    private SecurityEvent normalise(String line, ZeekTsvHeader header) throws RejectedEventException {
        SecurityEvent.Builder event = SecurityEvent.builder();
        zeek.normalise(line, header, event);
        return event.id(EventParser.contentId(line.getBytes(UTF_8))).build();
    }

    private ZeekTsvHeader header(String log) throws RejectedEventException {
        ZeekTsvHeader header = zeek.defaultHeader();
        for (String line : log.split("\n")) {
            if (zeek.isHeaderLine(line)) {
                header = zeek.readHeader(line, header);
            }
        }
        return header;
    }
}
