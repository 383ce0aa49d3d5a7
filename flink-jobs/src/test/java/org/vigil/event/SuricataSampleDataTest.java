package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Real Suricata EVE alerts from public captures (shared/data/suricata-eve) must all normalise. */
class SuricataSampleDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventParser PARSER = EventParser.builder()
            .topicFormat("soc.events.suricata", EventFormat.SURICATA_EVE)
            .build();

    @ParameterizedTest
    @ValueSource(strings = {"first-org-conf-2015", "honeypot-2018", "wrccdc-2017"})
    void everyRecordNormalisesWhetherConfiguredOrDetected(String capture) throws Exception {
        List<byte[]> records = records(capture);
        assertThat(records).isNotEmpty();

        for (String topic : List.of("soc.events.suricata", "soc.events.mixed")) {
            List<DeadLetter> deadLetters = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < records.size(); i++) {
                ParseResult result = PARSER.parse(records.get(i), topic, 0, i);
                if (result.isEvent()) {
                    SecurityEvent event = result.event();
                    ids.add(event.id());
                    assertThat(event.get("event.kind")).isEqualTo("alert");
                    assertThat(event.get("rule.id")).isNotNull();
                    assertThat(event.get("source.ip")).isNotNull();
                    assertThat(event.get("event.severity")).isIn(1L, 2L, 3L);
                } else {
                    deadLetters.add(result.deadLetter());
                }
            }
            assertThat(deadLetters).as(capture + " on " + topic).isEmpty();
            assertThat(ids).hasSize(records.size());
        }
    }

    @Test
    void shellshockAlertFromWrccdc2017() throws Exception {
        SecurityEvent event = alert("wrccdc-2017", 2019232);

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2017-03-24T21:20:18.372Z"));
        assertThat(event.get("rule.name")).isEqualTo("ET WEB_SERVER Possible CVE-2014-6271 Attempt in Headers");
        assertThat(event.get("rule.category")).isEqualTo("Attempted Administrator Privilege Gain");
        assertThat(event.get("vulnerability.id")).isEqualTo(List.of("CVE-2014-6271"));
        assertThat(event.get("event.severity")).isEqualTo(1L);
        assertThat(event.get("event.type")).isEqualTo(List.of("allowed"));
        assertThat(event.get("source.ip")).isEqualTo("10.192.91.91");
        assertThat(event.get("source.port")).isEqualTo(38322L);
        assertThat(event.get("destination.ip")).isEqualTo("10.10.1.6");
        assertThat(event.get("destination.port")).isEqualTo(80L);
        assertThat(event.get("network.transport")).isEqualTo("tcp");
        assertThat(event.get("network.protocol")).isEqualTo("http");
        assertThat(event.get("url.domain")).isEqualTo("10.10.1.6");
        assertThat(event.get("url.original")).isEqualTo("/");
        assertThat(event.get("http.request.method")).isEqualTo("GET");
        assertThat(event.get("http.response.status_code")).isEqualTo(302L);
        assertThat(event.getString("user_agent.original")).startsWith("() { ignored; };");
        assertThat(event.get("source.bytes")).isEqualTo(1162L);
        assertThat(event.get("destination.bytes")).isEqualTo(796L);
        assertThat(event.get("suricata.eve.flow_id")).isEqualTo(1496377571050929L);
        assertThat(event.get("suricata.eve.pcap_cnt")).isEqualTo(259351L);
        assertThat(event.get("suricata.eve.http.redirect")).isEqualTo("/webmail/");
    }

    @Test
    void honeypotAlertWithoutZoneAndWithTextStatus() throws Exception {
        SecurityEvent event = alert("honeypot-2018", 2013504);

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2019-01-02T06:42:52.658Z"));
        assertThat(event.get("observer.ingress.interface.name")).isEqualTo("eth0");
        assertThat(event.get("http.response.status_code")).isEqualTo(200L);
        assertThat(event.get("url.domain")).isEqualTo("mirrors.digitalocean.com");
        assertThat(event.getString("suricata.eve.payload_printable")).startsWith("GET /ubuntu/");
    }

    @Test
    void tlsAlertFromWrccdc2017() throws Exception {
        SecurityEvent event = alert("wrccdc-2017", 2018372);

        assertThat(event.get("rule.name")).isEqualTo("ET CURRENT_EVENTS Malformed HeartBeat Request");
        assertThat(event.get("tls.version")).isEqualTo("1.1");
        assertThat(event.getString("tls.server.subject")).contains("CN=nancy.mee.seeks");
        assertThat(event.get("tls.server.hash.sha1")).isEqualTo("B29B391990C1C440A3971875521F0516D2F66657");
        assertThat(event.get("suricata.eve.vars.flowbits.ET.MalformedTLSHB")).isEqualTo(true);
    }

    private static SecurityEvent alert(String capture, long signatureId) throws Exception {
        for (byte[] record : records(capture)) {
            if (JSON.readTree(record).path("alert").path("signature_id").asLong() == signatureId) {
                return PARSER.parse(record, "soc.events.suricata", 0, 0).event();
            }
        }
        throw new AssertionError("no alert " + signatureId + " in " + capture);
    }

    /** Each record of the capture's alerts-only.json array, as the compact bytes a sensor would send. */
    private static List<byte[]> records(String capture) throws Exception {
        Path file = SharedData.dir().resolve("suricata-eve").resolve(capture).resolve("alerts-only.json");
        List<byte[]> records = new ArrayList<>();
        for (JsonNode record : JSON.readTree(Files.readAllBytes(file))) {
            records.add(JSON.writeValueAsBytes(record));
        }
        return records;
    }
}
