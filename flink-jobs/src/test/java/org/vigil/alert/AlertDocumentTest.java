package org.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.event.SecurityEvent;

/** Pins the alert document analysts see, and the alert id's dependence on exactly its inputs. */
class AlertDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    @Test
    void documentMatchesTheGoldenFile() throws Exception {
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/alert/golden-alert.json")) {
            golden = JSON.readTree(in);
        }
        assertThat(AlertDocument.toJson(bruteForceAlert(List.of(failure(0, "e1"), failure(10, "e2"), success(20, "e3")))))
                .isEqualTo(golden);
    }

    @Test
    void aRepeatedAlertIsTheFirstAlertsDocumentWithItsCountLastSeenAndLatestRepeat() {
        Alert first = bruteForceAlert(List.of(failure(0, "e1"), failure(10, "e2"), success(20, "e3")));
        Alert repeat = bruteForceAlert(List.of(failure(300, "e4"), success(320, "e5"))).toBuilder()
                .timestampMillis(T0.plusSeconds(320).toEpochMilli()).detail("failed_logons", 1).build();
        JsonNode firstDoc = AlertDocument.toJson(first);
        JsonNode doc = AlertDocument.toJson(first.withRepeat(repeat).withRepeat(repeat));

        assertThat(doc.at("/event/id").asText()).isEqualTo(first.id());
        assertThat(doc.at("/@timestamp")).isEqualTo(firstDoc.at("/@timestamp"));
        assertThat(doc.at("/event/start")).isEqualTo(firstDoc.at("/event/start"));
        assertThat(doc.at("/event/end").asText()).isEqualTo("2026-03-02T08:05:20Z");
        assertThat(doc.at("/vigil/occurrences").asInt()).isEqualTo(3);
        assertThat(doc.at("/vigil/evidence")).isEqualTo(firstDoc.at("/vigil/evidence"));
        assertThat(doc.at("/vigil/details")).isEqualTo(firstDoc.at("/vigil/details"));
        JsonNode last = doc.at("/vigil/last_occurrence");
        assertThat(last.get("alert_id").asText()).isEqualTo(repeat.id());
        assertThat(last.get("@timestamp").asText()).isEqualTo("2026-03-02T08:05:20Z");
        assertThat(last.at("/details/failed_logons").asInt()).isEqualTo(1);
        assertThat(last.get("event_ids")).extracting(JsonNode::asText).containsExactly("e4", "e5");
        assertThat(last.get("evidence_count").asInt()).isEqualTo(2);
        assertThat(firstDoc.get("vigil").has("last_occurrence")).isFalse();
    }

    @Test
    void idDependsOnRuleVersionEntityAndTriggeringEventsButNotTheirOrder() {
        List<SecurityEvent> events = List.of(failure(0, "e1"), failure(10, "e2"), success(20, "e3"));
        Alert alert = bruteForceAlert(events);
        assertThat(bruteForceAlert(List.of(events.get(2), events.get(0), events.get(1))).id()).isEqualTo(alert.id());
        assertThat(bruteForceAlert(events.subList(0, 2)).id()).isNotEqualTo(alert.id());
        assertThat(alert.toBuilder().ruleVersion(2).build().id()).isNotEqualTo(alert.id());
        assertThat(alert.toBuilder().partition("source.ip", "203.0.113.8").build().id()).isNotEqualTo(alert.id());
        assertThat(alert.id()).matches("[0-9a-f]{32}");
    }

    @Test
    void keepsAtMostTheEvidenceLimitButCountsAndIdentifiesByAll() {
        List<SecurityEvent> events = List.of(failure(0, "e1"), failure(10, "e2"), success(20, "e3"));
        Alert limited = Alert.builder().ruleId("r").ruleName("r").severity(Severity.LOW).partition("source.ip", "203.0.113.7")
                .timestampMillis(T0.toEpochMilli()).triggeringEvents(events, 2).build();
        Alert full = limited.toBuilder().triggeringEvents(events, 10).build();
        assertThat(limited.evidence()).hasSize(2);
        assertThat(limited.evidenceCount()).isEqualTo(3);
        assertThat(limited.id()).isEqualTo(full.id());
    }

    static Alert bruteForceAlert(List<SecurityEvent> events) {
        return Alert.builder()
                .ruleId("vigil-brute-force-then-success").ruleVersion(1)
                .ruleName("Repeated failed logons followed by a successful logon")
                .ruleDescription("Failed logons from one source followed by a success.")
                .severity(Severity.HIGH).riskScore(73)
                .tacticIds(List.of("TA0006")).techniqueIds(List.of("T1110"))
                .partition("source.ip", "203.0.113.7")
                .timestampMillis(T0.plusSeconds(20).toEpochMilli())
                .detail("user_name", "admin").detail("failed_logons", 2)
                .triggeringEvents(events, 20)
                .build();
    }

    private static SecurityEvent failure(int second, String id) {
        return logon(second, id, "failure");
    }

    private static SecurityEvent success(int second, String id) {
        return logon(second, id, "success");
    }

    private static SecurityEvent logon(int second, String id, String outcome) {
        return SecurityEvent.builder().timestamp(T0.plusSeconds(second)).id(id)
                .put("source.ip", "203.0.113.7").put("user.name", "admin").put("host.name", "mail-01")
                .put("event.category", List.of("authentication")).put("event.outcome", outcome).build();
    }
}
