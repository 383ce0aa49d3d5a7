package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.local.AttackLedger.AlertDoc;
import org.vigil.local.BenchEventMix.Attack;
import org.vigil.local.BenchEventMix.AttackKind;

/** The bench's summary line, its missed/duplicated accounting, latency percentiles and throughput arithmetic. */
class BenchAccountingTest {
    private static final Attack SCAN = new Attack(0, AttackKind.PORT_SCAN, "198.18.0.0");
    private static final Attack BRUTE = new Attack(1, AttackKind.BRUTE_FORCE, "198.18.0.1");
    private static final Attack BURST = new Attack(2, AttackKind.IDS_BURST, "198.18.0.2");

    @Test
    void summaryLineHasTheDocumentedForm() {
        BenchReport r = new BenchReport(41_250, 1_100, 1_320, 1_480, 95_000, 60_500, 0, 2);

        assertThat(r.summaryLine()).isEqualTo(
                "bench eps=41250 p50_ms=1100 p95_ms=1320 p99_ms=1480 raw_eps=95000 esper_eps=60500 missed=0 duplicated=2");
        assertThat(r.summaryLine()).matches("bench eps=\\d+ p50_ms=-?\\d+ p95_ms=-?\\d+ p99_ms=-?\\d+ raw_eps=\\d+"
                + " esper_eps=\\d+ missed=\\d+ duplicated=\\d+");
    }

    @Test
    void anAttackWithoutAlertIsMissedAndOneWithTwoDocumentsIsDuplicated() {
        AttackLedger ledger = new AttackLedger();
        List.of(SCAN, BRUTE, BURST).forEach(ledger::injected);
        ledger.observed(new AlertDoc(SCAN.ruleId(), SCAN.entity(), "a1"), -1);
        ledger.observed(new AlertDoc(BRUTE.ruleId(), BRUTE.entity(), "b1"), -1);
        ledger.observed(new AlertDoc(BRUTE.ruleId(), BRUTE.entity(), "b2"), -1);

        assertThat(ledger.missed()).isEqualTo(1);
        assertThat(ledger.missedByRule()).containsExactly(java.util.Map.entry(BURST.ruleId(), 1L));
        assertThat(ledger.duplicated()).isEqualTo(1);
        assertThat(ledger.unexpected()).isEmpty();
    }

    @Test
    void theSameDocumentSeenTwiceIsOneAlertAndOtherRulesOnTheEntityAreUnexpected() {
        AttackLedger ledger = new AttackLedger();
        ledger.injected(SCAN);
        // The poller sees the candidate, the final inventory the same document updated to verified.
        ledger.observed(new AlertDoc(SCAN.ruleId(), SCAN.entity(), "a1"), 1_000);
        ledger.observed(new AlertDoc(SCAN.ruleId(), SCAN.entity(), "a1"), -1);
        ledger.observed(new AlertDoc("vigil-beaconing", SCAN.entity(), "c1"), -1);
        ledger.observed(new AlertDoc("vigil-network-service-scan", "10.20.0.1", "d1"), -1);

        assertThat(ledger.missed()).isZero();
        assertThat(ledger.duplicated()).isZero();
        assertThat(ledger.unexpected()).extracting(AlertDoc::alertId).containsExactlyInAnyOrder("c1", "d1");
    }

    @Test
    void latencyRunsFromTheAppendOfTheCompletingEventToTheFirstSearchThatFoundTheAlert() {
        AttackLedger ledger = new AttackLedger();
        List.of(SCAN, BRUTE, BURST).forEach(ledger::injected);
        ledger.completed(SCAN, 10_000);
        ledger.completed(BRUTE, 20_000);
        ledger.completed(BURST, 30_000);
        assertThat(ledger.pendingEntities(10)).containsExactly(SCAN.entity(), BRUTE.entity(), BURST.entity());
        assertThat(ledger.pendingEntities(2)).containsExactly(SCAN.entity(), BRUTE.entity());

        ledger.observed(new AlertDoc(SCAN.ruleId(), SCAN.entity(), "a"), 11_200);
        ledger.observed(new AlertDoc(SCAN.ruleId(), SCAN.entity(), "a"), 11_300);
        ledger.observed(new AlertDoc(BRUTE.ruleId(), BRUTE.entity(), "b"), 21_500);

        assertThat(ledger.pendingEntities(10)).containsExactly(BURST.entity());
        assertThat(ledger.latenciesMillis(0, Long.MAX_VALUE)).containsExactly(1_200, 1_500);
        // Only attacks completed inside the window count.
        assertThat(ledger.latenciesMillis(15_000, 40_000)).containsExactly(1_500);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(AttackLedger.percentile(sorted, 50)).isEqualTo(50);
        assertThat(AttackLedger.percentile(sorted, 95)).isEqualTo(95);
        assertThat(AttackLedger.percentile(sorted, 99)).isEqualTo(99);
        assertThat(AttackLedger.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(AttackLedger.percentile(new long[0], 50)).isEqualTo(-1);
    }

    @Test
    void throughputIsMeasuredBetweenTheFirstAndLastCommitInsideTheWindow() {
        List<ResourceMeter.Commit> commits = List.of(
                new ResourceMeter.Commit(500, 1_000, 5_000),      // warm-up: ignored
                new ResourceMeter.Commit(2_000, 40_000, 60_000),
                new ResourceMeter.Commit(4_000, 120_000, 140_000),
                new ResourceMeter.Commit(12_000, 400_000, 430_000),
                new ResourceMeter.Commit(13_000, 450_000, 500_000)); // after the window: ignored

        Bench.Throughput t = Bench.throughput(commits, 1_000, 12_500);

        assertThat(t.eventsPerSecond()).isEqualTo(36_000); // 360,000 records in 10 s
        assertThat(t.lagAtStart()).isEqualTo(20_000);
        assertThat(t.lagAtEnd()).isEqualTo(30_000);
        assertThat(Bench.throughput(commits.subList(0, 2), 1_000, 12_500).eventsPerSecond()).isZero();
    }
}
