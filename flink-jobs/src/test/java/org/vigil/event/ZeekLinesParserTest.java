package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.event.ZeekRecords.CONN_JSON;
import static org.vigil.event.ZeekRecords.CONN_TSV;
import static org.vigil.event.ZeekRecords.DNS_JSON;
import static org.vigil.event.ZeekRecords.DNS_TSV;
import static org.vigil.event.ZeekRecords.HTTP_JSON;
import static org.vigil.event.ZeekRecords.HTTP_TSV;
import static org.vigil.event.ZeekRecords.MIXED_TOPIC;
import static org.vigil.event.ZeekRecords.SSL_JSON;
import static org.vigil.event.ZeekRecords.SSL_TSV;
import static org.vigil.event.ZeekRecords.ZEEK_TOPIC;
import static org.vigil.event.ZeekRecords.event;
import static org.vigil.event.ZeekRecords.fieldsWithoutId;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Zeek TSV logs sent one line per Kafka record, through the parser's line input, beside Zeek JSON. */
class ZeekLinesParserTest {

    @Test
    void tsvLinesOnAZeekTopicGiveTheEventsOfTheJsonRecords() {
        EventParser parser = newParser();
        List<String> json = List.of(CONN_JSON, DNS_JSON, HTTP_JSON, SSL_JSON);
        List<String> tsv = List.of(CONN_TSV, DNS_TSV, HTTP_TSV, SSL_TSV);
        for (int i = 0; i < tsv.size(); i++) {
            List<ParseResult> results = send(parser, tsv.get(i), ZEEK_TOPIC, 0);
            List<ParseResult> events = results.stream().filter(ParseResult::isEvent).toList();

            assertThat(results).allMatch(r -> r.isEvent() || r.isHeaderLine());
            assertThat(events).hasSize(1);
            assertThat(fieldsWithoutId(events.get(0).event())).isEqualTo(fieldsWithoutId(event(json.get(i))));
            // The JSON record on the same topic is read as JSON.
            assertThat(parser.parse(json.get(i).getBytes(UTF_8), ZEEK_TOPIC, 0, 99).event().get("event.dataset"))
                    .isEqualTo(events.get(0).event().get("event.dataset"));
        }
    }

    @Test
    void eachPartitionKeepsItsOwnHeader() {
        EventParser parser = newParser();
        send(parser, header(CONN_TSV), MIXED_TOPIC, 0);
        send(parser, header(DNS_TSV), MIXED_TOPIC, 1);

        SecurityEvent dns = parser.parse(dataLine(DNS_TSV).getBytes(UTF_8), MIXED_TOPIC, 1, 10).event();
        SecurityEvent conn = parser.parse(dataLine(CONN_TSV).getBytes(UTF_8), MIXED_TOPIC, 0, 10).event();
        ParseResult dnsLineUnderConnHeader = parser.parse(dataLine(DNS_TSV).getBytes(UTF_8), MIXED_TOPIC, 0, 11);

        assertThat(dns.get("event.dataset")).isEqualTo("zeek.dns");
        assertThat(conn.get("event.dataset")).isEqualTo("zeek.connection");
        assertThat(conn.id()).isEqualTo(EventParser.contentId(dataLine(CONN_TSV).getBytes(UTF_8)));
        // A line that does not fit its partition's header is refused as such.
        assertThat(dnsLineUnderConnHeader.deadLetter().reason()).isEqualTo(DeadLetterReason.MALFORMED_LINE);
        assertThat(dnsLineUnderConnHeader.deadLetter().message()).contains("24 columns", "names 22");
    }

    @Test
    void headerlessLinesAreReadWithZeeksDefaultColumnsOnAMixedTopic() {
        SecurityEvent conn = newParser().parse(dataLine(CONN_TSV).getBytes(UTF_8), MIXED_TOPIC, 3, 0).event();

        assertThat(fieldsWithoutId(conn)).isEqualTo(fieldsWithoutId(event(CONN_JSON)));
    }

    @Test
    void linesThatDoNotFitTheirHeaderAreDeadLettersWithTheirBytes() {
        EventParser parser = newParser();
        send(parser, header(CONN_TSV), ZEEK_TOPIC, 0);
        byte[] short1 = dataLine(CONN_TSV).replace("\tShADadFf\t", "\t").getBytes(UTF_8);
        byte[] badPort = dataLine(CONN_TSV).replace("\t51544\t", "\tx\t").getBytes(UTF_8);

        DeadLetter columns = parser.parse(short1, ZEEK_TOPIC, 0, 5).deadLetter();
        DeadLetter port = parser.parse(badPort, ZEEK_TOPIC, 0, 6).deadLetter();

        assertThat(columns.reason()).isEqualTo(DeadLetterReason.MALFORMED_LINE);
        assertThat(columns.message()).isEqualTo("Zeek TSV line has 21 columns; its #fields header names 22");
        assertThat(columns.original()).isEqualTo(short1);
        assertThat(port.reason()).isEqualTo(DeadLetterReason.BAD_FIELD);
    }

    private static EventParser newParser() {
        return EventParser.builder().topicFormat(ZEEK_TOPIC, EventFormat.ZEEK).build();
    }

    private static List<ParseResult> send(EventParser parser, String log, String topic, int partition) {
        List<ParseResult> results = new ArrayList<>();
        for (String line : log.split("\n")) {
            results.add(parser.parse((line + "\n").getBytes(UTF_8), topic, partition, results.size()));
        }
        return results;
    }

    private static String header(String log) {
        return String.join("\n", log.lines().filter(line -> line.startsWith("#")).toList());
    }

    private static String dataLine(String log) {
        return log.lines().filter(line -> !line.startsWith("#")).findFirst().orElseThrow();
    }
}
