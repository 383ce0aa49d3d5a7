package org.vigil.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.enrich.EnrichFunctionTest.T0;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;

/** Botnet detection: hosts on the current list alert once per list version, also when a new version arrives. */
class BotnetHostDetectorTest {
    private static final String INFECTED = "10.50.3.7";
    private static final String RECENT = "10.50.3.8";
    private static final String LONG_AGO = "10.50.3.9";
    private static final String CLEAN = "10.50.3.10";
    private static final Asset LAN = new Asset("10.50.0.0/16", "Mạng nội bộ", "Sở TT&TT", SystemType.OTHER, 2, Criticality.MEDIUM);

    @Test
    void aHostSeenWhileOnTheListAlertsOnceForThatVersion() throws Exception {
        try (var h = harness()) {
            loadList(h, "2026-11", 0, INFECTED);
            sighting(h, INFECTED, "2026-11", 0);
            sighting(h, INFECTED, "2026-11", 30);
            sighting(h, CLEAN, null, 30);
            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).hasSize(1);
            Alert a = alerts.get(0);
            assertThat(a.ruleId()).isEqualTo("vigil-botnet-host");
            assertThat(a.partitionField()).isEqualTo("host.ip");
            assertThat(a.partitionValue()).isEqualTo(INFECTED);
            assertThat(a.status()).isEqualTo(Alert.Status.VERIFIED);
            assertThat(a.details()).containsEntry("list_version", "2026-11").containsEntry("family", "Emotet")
                    .containsEntry("revealed_by", "event");
            assertThat(a.evidence().get(0).get("vigil.asset.name")).isEqualTo("Mạng nội bộ");
        }
    }

    @Test
    void aNewListVersionAlertsHostsSeenWithinTheLastDayButNotEarlierOnesAndTheSameIdAsAnEventWould() throws Exception {
        Alert revealedByEvent;
        try (var h = harness()) {
            loadList(h, "2026-12", 0, RECENT);
            sighting(h, RECENT, "2026-12", 0);
            revealedByEvent = h.extractOutputValues().get(0);
        }
        try (var h = harness()) {
            loadList(h, "2026-11", 0, INFECTED);
            sighting(h, LONG_AGO, null, -25 * 3600);
            sighting(h, RECENT, null, -3600);
            sighting(h, RECENT, null, 0);
            sighting(h, CLEAN, null, 0);
            h.processWatermark(new Watermark(T0.toEpochMilli()));
            assertThat(h.extractOutputValues()).isEmpty();

            loadList(h, "2026-12", 10, RECENT, LONG_AGO, INFECTED);
            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).extracting(Alert::partitionValue).containsExactly(RECENT);
            assertThat(alerts.get(0).details()).containsEntry("revealed_by", "botnet_list_update")
                    .containsEntry("last_seen", T0.toString());
            assertThat(alerts.get(0).id()).isEqualTo(revealedByEvent.id());

            // The host seen again on the same list version does not alert again.
            sighting(h, RECENT, "2026-12", 60);
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void lastSeenRecordsExpireADayAfterTheHostWasSeenAndSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            loadList(h, "2026-11", 0, INFECTED);
            sighting(h, RECENT, null, 0);
            sighting(h, LONG_AGO, null, -23 * 3600);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(snapshot)) {
            h.processWatermark(new Watermark(T0.plus(Duration.ofHours(1)).plusSeconds(60).toEpochMilli()));
            assertThat(keyedStateEntries(h)).isEqualTo(1);
            loadList(h, "2026-12", 10, RECENT, LONG_AGO);
            assertThat(h.extractOutputValues()).extracting(Alert::partitionValue).containsExactly(RECENT);
            h.processWatermark(new Watermark(T0.plus(Duration.ofHours(25)).toEpochMilli()));
            // The alerted host keeps only a marker of the current list's alert; no timers remain.
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    private static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<String, HostSighting, ReferenceUpdate, Alert> h) {
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    private static KeyedBroadcastOperatorTestHarness<String, HostSighting, ReferenceUpdate, Alert> harness() throws Exception {
        return harness(null);
    }

    private static KeyedBroadcastOperatorTestHarness<String, HostSighting, ReferenceUpdate, Alert> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        var operator = new CoBroadcastWithKeyedOperator<>(new BotnetHostDetector(), List.of(BotnetHostDetector.stateDescriptor()));
        var h = new KeyedBroadcastOperatorTestHarness<>(operator, HostSighting::ip, Types.STRING, 1, 1, 0);
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    private static void loadList(KeyedBroadcastOperatorTestHarness<String, HostSighting, ReferenceUpdate, Alert> h,
                                 String version, long offset, String... ips) throws Exception {
        for (String ip : ips) {
            h.processBroadcastElement(new StreamRecord<>(EnrichFunctionTest.update(new BotnetEntry(ip, "Emotet", T0, T0, version), offset++)));
        }
        h.processBroadcastElement(new StreamRecord<>(EnrichFunctionTest.update(new BotnetListVersion(version, ips.length), offset)));
    }

    private static void sighting(KeyedBroadcastOperatorTestHarness<String, HostSighting, ReferenceUpdate, Alert> h,
                                 String ip, String listVersion, int second) throws Exception {
        SecurityEvent e = SecurityEvent.builder().timestamp(T0.plusSeconds(second)).id(ip + "@" + second)
                .put("source.ip", ip).put("destination.ip", "198.51.100.99").build();
        BotnetEntry listed = listVersion == null ? null : new BotnetEntry(ip, "Emotet", T0, T0, listVersion);
        SecurityEvent context = EnrichFunction.sightingContext(e, ip, "source.ip", LAN, listed);
        h.processElement(new StreamRecord<>(new HostSighting(ip, "source.ip", context), e.timestampMillis()));
    }
}
