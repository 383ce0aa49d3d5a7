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

    @Test
    void carriesTheTargetAssetAndTheIntelMatchesOfItsEvidenceAtTopLevel() {
        SecurityEvent plain = failure(0, "e1");
        SecurityEvent enriched = failure(10, "e2").toBuilder()
                .put("vigil.asset.entry", "10.20.0.0/16").put("vigil.asset.name", "Cổng dịch vụ công")
                .put("vigil.asset.security_level", 3L).put("vigil.asset.criticality", "high").put("vigil.asset.role", "destination")
                .put("vigil.asset.vulnerability.id", List.of("CVE-2024-21413")).put("vigil.asset.vulnerability.max_cvss", 9.8)
                .put("vigil.botnet.ip", "203.0.113.7").put("vigil.botnet.family", "Mirai").put("vigil.botnet.list_version", "2026-11")
                .put("threat.indicator.type", "ipv4-addr").put("threat.indicator.name", "203.0.113.0/24")
                .put("threat.indicator.provider", "VNCERT").put("threat.indicator.confidence", "Medium")
                .put("threat.enrichments.matched.field", "source.ip").put("threat.enrichments.matched.atomic", "203.0.113.7")
                .put("vigil.intel.confidence", 60L).put("vigil.intel.matched_fields", List.of("source.ip")).build();
        JsonNode doc = AlertDocument.toJson(bruteForceAlert(List.of(plain, enriched)));

        JsonNode asset = doc.path("vigil").path("asset");
        assertThat(asset.path("name").asText()).isEqualTo("Cổng dịch vụ công");
        assertThat(asset.path("security_level").isIntegralNumber()).isTrue();
        assertThat(asset.path("security_level").asInt()).isEqualTo(3);
        assertThat(asset.path("vulnerability").path("id").get(0).asText()).isEqualTo("CVE-2024-21413");
        assertThat(doc.path("vigil").path("botnet").path("list_version").asText()).isEqualTo("2026-11");
        assertThat(doc.path("vigil").path("intel").path("confidence").asInt()).isEqualTo(60);
        JsonNode enrichment = doc.path("threat").path("enrichments").get(0);
        assertThat(enrichment.path("indicator").path("provider").asText()).isEqualTo("VNCERT");
        assertThat(enrichment.path("matched").path("atomic").asText()).isEqualTo("203.0.113.7");
        // The MITRE mapping stays where it was.
        assertThat(doc.path("threat").path("technique").path("id").get(0).asText()).isEqualTo("T1110");
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
                .verificationPolicy(org.vigil.rules.VerificationPolicy.parse("corroboration PT30M or intel"))
                .status(Alert.Status.VERIFIED).shared(true)
                .verificationReasons(List.of("intel: 203.0.113.7 is on the botnet list 2026-11 (Mirai)"))
                .riskFactors(new java.util.LinkedHashMap<>(java.util.Map.of("rule_score", 73)))
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
