package org.vigil.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.vigil.event.DeadLetter;
import org.vigil.event.DeadLetterReason;
import org.vigil.event.SecurityEvent;

/** The enrich stage: reference records into broadcast state, events enriched, bad records dead-lettered, restore. */
class EnrichFunctionTest {
    static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");
    static final String PORTAL = "10.20.0.5";
    static final String INFECTED = "10.50.3.7";

    @Test
    void enrichesEventsWithTheRecordsReceivedAndLetsTheEventWatermarkThrough() throws Exception {
        try (var h = harness(0)) {
            h.open();
            // The intel topics declare the maximum watermark: the events alone drive event time.
            h.processBroadcastWatermark(Long.MAX_VALUE);
            apply(h, portalAsset(), 0);
            h.processElement(new StreamRecord<>(attack(PORTAL, "e1", 0), T0.toEpochMilli()));
            h.processWatermark(new Watermark(T0.toEpochMilli()));

            SecurityEvent enriched = h.extractOutputValues().get(0);
            assertThat(enriched.get("vigil.asset.name")).isEqualTo("Cổng dịch vụ công");
            assertThat(enriched.get("vigil.asset.security_level")).isEqualTo(3L);
            assertThat(h.getOutput()).filteredOn(o -> o instanceof Watermark)
                    .containsExactly(new Watermark(T0.toEpochMilli()));
        }
    }

    @Test
    void aBadRecordIsDeadLetteredWithItsOriginOnceAndTheRecordBeforeItStays() throws Exception {
        try (var h0 = harness(0); var h1 = harness(1)) {
            for (var h : List.of(h0, h1)) {
                h.open();
                apply(h, portalAsset(), 0);
                h.processBroadcastElement(new StreamRecord<>(new ReferenceUpdate("asset:10.20.0.0/16",
                        "{\"asset\":\"10.20.0.0/16\",\"security_level\":\"9\"}".getBytes(StandardCharsets.UTF_8),
                        "vigil.intel.assets", 0, 1)));
                h.processElement(new StreamRecord<>(attack(PORTAL, "e1", 0), T0.toEpochMilli()));
                assertThat(h.extractOutputValues().get(0).get("vigil.asset.security_level")).isEqualTo(3L);
            }
            List<DeadLetter> dead = h0.getSideOutput(EnrichFunction.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).reason()).isEqualTo(DeadLetterReason.BAD_REFERENCE_RECORD);
            assertThat(dead.get(0).kafkaKey()).isEqualTo("vigil.intel.assets/0/1");
            assertThat(dead.get(0).message()).contains("security_level");
            assertThat(h1.getSideOutput(EnrichFunction.DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void aRestoredInstanceHoldsTheReferenceDataOfTheCheckpointIncludingRemovals() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(0)) {
            h.open();
            apply(h, portalAsset(), 0);
            apply(h, new Asset("10.50.0.0/16", "Mạng nội bộ", "Sở TT&TT", SystemType.OTHER, 1, Criticality.LOW), 1);
            h.processBroadcastElement(new StreamRecord<>(new ReferenceUpdate("asset:10.50.0.0/16", null, "vigil.intel.assets", 0, 2)));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(0)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(attack(PORTAL, "e1", 0), T0.toEpochMilli()));
            h.processElement(new StreamRecord<>(attack(INFECTED, "e2", 1), T0.toEpochMilli()));
            List<SecurityEvent> out = h.extractOutputValues();
            assertThat(out.get(0).get("vigil.asset.name")).isEqualTo("Cổng dịch vụ công");
            assertThat(out.get(1).get("vigil.asset.name")).isNull();
        }
    }

    @Test
    void preloadedRecordsEnrichTheFirstEventAndOneDeletedSinceStaysDeletedAfterARestore() throws Exception {
        Asset office = new Asset("10.50.0.0/16", "Mạng nội bộ", "Sở TT&TT", SystemType.OTHER, 1, Criticality.LOW);
        List<ReferenceRecord> preloaded = List.of(portalAsset(), office);
        OperatorSubtaskState snapshot;
        try (var h = harness(0, preloaded)) {
            h.open();
            // No intel record read yet: the preloaded inventory enriches the very first event.
            h.processElement(new StreamRecord<>(attack(INFECTED, "e1", 0), T0.toEpochMilli()));
            assertThat(h.extractOutputValues().get(0).get("vigil.asset.name")).isEqualTo("Mạng nội bộ");
            h.processBroadcastElement(new StreamRecord<>(new ReferenceUpdate(office.key(), null, "vigil.intel.assets", 0, 7)));
            h.processElement(new StreamRecord<>(attack(INFECTED, "e2", 1), T0.toEpochMilli()));
            assertThat(h.extractOutputValues().get(1).get("vigil.asset.name")).isNull();
            snapshot = h.snapshot(1, 1);
        }
        // The job restored with the same preloaded records (they travel in its job graph).
        try (var h = harness(0, preloaded)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(attack(INFECTED, "e3", 2), T0.toEpochMilli()));
            h.processElement(new StreamRecord<>(attack(PORTAL, "e4", 3), T0.toEpochMilli()));
            List<SecurityEvent> out = h.extractOutputValues();
            assertThat(out.get(0).get("vigil.asset.name")).as("deleted after the start").isNull();
            assertThat(out.get(1).get("vigil.asset.name")).isEqualTo("Cổng dịch vụ công");
        }
    }

    @Test
    void reportsInternalHostsWithTheirBotnetEntryAndOthersOncePerMinute() throws Exception {
        try (var h = harness(0)) {
            h.open();
            apply(h, new Asset("10.0.0.0/8", "Mạng nội bộ", "Sở TT&TT", SystemType.OTHER, 2, Criticality.MEDIUM), 0);
            apply(h, new BotnetEntry(INFECTED, "Emotet", T0, T0, "2026-11"), 1);
            apply(h, new BotnetListVersion("2026-11", 1), 2);
            h.processElement(new StreamRecord<>(outbound(INFECTED, "b1", 0)));
            h.processElement(new StreamRecord<>(outbound(INFECTED, "b2", 10)));
            h.processElement(new StreamRecord<>(outbound("10.9.9.9", "c1", 0)));
            h.processElement(new StreamRecord<>(outbound("10.9.9.9", "c2", 10)));
            h.processElement(new StreamRecord<>(outbound("10.9.9.9", "c3", 70)));
            h.processElement(new StreamRecord<>(outbound("198.51.100.1", "x1", 0)));

            List<HostSighting> seen = h.getSideOutput(EnrichFunction.SIGHTINGS).stream().map(StreamRecord::getValue).toList();
            assertThat(seen).extracting(s -> s.context.id()).containsExactly("b1", "b2", "c1", "c3");
            assertThat(seen.get(0).ip).isEqualTo(INFECTED);
            assertThat(seen.get(0).field).isEqualTo("source.ip");
            assertThat(seen.get(0).botnetListVersion()).isEqualTo("2026-11");
            assertThat(seen.get(0).context.get("vigil.asset.name")).isEqualTo("Mạng nội bộ");
            assertThat(seen.get(2).botnetListVersion()).isNull();
        }
    }

    static BroadcastOperatorTestHarness<SecurityEvent, ReferenceUpdate, SecurityEvent> harness(int subtask) throws Exception {
        return harness(subtask, List.of());
    }

    static BroadcastOperatorTestHarness<SecurityEvent, ReferenceUpdate, SecurityEvent> harness(
            int subtask, List<ReferenceRecord> initial) throws Exception {
        var operator = new CoBroadcastWithNonKeyedOperator<>(new EnrichFunction(initial), List.of(EnrichFunction.stateDescriptor()));
        var h = new BroadcastOperatorTestHarness<>(operator, 2, 2, subtask);
        h.setup();
        return h;
    }

    static void apply(BroadcastOperatorTestHarness<SecurityEvent, ReferenceUpdate, SecurityEvent> h, ReferenceRecord r,
                      long offset) throws Exception {
        h.processBroadcastElement(new StreamRecord<>(update(r, offset)));
    }

    static ReferenceUpdate update(ReferenceRecord r, long offset) {
        return new ReferenceUpdate(r.key(), ReferenceRecordCodec.encode(r), "vigil.intel", 0, offset);
    }

    static Asset portalAsset() {
        return new Asset("10.20.0.0/16", "Cổng dịch vụ công", "Văn phòng UBND tỉnh", SystemType.PUBLIC_SERVICE_PORTAL, 3,
                Criticality.HIGH);
    }

    static SecurityEvent attack(String target, String id, int second) {
        return SecurityEvent.builder().timestamp(T0.plusSeconds(second)).id(id)
                .put("source.ip", "203.0.113.7").put("destination.ip", target).build();
    }

    static SecurityEvent outbound(String internal, String id, int second) {
        return SecurityEvent.builder().timestamp(T0.plusSeconds(second)).id(id)
                .put("source.ip", internal).put("destination.ip", "198.51.100.99").put("event.dataset", "zeek.conn").build();
    }
}
