package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vigil.local.DemoScenario;
import org.vigil.local.LocalStack;
import org.vigil.rules.RulePaths;
import org.vigil.share.SharingPolicy;
import org.vigil.sink.stix.StixTestData;
import org.vigil.sink.stix.StixValidator;

/**
 * The correlator end to end on a real Kafka broker, a real Elasticsearch server and a Flink MiniCluster:
 * the drill's attacks become exactly the expected alerts in Elasticsearch and STIX bundles on the feed, the
 * malformed records land on the dead-letter topic with their reasons, and production order does not matter.
 */
class CorrelatorJobIT {
    private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");

    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void drillRaisesExactlyTheExpectedAlertsBundlesAndDeadLetters() throws Exception {
        List<DemoScenario.Record> records = DemoScenario.records(START, 1);
        stack.produce(records);
        VigilConfig config = runConfig("run1", "soc.events.ecs", "soc.events.suricata", "PT5S");
        runBounded(config);

        Map<String, JsonNode> alerts = StackProbe.alertsById(config);
        Set<String> found = alerts.values().stream()
                .map(a -> a.at("/rule/id").asText() + "@" + a.at("/vigil/entity/value").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = DemoScenario.EXPECTED_ALERTS.stream().map(e -> e.ruleId() + "@" + e.entity())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(found).isEqualTo(expected);
        assertThat(alerts).hasSize(expected.size());
        for (JsonNode alert : alerts.values()) {
            assertThat(alert.at("/event/kind").asText()).isEqualTo("alert");
            assertThat(alert.at("/threat/technique/id/0").asText()).matches("T\\d{4}");
            assertThat(alert.at("/vigil/evidence").size()).isPositive();
            assertThat(alert.at("/source/ip").asText()).isEqualTo(alert.at("/vigil/entity/value").asText());
        }
        JsonNode bruteForce = alerts.values().stream()
                .filter(a -> a.at("/rule/id").asText().equals("vigil-brute-force-then-success")).findFirst().orElseThrow();
        assertThat(bruteForce.at("/vigil/details/user_name").asText()).isEqualTo("admin");
        assertThat(bruteForce.at("/threat/technique/id/0").asText()).isEqualTo("T1110");

        // The scan and the exploit burst come from one source and verify each other; the brute force stays a candidate.
        Map<String, Integer> verified = StackProbe.verifiedOnce(alerts);
        assertThat(verified).hasSize(2);
        assertThat(alerts.get(verified.keySet().iterator().next()).at("/vigil/entity/value").asText())
                .isEqualTo(DemoScenario.EXPLOIT_SOURCE);
        List<JsonNode> bundles = StackProbe.bundles(stack, config);
        assertThat(bundles).hasSize(verified.size());
        StixValidator validator = StixTestData.validator();
        Set<String> sharedAlertIds = new TreeSet<>();
        for (JsonNode bundle : bundles) {
            assertThat(validator.problems(bundle)).as("STIX problems").isEmpty();
            for (JsonNode object : bundle.get("objects")) {
                if (object.get("type").asText().equals("sighting")) {
                    object.get("external_references").forEach(r -> sharedAlertIds.add(r.get("external_id").asText()));
                }
            }
        }
        assertThat(sharedAlertIds).isEqualTo(verified.keySet());
        // The default policy has no pseudonym key: internal addresses and user names are removed, never shared.
        SharingPolicy policy = SharingPolicy.builder().build();
        for (JsonNode bundle : bundles) {
            for (JsonNode object : bundle.get("objects")) {
                if (object.get("type").asText().startsWith("ipv")) {
                    assertThat(policy.isInternalNetwork(object.get("value").asText())).as(object.toString()).isFalse();
                }
                assertThat(object.get("type").asText()).isNotEqualTo("user-account");
            }
        }
        // One audit record per object of every shared bundle.
        Set<String> sharedObjects = new TreeSet<>();
        bundles.forEach(b -> b.get("objects").forEach(o -> sharedObjects.add(o.get("id").asText())));
        Map<String, JsonNode> audit = StackProbe.auditRecords(config);
        Set<String> audited = new TreeSet<>();
        audit.values().forEach(r -> audited.add(r.get("stix.id").asText()));
        assertThat(audited).isEqualTo(sharedObjects);
        assertThat(audit.values()).allSatisfy(r -> {
            assertThat(sharedAlertIds).contains(r.get("vigil.alert.id").asText());
            assertThat(r.get("vigil.share.collection").asText()).isEqualTo(config.require(VigilOptions.STIX_TOPIC));
        });

        List<String> expectedReasons = records.stream().map(DemoScenario.Record::expectedDeadLetterReason)
                .filter(r -> r != null).sorted().toList();
        List<String> deadLetterReasons = StackProbe.readAll(stack, config.require(VigilOptions.DEADLETTER_TOPIC), false).stream()
                .map(v -> StackProbe.json(v).get("reason").asText()).sorted().toList();
        assertThat(deadLetterReasons).isEqualTo(expectedReasons);
    }

    @Test
    void sameAlertsWhateverOrderTheEventsWereProducedIn() throws Exception {
        List<DemoScenario.Record> inOrder = DemoScenario.records(START, 1);
        List<DemoScenario.Record> shuffled = new ArrayList<>(inOrder);
        Collections.shuffle(shuffled, new Random(42));
        stack.kafka().createTopics("ordered.ecs", "ordered.suricata", "shuffled.ecs", "shuffled.suricata",
                "ordered.stix", "shuffled.stix", "ordered.deadletter", "shuffled.deadletter");
        stack.produce(retarget(inOrder, "ordered"));
        stack.produce(retarget(shuffled, "shuffled"));

        // With every event out of order, the bound on out-of-orderness must cover the whole drill.
        VigilConfig ordered = runConfig("ordered", "ordered.ecs", "ordered.suricata", "PT5S");
        VigilConfig anyOrder = runConfig("shuffled", "shuffled.ecs", "shuffled.suricata", "PT1H");
        runBounded(ordered);
        runBounded(anyOrder);

        Map<String, JsonNode> a = StackProbe.alertsById(ordered);
        Map<String, JsonNode> b = StackProbe.alertsById(anyOrder);
        assertThat(a).hasSize(DemoScenario.EXPECTED_ALERTS.size());
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String id : a.keySet()) {
            assertThat(b.get(id).get("vigil")).isEqualTo(a.get(id).get("vigil"));
        }
    }

    private static List<DemoScenario.Record> retarget(List<DemoScenario.Record> records, String prefix) {
        return records.stream().map(r -> new DemoScenario.Record(
                prefix + (r.topic().equals(DemoScenario.ECS_TOPIC) ? ".ecs" : ".suricata"), r.value(),
                r.expectedDeadLetterReason())).toList();
    }

    private static VigilConfig runConfig(String run, String ecsTopic, String suricataTopic, String outOfOrderness) {
        VigilConfig base = stack.config(RulePaths.rulesDir());
        boolean defaultTopics = ecsTopic.equals(DemoScenario.ECS_TOPIC);
        return base
                .with(VigilOptions.EVENT_TOPICS, ecsTopic + "," + suricataTopic)
                .with(VigilOptions.EVENT_TOPIC_FORMATS, ecsTopic + "=ecs," + suricataTopic + "=suricata")
                .with(VigilOptions.KAFKA_GROUP_ID, "it-" + run)
                .with(VigilOptions.ELASTICSEARCH_INDEX, "vigil-alerts-" + run)
                .with(VigilOptions.STIX_TOPIC, defaultTopics ? "ncsc.stix" : run + ".stix")
                .with(VigilOptions.DEADLETTER_TOPIC, defaultTopics ? "soc.deadletter" : run + ".deadletter")
                .with(VigilOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, "it-" + run)
                .with(VigilOptions.OUT_OF_ORDERNESS, outOfOrderness)
                .with(VigilOptions.SHARE_STIX_SCHEMAS, StixTestData.schemas().toString())
                .with(VigilOptions.SHARE_AUDIT_INDEX, "vigil-share-audit-" + run)
                .with(VigilOptions.PARALLELISM, "2");
    }

    private static void runBounded(VigilConfig config) throws Exception {
        org.apache.flink.configuration.Configuration flink = new org.apache.flink.configuration.Configuration();
        // A failing job must fail the test, not restart forever.
        flink.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        CorrelatorJob.configure(env, config);
        CorrelatorJob.build(env, CorrelatorJob.Settings.from(config), KafkaConnectors.from(config, true));
        env.execute("vigil-it");
    }
}
