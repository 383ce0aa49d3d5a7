package org.vigil.sink.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.sink.stix.StixBundleMapperTest.ATTACKER;
import static org.vigil.sink.stix.StixBundleMapperTest.JSON;
import static org.vigil.sink.stix.StixBundleMapperTest.bruteForce;
import static org.vigil.sink.stix.StixBundleMapperTest.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.DeadLetter;
import org.vigil.event.DeadLetterReason;
import org.vigil.event.SecurityEvent;

/** The share gate: valid bundles go on with one audit record per object, invalid ones to the dead letters only. */
class StixShareGateTest {
    private final StixBundleMapper mapper = StixBundleMapper.builder().identityName("Test Province SOC").build();

    @Test
    void aValidBundleGoesToTheFeedWithAnAuditRecordPerObject() throws Exception {
        Alert alert = bruteForce("source.ip", ATTACKER, events(ATTACKER, ATTACKER));
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(alert, alert.timestampMillis()));
            assertThat(h.extractOutputValues()).singleElement().satisfies(share -> {
                assertThat(share.alertId()).isEqualTo(alert.id());
                assertThat(share.bundleJson()).isEqualTo(mapper.toJson(alert));
            });
            assertThat(h.getSideOutput(StixShareGate.DEAD_LETTERS)).isNull();
            JsonNode bundle = mapper.toBundle(alert);
            List<ShareAudit> audit = h.getSideOutput(StixShareGate.AUDIT).stream().map(StreamRecord::getValue).toList();
            assertThat(audit).hasSize(bundle.get("objects").size());
            List<String> objectIds = new java.util.ArrayList<>();
            bundle.get("objects").forEach(o -> objectIds.add(o.get("id").asText()));
            assertThat(audit).extracting(ShareAudit::objectId).containsExactlyElementsOf(objectIds);
            ShareAudit sighting = audit.stream().filter(a -> a.type().equals("sighting")).findFirst().orElseThrow();
            assertThat(sighting.alertId()).isEqualTo(alert.id());
            assertThat(sighting.collection()).isEqualTo("ncsc.stix");
            assertThat(sighting.specVersion()).isEqualTo("2.1");
            assertThat(sighting.modified()).isEqualTo("2025-03-14T02:10:20.000Z");
            assertThat(sighting.documentId()).isEqualTo(sighting.objectId() + "@2025-03-14T02:10:20.000Z/" + alert.id());
        }
    }

    @Test
    void anInvalidBundleIsDeadLetteredWithTheAlertIdAndTheProblemsAndNeverShared() throws Exception {
        // A sensor clock in year 10000 that a backfill let through: the timestamps are beyond what STIX can carry.
        Instant farFuture = Instant.parse("+10000-01-01T00:00:00Z");
        SecurityEvent broken = SecurityEvent.builder().id("clock").timestamp(farFuture).put("source.ip", ATTACKER).build();
        Alert alert = StixBundleMapperTest.base("source.ip", ATTACKER).triggeringEvents(List.of(broken), 10)
                .timestampMillis(farFuture.toEpochMilli()).build();
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(alert, alert.timestampMillis()));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(StixShareGate.AUDIT)).isNull();
            DeadLetter letter = h.getSideOutput(StixShareGate.DEAD_LETTERS).poll().getValue();
            assertThat(letter.reason()).isEqualTo(DeadLetterReason.INVALID_STIX);
            assertThat(letter.reasonCode()).isEqualTo("invalid_stix");
            assertThat(letter.message()).contains(alert.id()).contains("not shared").contains("created");
            assertThat(letter.sourceTopic()).isEqualTo("ncsc.stix");
            assertThat(JSON.readTree(new String(letter.original(), StandardCharsets.UTF_8)))
                    .as("the refused bundle, to inspect").isEqualTo(mapper.toBundle(alert));
        }
    }

    @Test
    void withoutSchemasTheGateStillChecksWhatSchemasCannot() {
        Alert alert = bruteForce("source.ip", ATTACKER, events(ATTACKER));
        StixValidator consistencyOnly = StixValidator.withoutSchemas();
        assertThat(consistencyOnly.checksSchemas()).isFalse();
        assertThat(StixShareGate.decide(alert, consistencyOnly, mapper).problems()).isEmpty();
        var bundle = mapper.toBundle(alert);
        ((com.fasterxml.jackson.databind.node.ObjectNode) bundle.get("objects").get(3)).put("created_by_ref",
                "identity--00000000-0000-5000-8000-000000000000");
        assertThat(consistencyOnly.problems(bundle)).singleElement().asString().contains("created_by_ref")
                .contains("not in the bundle");
    }

    @Test
    void aSchemasFolderThatIsNotOneFailsAtConstruction() {
        assertThatThrownBy(() -> new StixShareGate(mapper, "/nonexistent/schemas", "ncsc.stix"))
                .hasMessageContaining("share.stix-schemas");
        assertThatThrownBy(() -> new StixShareGate(mapper, null, " ")).hasMessageContaining("collection");
    }

    private OneInputStreamOperatorTestHarness<Alert, StixShare> harness() throws Exception {
        StixShareGate gate = new StixShareGate(mapper, StixTestData.schemas().toString(), "ncsc.stix");
        OneInputStreamOperatorTestHarness<Alert, StixShare> h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(gate));
        h.open();
        return h;
    }
}
