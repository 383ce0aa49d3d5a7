package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vigil.local.LocalStack;
import org.vigil.sink.elasticsearch.ElasticsearchAlertSink;

/**
 * The Elasticsearch server is killed mid-run and started again 20 s later: the job waits (back-pressure,
 * retries) instead of failing or dropping alerts, and afterwards every alert is in the index exactly once
 * and each verified alert on the NCSC feed exactly once.
 */
class ElasticsearchOutageIT {
    private static final String EVENTS = "outage.events";
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    private static LocalStack stack;
    private static JobRuns runs;
    private static VigilConfig reference;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start();
        stack.kafka().createTopics(2, EVENTS);
        runs = new JobRuns(stack, EVENTS);
        runs.produce(AttackStream.records(11), 2);
        // An index name the template pattern of the "outage" run (vigil-alerts-outage*) does not cover.
        reference = runs.config("reference-outage");
        runs.runToEnd(new JobRuns.Run(reference, 2, 0, ChaosSource.Fault.none()));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyAlertArrivesExactlyOnceAfterElasticsearchWasDownForTwentySeconds() throws Exception {
        VigilConfig config = runs.config("outage");
        // About 10 s of reading at 5 ms per record and reader, so most alerts are raised while the server is down.
        JobRuns.Run run = new JobRuns.Run(config, 2, 5000, ChaosSource.Fault.none());
        CorrelatorJob.Connectors connectors = KafkaConnectors.from(config, true);
        // The production back-off caps at 30 s; a 2 s cap keeps the test short once the server is back.
        ElasticsearchAlertSink sink = new ElasticsearchAlertSink(KafkaConnectors.elasticsearchOptions(config).toBuilder()
                .maxBackoff(Duration.ofSeconds(2)).build());
        JobClient job = runs.start(run, new CorrelatorJob.Connectors(connectors.events(), sink,
                connectors.ncscFeed(), connectors.deadLetters(), connectors.lateEvents()));

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (StackProbe.alertCount(config) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        int beforeOutage = StackProbe.alertCount(config);
        assertThat(beforeOutage).as("alerts indexed before the outage").isPositive();
        stack.elasticsearch().kill();
        Thread.sleep(OUTAGE.toMillis());
        assertThat(job.getJobStatus().get()).as("the job waits for Elasticsearch instead of failing or finishing")
                .isEqualTo(JobStatus.RUNNING);
        stack.elasticsearch().start();
        job.getJobExecutionResult().get();

        Map<String, com.fasterxml.jackson.databind.JsonNode> alerts = StackProbe.assertAttackStreamAlertsOnce(stack, config);
        assertThat(alerts.size()).as("alerts raised while the server was down").isGreaterThan(beforeOutage);
        // Repeats updated their documents through the outage: the documents and counts of a run without one.
        assertThat(StackProbe.occurrencesById(alerts)).isEqualTo(StackProbe.occurrencesById(StackProbe.alertsById(reference)));
    }
}
