package org.vigil.job;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.vigil.local.LocalStack;
import org.vigil.rules.RulePaths;

/**
 * Runs the correlator on a MiniCluster against the local stack for reliability tests: each run has its own
 * consumer group, alert index and output topics, reads the events through a {@link ChaosSource}, and may
 * restart after a failure or resume from a savepoint.
 */
final class JobRuns {
    private final LocalStack stack;
    private final String eventTopic;

    JobRuns(LocalStack stack, String eventTopic) {
        this.stack = stack;
        this.eventTopic = eventTopic;
    }

    /** Produces the values to the event topic, alternating partitions so each partition stays in time order. */
    void produce(List<byte[]> values, int partitions) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(eventTopic, i % partitions, null, values.get(i)));
            }
            producer.flush();
        }
    }

    /** The configuration of one run: its own group, index and topics, checkpoints every 300 ms. */
    VigilConfig config(String run) {
        String stix = run + ".stix";
        String deadLetters = run + ".deadletter";
        String late = run + ".late";
        stack.kafka().createTopics(stix, deadLetters, late);
        return stack.config(RulePaths.rulesDir())
                .with(VigilOptions.EVENT_TOPICS, eventTopic)
                .with(VigilOptions.EVENT_TOPIC_FORMATS, eventTopic + "=ecs")
                .with(VigilOptions.KAFKA_GROUP_ID, "it-" + run)
                .with(VigilOptions.ELASTICSEARCH_INDEX, "vigil-alerts-" + run)
                .with(VigilOptions.STIX_TOPIC, stix)
                .with(VigilOptions.DEADLETTER_TOPIC, deadLetters)
                .with(VigilOptions.LATE_TOPIC, late)
                .with(VigilOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, "it-" + run)
                .with(VigilOptions.CHECKPOINT_INTERVAL, "PT0.3S");
    }

    /**
     * One job: its configuration, parallelism, pace, how many records each reader may emit per completed
     * checkpoint (0: no limit), planned failure and the savepoint it resumes from.
     */
    record Run(VigilConfig config, int parallelism, long pauseMicrosPerRecord, long recordsPerCheckpoint,
               ChaosSource.Fault fault, String savepoint) {
        Run(VigilConfig config, int parallelism, long pauseMicrosPerRecord, ChaosSource.Fault fault) {
            this(config, parallelism, pauseMicrosPerRecord, 0, fault, null);
        }

        /** The same run with each reader held to {@code records} per completed checkpoint. */
        Run gatedByCheckpoints(long records) {
            return new Run(config, parallelism, pauseMicrosPerRecord, records, fault, savepoint);
        }

        /** The same run resumed from {@code path}. */
        Run resumedFrom(String path) {
            return new Run(config, parallelism, pauseMicrosPerRecord, recordsPerCheckpoint, fault, path);
        }

        String name() {
            return config.require(VigilOptions.KAFKA_GROUP_ID);
        }
    }

    /** Starts the job (bounded: it reads the event topic to its current end) and returns its client. */
    JobClient start(Run run) throws Exception {
        return start(run, KafkaConnectors.from(run.config(), true));
    }

    /** Starts the job with the given connectors, the event source wrapped in a {@link ChaosSource}. */
    JobClient start(Run run, CorrelatorJob.Connectors connectors) throws Exception {
        return start(run, connectors, testRestarts(run));
    }

    /** Restarts as the test plans them: none unless a fault is injected, then two quick ones. */
    private static Configuration testRestarts(Run run) {
        Configuration flink = new Configuration();
        // Few network buffers, so the paced source cannot read far ahead of the correlator into the buffers of
        // the job's network exchanges (source to router, router to correlator): the failures planned at a record
        // count then happen after checkpoints have completed, as in a job under load.
        flink.setString("taskmanager.network.memory.buffers-per-channel", "1");
        flink.setString("taskmanager.network.memory.floating-buffers-per-gate", "2");
        if (run.fault().kind() == ChaosSource.FaultKind.NONE) {
            // Any failure must fail the test, not be hidden by a restart.
            flink.setString("restart-strategy.type", "none");
        } else {
            flink.setString("restart-strategy.type", "fixed-delay");
            flink.setString("restart-strategy.fixed-delay.attempts", "2");
            flink.setString("restart-strategy.fixed-delay.delay", "200 ms");
        }
        return flink;
    }

    /**
     * Starts the job with the given connectors and Flink settings (restart strategy unset there means Flink's
     * default, as in production).
     */
    JobClient start(Run run, CorrelatorJob.Connectors connectors, Configuration flink) throws Exception {
        if (run.savepoint() != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, run.savepoint());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(run.parallelism(), flink);
        CorrelatorJob.configure(env, run.config().with(VigilOptions.PARALLELISM, Integer.toString(run.parallelism())));
        CorrelatorJob.Connectors chaotic = connectors.withEvents(
                ChaosSource.wrap(connectors.events(), run.name(), run.pauseMicrosPerRecord(), run.recordsPerCheckpoint(),
                        run.fault()));
        CorrelatorJob.build(env, CorrelatorJob.Settings.from(run.config()), chaotic);
        return env.executeAsync("vigil-" + run.name());
    }

    /** Runs the job to its end. */
    void runToEnd(Run run) throws Exception {
        start(run).getJobExecutionResult().get();
    }

    /** The late events a run wrote (none expected: every partition is in time order). */
    List<String> lateEvents(VigilConfig config) {
        return StackProbe.readAll(stack, config.require(VigilOptions.LATE_TOPIC), false).stream()
                .map(v -> new String(v, StandardCharsets.UTF_8)).toList();
    }
}
