package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vigil.local.LocalStack;

/**
 * The Kafka broker, which holds both the events and the NCSC feed, is down for 20 s mid-run: with the restart
 * strategy production gets (Flink's default when checkpointing is on), the job comes back by itself, and
 * afterwards every alert is in the index exactly once and every verified alert on the feed exactly once.
 */
class KafkaOutageIT {
    private static final String EVENTS = "kafka-outage.events";
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    private static LocalStack stack;
    private static JobRuns runs;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start();
        stack.kafka().createTopics(2, EVENTS);
        runs = new JobRuns(stack, EVENTS);
        runs.produce(AttackStream.records(11), 2);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void bothSinksResumeByThemselvesAfterTheBrokerWasDownForTwentySeconds() throws Exception {
        VigilConfig config = runs.config("kafka-outage");
        // About 10 s of reading at 5 ms per record and reader, so most alerts are raised during the outage.
        JobRuns.Run run = new JobRuns.Run(config, 2, 5000, ChaosSource.Fault.none());
        JobClient job = runs.start(run, KafkaConnectors.from(config, true), new Configuration());

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (StackProbe.alertCount(config) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        int beforeOutage = StackProbe.alertCount(config);
        assertThat(beforeOutage).as("alerts indexed before the outage").isPositive();
        stack.kafka().stop();
        Thread.sleep(OUTAGE.toMillis());
        JobStatus duringOutage = job.getJobStatus().get();
        System.out.println("KafkaOutageIT: job status after " + OUTAGE.toSeconds() + " s without a broker: " + duringOutage);
        assertThat(duringOutage).as("the job waits or restarts, it does not give up")
                .isIn(JobStatus.RUNNING, JobStatus.RESTARTING, JobStatus.CREATED, JobStatus.INITIALIZING);
        stack.kafka().startAgain();
        job.getJobExecutionResult().get();

        Map<String, JsonNode> alerts = StackProbe.assertAttackStreamAlertsOnce(stack, config);
        assertThat(alerts.size()).as("alerts raised during and after the outage").isGreaterThan(beforeOutage);
        assertThat(runs.lateEvents(config)).isEmpty();
        assertThat(StackProbe.readAll(stack, config.require(VigilOptions.DEADLETTER_TOPIC), false)).isEmpty();
    }
}
