package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vigil.enrich.ReferenceDirectory;
import org.vigil.enrich.ReferenceRecord;
import org.vigil.local.LocalStack;

/**
 * Verification end to end on the real broker, Elasticsearch and a MiniCluster: the index holds every alert with its
 * status, reasons and risk score, and the NCSC feed (read committed) holds exactly the verified ones, once each —
 * including a candidate verified later, when a second rule alerts on the same attacker — and 500 repeats of one
 * alert are one document counting them, shared once.
 *
 * <p>The asset inventory, vulnerabilities and botnet list are read by the loader's own file reader and handed to the
 * job as its initial reference data (as {@code backtest --reference} does), so the enrich stage adds the asset and
 * intel fields the policies look at; events cannot forge them.
 */
class VerificationIT {
    private static final String EVENTS = "verification.events";
    private static final Instant T0 = Instant.parse("2026-04-30T02:00:00Z"); // 09:00 on 30 April in Hanoi: vigilance
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNPATCHED_TARGET_ATTACKER = "192.0.2.11";
    private static final String PATCHED_TARGET_ATTACKER = "192.0.2.10";
    private static final String TWO_RULE_ATTACKER = "192.0.2.12";
    private static final String BOTNET_HOST = "198.51.100.7";
    private static final String LONE_GUESSER = "203.0.113.50";
    private static final String CLEARED_HOST = "portal-app-01.gov.example";
    private static final int REPEATS = 500;

    private static LocalStack stack;
    private static VigilConfig config;
    private static Map<String, JsonNode> alerts;

    private record Timed(Instant at, ObjectNode event) {}

    @BeforeAll
    static void runTheJob() throws Exception {
        stack = LocalStack.start();
        stack.kafka().createTopics(1, EVENTS);
        JobRuns runs = new JobRuns(stack, EVENTS);
        runs.produce(records(), 1);
        config = runs.config("verification");
        JobRuns.Run run = new JobRuns.Run(config, 2, 0, ChaosSource.Fault.none());
        runs.start(run, KafkaConnectors.from(config, true).withReferenceData(null, referenceData()))
                .getJobExecutionResult().get();
        alerts = StackProbe.alertsById(config);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** The e-portal network; CVE-2021-44228 open on 10.20.0.6 only; the attacker 198.51.100.7 on the botnet list. */
    private static List<ReferenceRecord> referenceData() throws Exception {
        Path dir = Files.createTempDirectory("vigil-verification-reference");
        Files.writeString(dir.resolve("assets.csv"), """
                asset,system_name,agency,system_type,security_level,criticality
                10.20.0.0/16,Cổng dịch vụ công,Văn phòng UBND tỉnh,public-service-portal,3,high
                """);
        Files.writeString(dir.resolve("vulns.csv"), """
                asset,cve,cvss,known_exploited,patched
                10.20.0.5,CVE-2024-21413,9.8,true,false
                10.20.0.6,CVE-2021-44228,10.0,true,false
                """);
        Files.writeString(dir.resolve("botnet-2026-04.csv"), """
                ip,family,first_seen,last_seen,list_version
                198.51.100.7,Mirai,2026-04-01,2026-04-28,2026-04
                """);
        ReferenceDirectory reference = ReferenceDirectory.read(dir);
        assertThat(reference.errors()).isEmpty();
        return reference.records();
    }

    private static List<byte[]> records() {
        List<Timed> events = new ArrayList<>();
        // Log4Shell against a target that does not list the CVE: stays a candidate.
        idsBurst(events, T0, PATCHED_TARGET_ATTACKER, "10.20.0.5");
        // The same attack against a target that lists it unpatched and known exploited: verified at once.
        idsBurst(events, T0.plusSeconds(60), UNPATCHED_TARGET_ATTACKER, "10.20.0.6");
        // An IDS burst without a CVE on the target, then (ten minutes later) a brute force from the same attacker:
        // the burst is verified later by corroboration, the brute force at once.
        idsBurst(events, T0.plusSeconds(120), TWO_RULE_ATTACKER, "10.20.0.7");
        bruteForce(events, T0.plusSeconds(720), TWO_RULE_ATTACKER);
        // A brute force from a host on the botnet list: verified by intel.
        bruteForce(events, T0.plusSeconds(900), BOTNET_HOST);
        // A brute force nothing corroborates: stays a candidate.
        bruteForce(events, T0.plusSeconds(1000), LONE_GUESSER);
        // 500 clearings of one host's event log within its rule's ten-minute suppression period: one document.
        for (int i = 0; i < REPEATS; i++) {
            events.add(new Timed(T0.plusSeconds(1200 + i), logCleared(CLEARED_HOST)));
        }
        events.sort(Comparator.comparing(Timed::at));
        List<byte[]> out = new ArrayList<>();
        int n = 0;
        for (Timed t : events) {
            t.event().put("@timestamp", t.at().toString());
            t.event().withObjectProperty("event").put("id", "verify-" + n++);
            out.add(t.event().toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void idsBurst(List<Timed> events, Instant start, String source, String target) {
        for (int i = 0; i < 3; i++) {
            ObjectNode e = JSON.createObjectNode();
            e.withObjectProperty("event").put("kind", "alert").put("severity", 1).put("module", "suricata")
                    .putArray("category").add("network").add("intrusion_detection");
            e.withObjectProperty("source").put("ip", source);
            e.withObjectProperty("destination").put("ip", target).put("port", 443);
            e.withObjectProperty("rule").put("name", "ET EXPLOIT Apache log4j RCE Attempt (CVE-2021-44228)");
            e.putArray("vulnerability.id").add("CVE-2021-44228");
            events.add(new Timed(start.plusSeconds(20L * i), e));
        }
    }

    private static void bruteForce(List<Timed> events, Instant start, String source) {
        for (int i = 0; i < 6; i++) {
            events.add(new Timed(start.plusSeconds(5L * i), logon(source, "failure")));
        }
        events.add(new Timed(start.plusSeconds(40), logon(source, "success")));
    }

    private static ObjectNode logCleared(String host) {
        ObjectNode e = JSON.createObjectNode();
        e.withObjectProperty("event").put("kind", "event").put("action", "audit-log-cleared").put("code", "104")
                .put("module", "windows");
        e.withObjectProperty("winlog").put("channel", "System").put("event_id", 104);
        e.withObjectProperty("host").put("name", host);
        e.withObjectProperty("user").put("name", "Administrator");
        return e;
    }

    private static ObjectNode logon(String source, String outcome) {
        ObjectNode e = JSON.createObjectNode();
        e.withObjectProperty("event").put("kind", "event").put("outcome", outcome).put("module", "windows")
                .putArray("category").add("authentication");
        e.withObjectProperty("source").put("ip", source);
        e.withObjectProperty("user").put("name", "admin");
        e.withObjectProperty("host").put("name", "mail-01");
        return e;
    }

    private static JsonNode alertOf(String rule, String entity) {
        return alerts.values().stream()
                .filter(a -> a.at("/rule/id").asText().equals(rule) && a.at("/vigil/entity/value").asText().equals(entity))
                .reduce((a, b) -> { throw new AssertionError("two " + rule + " alerts for " + entity); })
                .orElseThrow(() -> new AssertionError("no " + rule + " alert for " + entity + " in " + alerts.keySet()));
    }

    private static String status(JsonNode alert) {
        return alert.at("/vigil/verification/status").asText();
    }

    private static List<String> reasons(JsonNode alert) {
        List<String> out = new ArrayList<>();
        alert.at("/vigil/verification/reasons").forEach(r -> out.add(r.asText()));
        return out;
    }

    @Test
    void theIndexHoldsCandidatesAndVerifiedAlertsWithTheirReasons() {
        assertThat(alerts).hasSize(7);
        JsonNode patched = alertOf("vigil-ids-alert-burst", PATCHED_TARGET_ATTACKER);
        assertThat(status(patched)).isEqualTo("candidate");
        assertThat(reasons(patched)).isEmpty();
        assertThat(patched.at("/vigil/verification/policy").asText()).isEqualTo("corroboration PT30M or vulnerable-target or intel");

        JsonNode unpatched = alertOf("vigil-ids-alert-burst", UNPATCHED_TARGET_ATTACKER);
        assertThat(status(unpatched)).isEqualTo("verified");
        assertThat(reasons(unpatched)).containsExactly("vulnerable-target: CVE-2021-44228 is unpatched and known exploited"
                + " on the target 10.20.0.6 (Cổng dịch vụ công)");

        JsonNode burst = alertOf("vigil-ids-alert-burst", TWO_RULE_ATTACKER);
        JsonNode bruteForce = alertOf("vigil-brute-force-then-success", TWO_RULE_ATTACKER);
        assertThat(status(burst)).as("verified later, when the brute force alerted").isEqualTo("verified");
        assertThat(reasons(burst)).singleElement().asString()
                .startsWith("corroboration: vigil-brute-force-then-success alert " + bruteForce.at("/vigil/alert_id").asText());
        assertThat(status(bruteForce)).isEqualTo("verified");
        assertThat(reasons(bruteForce)).singleElement().asString()
                .startsWith("corroboration: vigil-ids-alert-burst alert " + burst.at("/vigil/alert_id").asText());

        assertThat(reasons(alertOf("vigil-brute-force-then-success", BOTNET_HOST)))
                .containsExactly("intel: 198.51.100.7 is on the botnet list 2026-04 (Mirai)");
        assertThat(status(alertOf("vigil-brute-force-then-success", LONE_GUESSER))).isEqualTo("candidate");
    }

    @Test
    void fiveHundredRepeatsOfOneAlertAreOneDocumentCountingThem() {
        JsonNode cleared = alertOf("vigil-security-log-cleared", CLEARED_HOST);
        assertThat(cleared.at("/vigil/occurrences").asInt()).isEqualTo(REPEATS);
        assertThat(cleared.at("/@timestamp").asText()).isEqualTo(T0.plusSeconds(1200).toString());
        assertThat(cleared.at("/event/end").asText()).as("last seen").isEqualTo(T0.plusSeconds(1200 + REPEATS - 1).toString());
        assertThat(cleared.at("/vigil/verification/status").asText()).isEqualTo("verified");
        assertThat(cleared.at("/vigil/verification/shared").asBoolean()).isTrue();
        assertThat(StackProbe.bundlesPerAlert(StackProbe.bundles(stack, config)))
                .as("shared once, not once per repeat").containsEntry(cleared.at("/vigil/alert_id").asText(), 1);
    }

    @Test
    void theRiskScoreAddsTheAssetIntelAndTheHolidayVigilance() {
        // 73 (rule) + 3 × (3 − 1) + 5 (high) + 0 (no intel) + 10 (30 April) = 94
        JsonNode unpatched = alertOf("vigil-ids-alert-burst", UNPATCHED_TARGET_ATTACKER);
        assertThat(unpatched.at("/event/risk_score").asInt()).isEqualTo(94);
        assertThat(unpatched.at("/vigil/risk/asset_points").asInt()).isEqualTo(11);
        assertThat(unpatched.at("/vigil/risk/vigilance").asBoolean()).isTrue();
        // 73 + 10 (botnet list) + 10 (30 April) = 93
        assertThat(alertOf("vigil-brute-force-then-success", BOTNET_HOST).at("/event/risk_score").asInt()).isEqualTo(93);
        alerts.values().forEach(a -> assertThat(a.at("/event/risk_score").asInt()).isBetween(0, 100));
    }

    @Test
    void theFeedHoldsOnlyTheVerifiedAlertsOnceEach() {
        Set<String> verified = alerts.entrySet().stream().filter(e -> status(e.getValue()).equals("verified"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(verified).hasSize(5);
        Map<String, Integer> once = new TreeMap<>();
        verified.forEach(id -> once.put(id, 1));
        assertThat(StackProbe.bundlesPerAlert(StackProbe.bundles(stack, config))).isEqualTo(once);
    }

    @Test
    void theIndexTemplateMapsTheStatusAndReasonsAsKeywords() throws Exception {
        String base = config.require(VigilOptions.ELASTICSEARCH_HOSTS) + "/" + config.require(VigilOptions.ELASTICSEARCH_INDEX);
        HttpClient http = HttpClient.newHttpClient();
        String query = """
                {"query": {"bool": {"filter": [
                  {"term": {"vigil.verification.status": "verified"}},
                  {"prefix": {"vigil.verification.reasons": "corroboration: "}}]}}}""";
        HttpResponse<String> count = http.send(HttpRequest.newBuilder(URI.create(base + "/_count"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(count.body()).path("count").asInt()).as(count.body()).isEqualTo(2);
        HttpResponse<String> mapping = http.send(HttpRequest.newBuilder(URI.create(base + "/_mapping")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode vigil = JSON.readTree(mapping.body()).elements().next().at("/mappings/properties/vigil/properties");
        assertThat(vigil.at("/verification/properties/status/type").asText()).isEqualTo("keyword");
        assertThat(vigil.at("/verification/properties/reasons/type").asText()).isEqualTo("keyword");
        assertThat(vigil.at("/risk/properties/vigilance/type").asText()).isEqualTo("boolean");
    }
}
