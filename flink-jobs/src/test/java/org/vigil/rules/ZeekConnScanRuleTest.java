package org.vigil.rules;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.EventFormat;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;
import org.vigil.event.ZeekTsvHeader;
import org.vigil.event.ZeekTsvReader;

/** The shipped scan rule over Zeek conn.log lines as Zeek writes them, read through the TSV reader and normaliser. */
class ZeekConnScanRuleTest {

    private static final String TOPIC = "soc.events.zeek";
    private static final EventParser PARSER = EventParser.builder().topicFormat(TOPIC, EventFormat.ZEEK).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long START = 1772438400L;

    @Test
    void aScannerRejectedOnTwentyFivePortsAlerts() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            lines.add(conn(START + i, "CR" + i, "198.51.100.23", 40200 + i, "10.20.0.5", 20 + i, "-", "-", "REJ",
                    "Sr", 1, 44, 1, 40));
        }

        List<Alert> alerts = RuleFixtureRunner.alertsFor(scanRule(), events(lines));

        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).partitionValue()).isEqualTo("198.51.100.23");
    }

    @Test
    void aWorkstationsManyConnectionsToOneServiceDoNotAlert() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add(conn(START + i, "CW" + i, "10.20.4.17", 51000 + i, "203.0.113.80", 443, "ssl", "1.200000",
                    "SF", "ShADadFf", 20, 2000, 30, 40000));
        }

        assertThat(RuleFixtureRunner.alertsFor(scanRule(), events(lines))).isEmpty();
    }

    private static String conn(long ts, String uid, String origin, int originPort, String responder, int port,
            String service, String duration, String state, String history, int originPackets, int originBytes,
            int responderPackets, int responderBytes) {
        // Zeek 3.0 to 7.0 conn.log columns, without a header: the reader takes Zeek's defaults.
        return String.join("\t", ts + ".000000", uid, origin, String.valueOf(originPort), responder,
                String.valueOf(port), "tcp", service, duration, "-", "-", state, "F", "T", "0", history,
                String.valueOf(originPackets), String.valueOf(originBytes), String.valueOf(responderPackets),
                String.valueOf(responderBytes), "-");
    }

    private static List<SecurityEvent> events(List<String> lines) throws Exception {
        ZeekTsvReader reader = new ZeekTsvReader(null);
        List<SecurityEvent> events = new ArrayList<>();
        for (String line : lines) {
            byte[] record = JSON.writeValueAsBytes(reader.read(ZeekTsvHeader.DEFAULT, line));
            ParseResult result = PARSER.parse(record, TOPIC, 0, events.size());
            assertThat(result.isEvent()).as(line).isTrue();
            events.add(result.event());
        }
        return events;
    }

    private static RuleDefinition scanRule() throws RuleException {
        return RuleLoader.load(RulePaths.rulesDir()).stream()
                .filter(rule -> rule.id().equals("vigil-network-service-scan")).findFirst().orElseThrow();
    }
}
