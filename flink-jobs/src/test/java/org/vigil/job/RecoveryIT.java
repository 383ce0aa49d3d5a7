package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vigil.local.LocalStack;

/**
 * A job that fails mid-stream and restores itself from its last checkpoint, or that is stopped with a
 * savepoint and resumed at another parallelism, leaves exactly the alerts of an uninterrupted run in
 * Elasticsearch and on the NCSC feed (read committed): the same ids, none missing, none twice.
 */
class RecoveryIT {
    private static final String EVENTS = "recovery.events";
    /** Pace per record and reader: the stream takes about three seconds, so ~10 checkpoints complete in it. */
    private static final long PACE_MICROS = 1500;
    /**
     * Each of the two readers emits at most this many records per completed checkpoint (about 13 checkpoints
     * over the stream), so the planned failures and the savepoint fall mid-stream even on a loaded machine.
     */
    private static final long RECORDS_PER_CHECKPOINT = 150;

    private static LocalStack stack;
    private static JobRuns runs;
    private static int records;
    private static VigilConfig uninterrupted;
    private static Set<String> reference;
    private static Map<String, String> referenceStatuses;
    /** The uninterrupted run's occurrence count per alert document (repeats merged within suppression periods). */
    private static Map<String, Integer> referenceOccurrences;

    @BeforeAll
    static void startStackAndRunUninterrupted() throws Exception {
        stack = LocalStack.start();
        stack.kafka().createTopics(2, EVENTS);
        runs = new JobRuns(stack, EVENTS);
        List<byte[]> stream = AttackStream.records(7);
        records = stream.size();
        runs.produce(stream, 2);

        uninterrupted = runs.config("uninterrupted");
        runs.runToEnd(new JobRuns.Run(uninterrupted, 2, PACE_MICROS, ChaosSource.Fault.none())
                .gatedByCheckpoints(RECORDS_PER_CHECKPOINT));
        Map<String, com.fasterxml.jackson.databind.JsonNode> alerts = StackProbe.alertsById(uninterrupted);
        reference = alerts.keySet();
        referenceStatuses = StackProbe.statuses(alerts);
        referenceOccurrences = StackProbe.occurrencesById(alerts);
        assertThat(StackProbe.bundlesPerAlert(StackProbe.bundles(stack, uninterrupted))).isEqualTo(StackProbe.verifiedOnce(alerts));
        assertThat(runs.lateEvents(uninterrupted)).isEmpty();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theUninterruptedRunAlertsOnEveryAttackAndReportsTheScanOncePerTenMinutes() throws Exception {
        Map<String, Long> perRule = new java.util.TreeMap<>();
        StackProbe.alertsById(uninterrupted).values()
                .forEach(a -> perRule.merge(a.at("/rule/id").asText(), 1L, Long::sum));
        // Five brute-force successes (the first attacker succeeds twice), the scan at 5, 15 and 25 minutes,
        // the IDS burst once per target and again after its 15-minute suppression.
        assertThat(perRule).containsEntry("vigil-brute-force-then-success", 5L)
                .containsEntry("vigil-network-service-scan", 3L)
                .containsEntry("vigil-ids-alert-burst", 3L);
        // The exploit source's three IDS bursts and its brute force corroborate each other; nothing else does.
        Map<String, Long> verifiedPerRule = new java.util.TreeMap<>();
        StackProbe.alertsById(uninterrupted).values().stream()
                .filter(a -> a.at("/vigil/verification/status").asText().equals("verified"))
                .forEach(a -> verifiedPerRule.merge(a.at("/rule/id").asText() + "@" + a.at("/vigil/entity/value").asText(), 1L, Long::sum));
        assertThat(verifiedPerRule).isEqualTo(Map.of("vigil-brute-force-then-success@" + AttackStream.EXPLOIT_SOURCE, 1L,
                "vigil-ids-alert-burst@" + AttackStream.EXPLOIT_SOURCE, 3L));
        // The scan keeps matching inside its periods: its documents count the repeats instead of being repeated.
        assertThat(StackProbe.alertsById(uninterrupted).values().stream()
                .filter(a -> a.at("/rule/id").asText().equals("vigil-network-service-scan"))
                .mapToInt(a -> a.at("/vigil/occurrences").asInt()).max().orElse(0)).isGreaterThan(1);
    }

    static Stream<ChaosSource.Fault> faults() {
        return Stream.of(
                new ChaosSource.Fault(ChaosSource.FaultKind.AT_RECORD, records * 55L / 100),
                new ChaosSource.Fault(ChaosSource.FaultKind.AFTER_CHECKPOINT, 3),
                new ChaosSource.Fault(ChaosSource.FaultKind.DURING_CHECKPOINT, 5));
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aFailureMidStreamLosesAndDuplicatesNoAlert(ChaosSource.Fault fault) throws Exception {
        String name = "crash-" + fault.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        VigilConfig config = runs.config(name);
        JobRuns.Run run = new JobRuns.Run(config, 2, PACE_MICROS, fault).gatedByCheckpoints(RECORDS_PER_CHECKPOINT);
        runs.runToEnd(run);

        ChaosSource.Control control = ChaosSource.control(run.name());
        assertThat(control.failed).as("the failure was injected").isTrue();
        assertThat(control.checkpointBeforeFailure.get()).as("a checkpoint completed before the failure").isPositive();
        assertThat(control.emitted.get()).as("records read, re-reads after the restore included").isGreaterThan(records);
        Map<String, com.fasterxml.jackson.databind.JsonNode> alerts = StackProbe.alertsById(config);
        assertThat(alerts.keySet()).isEqualTo(reference);
        assertThat(StackProbe.statuses(alerts)).isEqualTo(referenceStatuses);
        assertThat(StackProbe.occurrencesById(alerts)).as("occurrences per document").isEqualTo(referenceOccurrences);
        assertThat(StackProbe.bundlesPerAlert(StackProbe.bundles(stack, config))).isEqualTo(StackProbe.verifiedOnce(alerts));
        assertThat(runs.lateEvents(config)).isEmpty();
    }

    @Test
    void aSavepointTakenAtParallelismTwoResumesAtOneAndAtThreeWithTheSameAlerts() throws Exception {
        Path savepoints = Files.createTempDirectory("vigil-savepoints");
        VigilConfig before = runs.config("rescale-before");
        JobRuns.Run run = new JobRuns.Run(before, 2, PACE_MICROS, ChaosSource.Fault.none())
                .gatedByCheckpoints(RECORDS_PER_CHECKPOINT);
        JobClient job = runs.start(run);
        ChaosSource.Control control = ChaosSource.control(run.name());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (control.emitted.get() < records / 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
        long readBefore = control.emitted.get();
        assertThat(readBefore).as("stopped mid-stream").isBetween(1L, records - 1L);
        Map<String, com.fasterxml.jackson.databind.JsonNode> firstAlerts = StackProbe.alertsById(before);
        Map<String, String> first = StackProbe.statuses(firstAlerts);
        Map<String, Integer> firstOccurrences = StackProbe.occurrencesById(firstAlerts);
        Map<String, Integer> firstBundles = StackProbe.bundlesPerAlert(StackProbe.bundles(stack, before));

        for (int parallelism : new int[] {1, 3}) {
            VigilConfig after = runs.config("rescale-after-" + parallelism);
            JobRuns.Run resumed = new JobRuns.Run(after, parallelism, 0, ChaosSource.Fault.none()).resumedFrom(savepoint);
            JobClient resumedJob = runs.start(resumed);
            // A bounded Kafka source restored from a savepoint never learns that no more splits will come
            // (FLINK-31006), so it cannot finish by itself: once it has read the rest of the stream, stop it
            // draining, which ends event time just as the end of input would.
            ChaosSource.Control resumedControl = ChaosSource.control(resumed.name());
            long resumedDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (resumedControl.emitted.get() < records - readBefore && System.nanoTime() < resumedDeadline) {
                Thread.sleep(20);
            }
            assertThat(resumedControl.emitted.get()).as("records read after the savepoint").isEqualTo(records - readBefore);
            stopDraining(resumedJob, savepoints);
            Map<String, com.fasterxml.jackson.databind.JsonNode> restAlerts = StackProbe.alertsById(after);
            Map<String, String> rest = StackProbe.statuses(restAlerts);
            Map<String, Integer> restOccurrences = StackProbe.occurrencesById(restAlerts);
            // Each run writes its own index here: an alert in both was raised before the savepoint and either
            // verified by corroboration after it, or repeated after it (the later document counting more
            // occurrences; in one index it would be one update).
            for (String id : intersection(first.keySet(), rest.keySet())) {
                boolean verifiedAfter = (first.get(id) + " then " + rest.get(id)).equals("candidate then verified");
                boolean repeatedAfter = restOccurrences.get(id) > firstOccurrences.get(id);
                assertThat(verifiedAfter || repeatedAfter).as("alert %s in both runs: %s then %s, %s then %s occurrences", id,
                        first.get(id), rest.get(id), firstOccurrences.get(id), restOccurrences.get(id)).isTrue();
            }
            Map<String, String> statuses = new java.util.TreeMap<>(first);
            rest.forEach((id, status) -> statuses.merge(id, status, (a, b) -> a.equals("verified") ? a : b));
            assertThat(statuses).as("alerts at parallelism " + parallelism).isEqualTo(referenceStatuses);
            Map<String, Integer> merged = new java.util.TreeMap<>(firstOccurrences);
            restOccurrences.forEach((id, n) -> merged.merge(id, n, Math::max));
            assertThat(merged).as("occurrences per document at parallelism " + parallelism).isEqualTo(referenceOccurrences);
            Map<String, Integer> bundles = new java.util.TreeMap<>(firstBundles);
            StackProbe.bundlesPerAlert(StackProbe.bundles(stack, after)).forEach((id, n) -> bundles.merge(id, n, Integer::sum));
            Map<String, Integer> verifiedOnce = new java.util.TreeMap<>();
            referenceStatuses.forEach((id, status) -> {
                if (status.equals("verified")) {
                    verifiedOnce.put(id, 1);
                }
            });
            assertThat(bundles).isEqualTo(verifiedOnce);
        }
    }

    /** Stops the job with a draining savepoint, retrying while a task is still restoring (not yet running). */
    private static void stopDraining(JobClient job, Path savepoints) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
                job.getJobExecutionResult().get();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("not being executed")) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> i = new HashSet<>(a);
        i.retainAll(b);
        return i;
    }
}
