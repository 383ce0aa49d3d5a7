package org.vigil.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.alert.Severity;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.VerificationPolicy;

/** The verify operator in Flink's test harness: statuses, reasons, what is shared, state pruning and restore. */
class VerifyFunctionTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String ATTACKER = "203.0.113.5";
    private static final VerificationPolicy CORROBORATION_30M = VerificationPolicy.parse("corroboration PT30M");
    private static final VerifySettings SHARE_ALL = new VerifySettings(new RiskScore(VigilanceCalendar.NONE, 10), 0, 0);

    private static KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> harness(VerifySettings settings) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new VerifyFunction(settings)),
                new VerifyFunction.EntityKey(), Types.STRING);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> started() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> h = harness(SHARE_ALL);
        h.open();
        return h;
    }

    private static SecurityEvent event(Instant at, String id, Map<String, Object> fields) {
        SecurityEvent.Builder b = SecurityEvent.builder().timestamp(at).id(id).put("source.ip", ATTACKER);
        fields.forEach(b::put);
        return b.build();
    }

    private static Alert alert(String rule, VerificationPolicy policy, Instant at, String eventId, Map<String, Object> fields) {
        return Alert.builder().ruleId(rule).ruleName(rule).severity(Severity.HIGH)
                .partition("source.ip", ATTACKER).timestampMillis(at.toEpochMilli())
                .triggeringEvents(List.of(event(at, eventId, fields)), 20)
                .verificationPolicy(policy).build();
    }

    private static Alert alert(String rule, VerificationPolicy policy, Instant at, String eventId) {
        return alert(rule, policy, at, eventId, Map.of());
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> h, Alert a) throws Exception {
        h.processElement(new StreamRecord<>(a, a.timestampMillis()));
    }

    private static void watermark(KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> h, Instant at) throws Exception {
        h.processWatermark(at.toEpochMilli());
    }

    /** The latest status per alert id, as the index keeps it. */
    private static Map<String, Alert> index(KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> h) {
        Map<String, Alert> byId = new LinkedHashMap<>();
        h.extractOutputValues().forEach(a -> byId.put(a.id(), a));
        return byId;
    }

    private static List<Alert> shared(KeyedOneInputStreamOperatorTestHarness<String, Alert, Alert> h) {
        List<Alert> out = new ArrayList<>();
        if (h.getSideOutput(VerifyFunction.SHARE) != null) {
            h.getSideOutput(VerifyFunction.SHARE).forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void aCandidateIsVerifiedLaterWhenAnotherRuleAlertsOnTheSameEntityWithinItsWindow() throws Exception {
        try (var h = started()) {
            Alert scan = alert("vigil-scan", CORROBORATION_30M, T0, "e1");
            feed(h, scan);
            assertThat(h.extractOutputValues()).as("nothing is decided before the watermark passes the alert").isEmpty();
            watermark(h, T0);
            assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(Alert.Status.CANDIDATE);
                assertThat(a.verificationReasons()).isEmpty();
            });
            Alert bruteForce = alert("vigil-brute-force", VerificationPolicy.NONE, T0.plus(Duration.ofMinutes(20)), "e2");
            feed(h, bruteForce);
            watermark(h, T0.plus(Duration.ofMinutes(20)));

            List<Alert> emitted = h.extractOutputValues();
            assertThat(emitted).extracting(Alert::id).containsExactly(scan.id(), bruteForce.id(), scan.id());
            Alert verified = emitted.get(2);
            assertThat(verified.status()).isEqualTo(Alert.Status.VERIFIED);
            assertThat(verified.verificationReasons()).singleElement().asString()
                    .startsWith("corroboration: vigil-brute-force alert " + bruteForce.id());
            assertThat(index(h).get(bruteForce.id()).status()).as("policy none never verifies").isEqualTo(Alert.Status.CANDIDATE);
            assertThat(shared(h)).extracting(Alert::id).containsExactly(scan.id());
        }
    }

    @Test
    void aCandidateWithoutIndependentCorroborationWithinItsWindowStaysACandidate() throws Exception {
        try (var h = started()) {
            Alert first = alert("vigil-scan", CORROBORATION_30M, T0, "e1", Map.of("observer.name", "ids-dmz"));
            // The same rule from the same sensor is a repeat, not a second opinion.
            Alert sameSensor = alert("vigil-scan", CORROBORATION_30M, T0.plusSeconds(600), "e2", Map.of("observer.name", "ids-dmz"));
            // Another rule, but 31 minutes after the later of the two: outside both windows.
            Alert tooLate = alert("vigil-brute-force", VerificationPolicy.NONE, T0.plus(Duration.ofMinutes(41)), "e3");
            for (Alert a : List.of(first, sameSensor, tooLate)) {
                feed(h, a);
            }
            watermark(h, T0.plus(Duration.ofHours(2)));
            assertThat(index(h).values()).extracting(Alert::status).containsOnly(Alert.Status.CANDIDATE);
            assertThat(shared(h)).isEmpty();
        }
    }

    @Test
    void theSameRuleFromAnotherSensorCorroborates() throws Exception {
        try (var h = started()) {
            Alert dmz = alert("vigil-scan", CORROBORATION_30M, T0, "e1", Map.of("observer.name", "ids-dmz"));
            Alert core = alert("vigil-scan", CORROBORATION_30M, T0.plusSeconds(60), "e2", Map.of("event.module", "zeek"));
            feed(h, core);
            feed(h, dmz);
            watermark(h, T0.plusSeconds(60));
            assertThat(index(h).values()).extracting(Alert::status).containsOnly(Alert.Status.VERIFIED);
            assertThat(index(h).get(core.id()).verificationReasons()).singleElement().asString()
                    .contains("alert " + dmz.id()).contains("seen by ids-dmz");
            assertThat(shared(h)).extracting(Alert::id).containsExactlyInAnyOrder(dmz.id(), core.id());
        }
    }

    @Test
    void aHighFidelityRuleIsVerifiedAtOnceAndSharedOnce() throws Exception {
        try (var h = started()) {
            Alert dump = alert("vigil-credential-dumping", VerificationPolicy.parse("high-fidelity"), T0, "e1");
            feed(h, dump);
            watermark(h, T0);
            assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(Alert.Status.VERIFIED);
                assertThat(a.verificationReasons()).containsExactly("high-fidelity: rule vigil-credential-dumping is marked high-fidelity");
            });
            // The same alert again (a repeat's update) keeps its status and is not shared twice.
            feed(h, dump);
            watermark(h, T0.plusSeconds(1));
            assertThat(h.extractOutputValues()).hasSize(2).allSatisfy(a -> assertThat(a.status()).isEqualTo(Alert.Status.VERIFIED));
            assertThat(shared(h)).hasSize(1);
        }
    }

    @Test
    void aCandidateVerifiedOnlyThroughARepeatIsSharedOnceAndItsLaterRepeatsKeepTheStatus() throws Exception {
        VerificationPolicy policy = VerificationPolicy.parse("intel");
        try (var h = started()) {
            Alert first = alert("vigil-beacon", policy, T0, "e1");
            feed(h, first);
            watermark(h, T0);
            assertThat(index(h).get(first.id()).status()).isEqualTo(Alert.Status.CANDIDATE);
            assertThat(shared(h)).isEmpty();

            // The second match, merged into the first as a repeat, sees the source on the botnet list.
            Alert twice = first.withRepeat(alert("vigil-beacon", policy, T0.plusSeconds(60), "e2", Map.of(
                    "vigil.botnet.ip", ATTACKER, "vigil.botnet.list_version", "2026-11", "vigil.botnet.family", "Mirai")));
            feed(h, twice);
            watermark(h, T0.plusSeconds(60));
            Alert verified = index(h).get(first.id());
            assertThat(verified.status()).isEqualTo(Alert.Status.VERIFIED);
            assertThat(verified.occurrences()).isEqualTo(2);
            assertThat(verified.verificationReasons()).containsExactly("intel: 203.0.113.5 is on the botnet list 2026-11 (Mirai)");
            assertThat(shared(h)).extracting(Alert::id).containsExactly(first.id());

            // A third match without the list entry: still verified, not shared again.
            feed(h, twice.withRepeat(alert("vigil-beacon", policy, T0.plusSeconds(120), "e3")));
            watermark(h, T0.plusSeconds(120));
            assertThat(index(h).get(first.id())).satisfies(a -> {
                assertThat(a.occurrences()).isEqualTo(3);
                assertThat(a.status()).isEqualTo(Alert.Status.VERIFIED);
            });
            assertThat(shared(h)).hasSize(1);
        }
    }

    @Test
    void aRepeatRaisesTheScoreAndALaterOneNeverLowersIt() throws Exception {
        try (var h = started()) {
            Alert first = alert("vigil-scan", CORROBORATION_30M, T0, "e1");
            Alert second = first.withRepeat(alert("vigil-scan", CORROBORATION_30M, T0.plusSeconds(60), "e2",
                    Map.of("vigil.asset.security_level", 5L, "vigil.asset.criticality", "critical")));
            Alert third = second.withRepeat(alert("vigil-scan", CORROBORATION_30M, T0.plusSeconds(120), "e3"));
            feed(h, first);
            watermark(h, T0);
            int asRaised = index(h).get(first.id()).riskScore();
            feed(h, second);
            watermark(h, T0.plusSeconds(60));
            // The second probe hit a level-5 critical system: 3 × (5 − 1) + 8 points more.
            assertThat(index(h).get(first.id()).riskScore()).isEqualTo(asRaised + 20);
            feed(h, third);
            watermark(h, T0.plusSeconds(120));
            assertThat(index(h).get(first.id())).satisfies(a -> {
                assertThat(a.occurrences()).isEqualTo(3);
                assertThat(a.riskScore()).isEqualTo(asRaised + 20);
                assertThat(a.riskFactors()).containsEntry("security_level", 5L);
            });
        }
    }

    @Test
    void aRepeatedCandidatesCorroborationWindowCountsFromItsLatestRepeat() throws Exception {
        try (var h = started()) {
            Alert scan = alert("vigil-scan", CORROBORATION_30M, T0, "e1");
            feed(h, scan);
            watermark(h, T0);
            Alert repeated = scan.withRepeat(alert("vigil-scan", CORROBORATION_30M, T0.plus(Duration.ofMinutes(25)), "e2"));
            feed(h, repeated);
            watermark(h, T0.plus(Duration.ofMinutes(25)));
            // 50 minutes after the first match, 25 after the latest repeat: within the window.
            Alert bruteForce = alert("vigil-brute-force", CORROBORATION_30M, T0.plus(Duration.ofMinutes(50)), "e3");
            feed(h, bruteForce);
            watermark(h, T0.plus(Duration.ofMinutes(50)));
            assertThat(index(h).get(scan.id()).status()).isEqualTo(Alert.Status.VERIFIED);
            assertThat(index(h).get(bruteForce.id()).verificationReasons()).singleElement().asString()
                    .startsWith("corroboration: vigil-scan alert " + scan.id() + " at " + T0.plus(Duration.ofMinutes(25)));
        }
    }

    @Test
    void anIdsAlertNamingACveTheTargetHasOpenIsVerifiedAndOneTheTargetLacksIsNot() throws Exception {
        VerificationPolicy policy = VerificationPolicy.parse("vulnerable-target");
        try (var h = started()) {
            Alert vulnerable = alert("vigil-ids", policy, T0, "e1", Map.of("vulnerability.id", List.of("CVE-2021-44228"),
                    "vigil.asset.vulnerability.id", List.of("CVE-2021-44228", "CVE-2024-21413"),
                    "vigil.asset.entry", "10.20.0.5", "vigil.asset.name", "Cổng dịch vụ công"));
            Alert patched = alert("vigil-ids", policy, T0, "e2", Map.of("vulnerability.id", List.of("CVE-2021-44228"),
                    "vigil.asset.vulnerability.id", List.of("CVE-2024-21413")));
            feed(h, vulnerable);
            feed(h, patched);
            watermark(h, T0);
            assertThat(index(h).get(vulnerable.id()).verificationReasons()).containsExactly(
                    "vulnerable-target: CVE-2021-44228 is unpatched and known exploited on the target 10.20.0.5 (Cổng dịch vụ công)");
            assertThat(index(h).get(patched.id()).status()).isEqualTo(Alert.Status.CANDIDATE);
        }
    }

    @Test
    void anAddressOnTheBotnetListOrADomainIocVerifiesAndAHashIocDoesNot() throws Exception {
        VerificationPolicy policy = VerificationPolicy.parse("intel");
        try (var h = started()) {
            Alert botnet = alert("vigil-beacon", policy, T0, "e1", Map.of("vigil.botnet.ip", ATTACKER,
                    "vigil.botnet.list_version", "2026-11", "vigil.botnet.family", "Mirai",
                    "vigil.intel.matched_fields", List.of("source.ip")));
            Alert domain = alert("vigil-beacon", policy, T0, "e2", Map.of("destination.domain", "evil.example",
                    "vigil.intel.matched_fields", List.of("destination.domain"), "threat.enrichments.matched.field",
                    "destination.domain", "threat.indicator.provider", "VNCERT", "vigil.intel.confidence", 80L));
            Alert hash = alert("vigil-beacon", policy, T0, "e3", Map.of("vigil.intel.matched_fields", List.of("file.hash.sha256"),
                    "vigil.intel.confidence", 95L));
            List.of(botnet, domain, hash).forEach(a -> { try { feed(h, a); } catch (Exception e) { throw new AssertionError(e); } });
            watermark(h, T0);
            assertThat(index(h).get(botnet.id()).verificationReasons())
                    .containsExactly("intel: 203.0.113.5 is on the botnet list 2026-11 (Mirai)");
            assertThat(index(h).get(domain.id()).verificationReasons())
                    .containsExactly("intel: destination.domain evil.example matched an IOC (VNCERT, confidence 80)");
            assertThat(index(h).get(hash.id()).status()).isEqualTo(Alert.Status.CANDIDATE);
        }
    }

    @Test
    void arrivalOrderDoesNotChangeTheOutcome() throws Exception {
        Alert a = alert("vigil-scan", CORROBORATION_30M, T0, "e1");
        Alert b = alert("vigil-brute-force", CORROBORATION_30M, T0.plusSeconds(300), "e2");
        Map<String, Alert> inOrder;
        try (var h = started()) {
            feed(h, a);
            feed(h, b);
            watermark(h, T0.plusSeconds(300));
            inOrder = index(h);
        }
        try (var h = started()) {
            feed(h, b);
            feed(h, a);
            watermark(h, T0.plusSeconds(300));
            assertThat(index(h)).isEqualTo(inOrder);
            assertThat(h.extractOutputValues()).extracting(Alert::id).containsExactly(a.id(), b.id(), a.id());
        }
        assertThat(inOrder.values()).extracting(Alert::status).containsOnly(Alert.Status.VERIFIED);
    }

    @Test
    void restoredInTheMiddleOfACorroborationWindowItDecidesAsAnUninterruptedRun() throws Exception {
        Alert scan = alert("vigil-scan", CORROBORATION_30M, T0, "e1");
        Alert unrelated = alert("vigil-scan", CORROBORATION_30M, T0.plusSeconds(100), "e2");
        Alert bruteForce = alert("vigil-brute-force", VerificationPolicy.NONE, T0.plus(Duration.ofMinutes(25)), "e3");
        List<Alert> uninterrupted;
        try (var h = started()) {
            for (Alert a : List.of(scan, unrelated, bruteForce)) {
                feed(h, a);
            }
            watermark(h, T0.plus(Duration.ofMinutes(25)));
            uninterrupted = h.extractOutputValues();
        }

        OperatorSubtaskState snapshot;
        List<Alert> beforeSnapshot;
        try (var h = started()) {
            feed(h, scan);
            feed(h, unrelated);
            watermark(h, T0.plusSeconds(100));
            beforeSnapshot = h.extractOutputValues();
            snapshot = h.snapshot(1, T0.plusSeconds(101).toEpochMilli());
        }
        try (var h = harness(SHARE_ALL)) {
            h.initializeState(snapshot);
            h.open();
            feed(h, bruteForce);
            watermark(h, T0.plus(Duration.ofMinutes(25)));
            List<Alert> all = new ArrayList<>(beforeSnapshot);
            all.addAll(h.extractOutputValues());
            assertThat(all).isEqualTo(uninterrupted);
            assertThat(shared(h)).extracting(Alert::id).containsExactlyInAnyOrder(scan.id(), unrelated.id());
        }
    }

    @Test
    void stateIsPrunedOnceTheWindowAndTheSummaryRetentionHavePassed() throws Exception {
        try (var h = started()) {
            feed(h, alert("vigil-scan", CORROBORATION_30M, T0, "e1"));
            watermark(h, T0);
            assertThat(h.numKeyedStateEntries()).isPositive();
            watermark(h, T0.plus(VerificationPolicy.MAX_CORROBORATION_WINDOW));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aVerifiedAlertIsSharedOnlyWhenItScoresEnoughAndVigilanceLowersTheBar() throws Exception {
        VigilanceCalendar holidays = VigilanceCalendar.parse("04-30..05-01", "Asia/Ho_Chi_Minh");
        VerifySettings settings = new VerifySettings(new RiskScore(holidays, 10), 40, 20);
        VerificationPolicy hf = VerificationPolicy.parse("high-fidelity");
        Instant before = Instant.parse("2026-04-29T10:00:00Z");
        Instant during = Instant.parse("2026-04-30T10:00:00Z");
        Alert ordinaryDay = Alert.builder().ruleId("vigil-low").ruleName("low").severity(Severity.LOW).partition("host.name", "pc1")
                .timestampMillis(before.toEpochMilli()).triggeringEvents(List.of(event(before, "e1", Map.of())), 20)
                .verificationPolicy(hf).build();
        Alert holiday = ordinaryDay.toBuilder().timestampMillis(during.toEpochMilli())
                .triggeringEvents(List.of(event(during, "e2", Map.of())), 20).build();
        try (var h = harness(settings)) {
            h.open();
            feed(h, ordinaryDay);
            feed(h, holiday);
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).extracting(Alert::riskScore).containsExactly(21, 31);
            assertThat(h.extractOutputValues()).extracting(Alert::shared).as("the index says which went out").containsExactly(false, true);
            assertThat(shared(h)).extracting(Alert::timestampMillis).containsExactly(holiday.timestampMillis());
        }
    }

    /**
     * A high-fidelity low-severity alert (21) and its repeats: one on a level-4 critical system (21 + 9 + 8 = 38),
     * one also on the botnet list (+ 10 = 48), then one with nothing new (stays 48).
     */
    private static List<Alert> risingRepeats() {
        Alert low = Alert.builder().ruleId("vigil-low").ruleName("low").severity(Severity.LOW).partition("source.ip", ATTACKER)
                .timestampMillis(T0.toEpochMilli()).triggeringEvents(List.of(event(T0, "e1", Map.of())), 20)
                .verificationPolicy(VerificationPolicy.parse("high-fidelity")).build();
        Alert second = low.withRepeat(low.toBuilder().timestampMillis(T0.plusSeconds(60).toEpochMilli())
                .triggeringEvents(List.of(event(T0.plusSeconds(60), "e2", Map.of("vigil.asset.security_level", 4L,
                        "vigil.asset.criticality", "critical"))), 20).build());
        Alert third = second.withRepeat(low.toBuilder().timestampMillis(T0.plusSeconds(120).toEpochMilli())
                .triggeringEvents(List.of(event(T0.plusSeconds(120), "e3", Map.of("vigil.asset.security_level", 4L,
                        "vigil.asset.criticality", "critical", "vigil.botnet.ip", ATTACKER))), 20).build());
        Alert fourth = third.withRepeat(low.toBuilder().timestampMillis(T0.plusSeconds(180).toEpochMilli())
                .triggeringEvents(List.of(event(T0.plusSeconds(180), "e4", Map.of())), 20).build());
        return List.of(low, second, third, fourth);
    }

    @Test
    void aVerifiedAlertBelowTheThresholdIsSharedOnceWhenARepeatRaisesItsScore() throws Exception {
        VerifySettings settings = new VerifySettings(new RiskScore(VigilanceCalendar.NONE, 10), 40, 20);
        try (var h = harness(settings)) {
            h.open();
            for (Alert a : risingRepeats()) {
                feed(h, a);
                h.processWatermark(a.lastSeenMillis());
            }
            assertThat(h.extractOutputValues()).extracting(Alert::status).containsOnly(Alert.Status.VERIFIED);
            assertThat(h.extractOutputValues()).extracting(Alert::riskScore).containsExactly(21, 38, 48, 48);
            assertThat(h.extractOutputValues()).extracting(Alert::shared).containsExactly(false, false, true, true);
            assertThat(shared(h)).singleElement().satisfies(a -> assertThat(a.occurrences()).isEqualTo(3));
        }
    }

    @Test
    void aSharedAlertIsSharedAgainOnlyWhenARepeatRaisesItsScore() throws Exception {
        // Scores 21, 38, 48, 48 (see risingRepeats).
        try (var h = started()) {
            for (Alert a : risingRepeats()) {
                feed(h, a);
                h.processWatermark(a.lastSeenMillis());
            }
            assertThat(h.extractOutputValues()).extracting(Alert::riskScore).containsExactly(21, 38, 48, 48);
            assertThat(shared(h)).as("first share, then each escalation; not the repeat that adds nothing")
                    .extracting(Alert::occurrences).containsExactly(1, 2, 3);
            assertThat(shared(h)).extracting(Alert::id).containsOnly(risingRepeats().get(0).id());
        }
    }

    @Test
    void ipPartitionFieldsShareOneEntity() {
        Alert bySource = Alert.builder().ruleId("r1").ruleName("r").severity(Severity.LOW).partition("source.ip", "10.0.0.5").build();
        Alert byHost = bySource.toBuilder().partition("host.ip", "10.0.0.5").build();
        Alert byName = bySource.toBuilder().partition("host.name", "10.0.0.5").build();
        assertThat(VerifyFunction.entityOf(bySource)).isEqualTo(VerifyFunction.entityOf(byHost)).isEqualTo("ip:10.0.0.5");
        assertThat(VerifyFunction.entityOf(byName)).isEqualTo("host.name:10.0.0.5");
    }
}
