package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.local.EmbeddedKafka;
import org.vigil.local.RulesDeploy;
import org.vigil.rules.RuleOutcome;
import org.vigil.rules.RulePaths;
import org.vigil.rules.RuleRecord;
import org.vigil.rules.RuleStatus;

/**
 * Rules deployed to one running job through the rules topic on a real broker, with no restart (restarts
 * are disabled, so any failure fails the job): a new rule partitioned by a field no other rule uses alerts
 * on an attack sent after the deploy; a broken version is refused with its error on the status topic while
 * the running version keeps alerting; a fixed version replaces it, warmed up with the attack in progress;
 * an undeploy stops it; and a job restored from a checkpoint keeps the deployed rule. Every alert here
 * needs event time to pass the attack, so the rules input (which carries no event time) does not hold the
 * correlator's watermark back.
 */
class HotDeployIT {
    private static final String RULE_ID = "vigil-it-account-failures";
    private static final String FILE = "credential-access/account-failures.epl";
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger EVENT_IDS = new AtomicInteger();

    private static EmbeddedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;
    private static KafkaConsumer<byte[], byte[]> statusReader;
    private static final List<RuleStatus> statuses = new ArrayList<>();
    private static VigilConfig config;
    private static Path checkpoints;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(2, "hotdeploy.events");
        kafka.createTopics("hotdeploy.stix", "hotdeploy.deadletter", "hotdeploy.late", "hotdeploy.rules.status");
        kafka.createCompactedTopics("hotdeploy.rules");
        checkpoints = Files.createTempDirectory("vigil-hotdeploy-checkpoints");
        config = VigilConfig.of(Map.ofEntries(
                Map.entry(VigilOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers()),
                Map.entry(VigilOptions.RULES_DIR.key(), RulePaths.rulesDir().toString()),
                Map.entry(VigilOptions.EVENT_TOPICS.key(), "hotdeploy.events"),
                Map.entry(VigilOptions.EVENT_TOPIC_FORMATS.key(), "hotdeploy.events=ecs"),
                Map.entry(VigilOptions.KAFKA_GROUP_ID.key(), "it-hotdeploy"),
                Map.entry(VigilOptions.STIX_TOPIC.key(), "hotdeploy.stix"),
                Map.entry(VigilOptions.DEADLETTER_TOPIC.key(), "hotdeploy.deadletter"),
                Map.entry(VigilOptions.LATE_TOPIC.key(), "hotdeploy.late"),
                Map.entry(VigilOptions.RULES_TOPIC.key(), "hotdeploy.rules"),
                Map.entry(VigilOptions.RULES_STATUS_TOPIC.key(), "hotdeploy.rules.status"),
                Map.entry(VigilOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(), "it-hotdeploy"),
                Map.entry(VigilOptions.CHECKPOINT_INTERVAL.key(), "PT0.5S"),
                Map.entry(VigilOptions.CHECKPOINT_DIR.key(), checkpoints.toUri().toString())), Map.of());

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // As bin/vigil rules deploy reads it: a status is committed with the checkpoint that follows the change.
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        statusReader = new KafkaConsumer<>(c);
        TopicPartition status = new TopicPartition("hotdeploy.rules.status", 0);
        statusReader.assign(List.of(status));
        statusReader.seekToBeginning(List.of(status));
    }

    @AfterAll
    static void stopBroker() {
        if (statusReader != null) {
            statusReader.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void rulesAreDeployedRefusedReplacedAndUndeployedInOneRunningJobAndSurviveARestore() throws Exception {
        JobClient job = start("hotdeploy-first", null);
        String alerts = "hotdeploy-first";

        // 1. A new rule, partitioned by user.name (no shipped rule is), alerts on an attack sent after the deploy.
        RuleStatus deployed = awaitStatus(publish(rule(1, 3, false)));
        assertThat(deployed.outcome()).isEqualTo(RuleOutcome.DEPLOYED);
        assertThat(deployed.version()).isEqualTo(1);
        assertThat(deployed.previousVersion()).isNull();
        assertThat(deployed.reporter().task()).isEqualTo("rule-deployment-gate");
        assertThat(deployed.reporter().jobId()).isEqualTo(job.getJobID().toString());
        failures(phase(1), "alice", "203.0.113.31", 3);
        tick(phase(1).plusSeconds(120));
        Alert alice = awaitAlert(alerts, a -> a.ruleId().equals(RULE_ID) && a.partitionValue().equals("alice"));
        assertThat(alice.ruleVersion()).isEqualTo(1);
        assertThat(alice.partitionField()).isEqualTo("user.name");

        // 2. A broken version is refused with its file, line and reason; version 1 keeps alerting.
        RuleStatus refused = awaitStatus(publish(rule(2, 3, true)));
        assertThat(refused.outcome()).isEqualTo(RuleOutcome.REFUSED);
        assertThat(refused.version()).isEqualTo(2);
        assertThat(refused.previousVersion()).isEqualTo(1);
        assertThat(refused.error().file()).isEqualTo(FILE);
        assertThat(refused.error().line()).isEqualTo(brokenLine());
        assertThat(refused.error().reason()).contains("no_such_field");
        failures(phase(2), "bob", "203.0.113.32", 3);
        tick(phase(2).plusSeconds(120));
        assertThat(awaitAlert(alerts, a -> a.ruleId().equals(RULE_ID) && a.partitionValue().equals("bob")).ruleVersion())
                .as("the version running before the refused one still alerts").isEqualTo(1);

        // 3. A fixed version (four failures) replaces it. Carol's first two failures were correlated by
        //    version 1 before the swap; version 3 is warmed up with them and alerts on her fourth.
        failures(phase(3), "carol", "203.0.113.33", 2);
        tick(phase(3).plusSeconds(40));
        Thread.sleep(3000); // the watermark passes the first two failures, so they are retained, not pending
        RuleStatus replaced = awaitStatus(publish(rule(3, 4, false)));
        assertThat(replaced.outcome()).isEqualTo(RuleOutcome.REPLACED);
        assertThat(replaced.previousVersion()).isEqualTo(1);
        failures(phase(3).plusSeconds(60), "carol", "203.0.113.33", 2);
        failures(phase(3).plusSeconds(60), "dave", "203.0.113.34", 3);
        tick(phase(3).plusSeconds(240));
        Alert carol = awaitAlert(alerts, a -> a.ruleId().equals(RULE_ID) && a.partitionValue().equals("carol"));
        assertThat(carol.ruleVersion()).isEqualTo(3);
        assertThat(carol.details()).containsEntry("failed_logons", 4L);
        assertThat(carol.evidence()).hasSize(4);

        // 4. Undeployed (tombstone): no more alerts from it, while the shipped rules still alert.
        RuleStatus undeployed = awaitStatus(publish(null));
        assertThat(undeployed.outcome()).isEqualTo(RuleOutcome.UNDEPLOYED);
        assertThat(undeployed.previousVersion()).isEqualTo(3);
        failures(phase(4), "erin", "203.0.113.35", 5);
        success(phase(4).plusSeconds(50), "erin", "203.0.113.35");
        tick(phase(4).plusSeconds(240));
        awaitAlert(alerts, a -> a.ruleId().equals("vigil-brute-force-then-success") && a.partitionValue().equals("203.0.113.35"));
        Thread.sleep(2000); // the other correlator instance passes the same watermark
        assertThat(alertsOf(alerts)).as("dave (three failures, below version 3's four) and erin (after the undeploy)")
                .extracting(a -> a.partitionValue() + " v" + a.ruleVersion())
                .containsExactlyInAnyOrder("alice v1", "bob v1", "carol v3");

        // 5. Deployed again as version 4 with the command authors use, which waits for the job's answer;
        //    then the job stops after a checkpoint that holds it.
        Path rulesDir = Files.createTempDirectory("vigil-hotdeploy-rules");
        Files.createDirectories(rulesDir.resolve(FILE).getParent());
        Files.writeString(rulesDir.resolve(FILE), rule(4, 4, false));
        Path properties = Files.createTempFile("vigil-hotdeploy", ".properties");
        Files.writeString(properties, String.join("\n",
                VigilOptions.KAFKA_BOOTSTRAP_SERVERS.key() + "=" + kafka.bootstrapServers(),
                VigilOptions.RULES_TOPIC.key() + "=hotdeploy.rules",
                VigilOptions.RULES_STATUS_TOPIC.key() + "=hotdeploy.rules.status"));
        List<String> deployArgs = List.of("--config", properties.toString(), "--wait", "--timeout", "90");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertThat(new RulesDeploy(new PrintStream(printed, true, StandardCharsets.UTF_8), System.err).run(rulesDir, deployArgs))
                .as("exit code of vigil rules deploy --wait").isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("publish    " + RULE_ID + " v4 (new)")
                .contains("deployed   " + RULE_ID + " v4")
                .contains("the job applied every record");
        ByteArrayOutputStream secondRun = new ByteArrayOutputStream();
        assertThat(new RulesDeploy(new PrintStream(secondRun, true, StandardCharsets.UTF_8), System.err).run(rulesDir, deployArgs)).isZero();
        assertThat(secondRun.toString(StandardCharsets.UTF_8)).contains("nothing to publish");
        failures(phase(5), "frank", "203.0.113.36", 4);
        tick(phase(5).plusSeconds(120));
        assertThat(awaitAlert(alerts, a -> a.ruleId().equals(RULE_ID) && a.partitionValue().equals("frank")).ruleVersion()).isEqualTo(4);
        assertThat(job.getJobStatus().get()).as("one job ran all of it, without a restart").isEqualTo(JobStatus.RUNNING);
        Thread.sleep(2000); // a few checkpoints complete after the deploy
        job.cancel().get();
        Path checkpoint = latestCheckpoint(job);

        // 6. Restored from that checkpoint, with rules.dir still without the rule: version 4 is in force.
        JobClient restored = start("hotdeploy-restored", checkpoint);
        RuleStatus again = awaitStatus(publish(rule(4, 4, false)));
        assertThat(again.outcome()).as("the restored gate knows version 4 runs").isEqualTo(RuleOutcome.UNCHANGED);
        assertThat(again.previousVersion()).isEqualTo(4);
        assertThat(again.reporter().jobId()).isEqualTo(restored.getJobID().toString());
        failures(phase(6), "grace", "203.0.113.37", 4);
        tick(phase(6).plusSeconds(120));
        assertThat(awaitAlert("hotdeploy-restored", a -> a.ruleId().equals(RULE_ID) && a.partitionValue().equals("grace"))
                .ruleVersion()).isEqualTo(4);
        assertThat(restored.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        restored.cancel().get();
    }

    @Test
    void withoutARulesTopicTheJobRunsItsStartingRulesAndEventTimeStillAdvances() throws Exception {
        kafka.createTopics(2, "hotdeploy.fixed.events");
        VigilConfig fixed = config.with(VigilOptions.EVENT_TOPICS, "hotdeploy.fixed.events")
                .with(VigilOptions.EVENT_TOPIC_FORMATS, "hotdeploy.fixed.events=ecs")
                .with(VigilOptions.KAFKA_GROUP_ID, "it-hotdeploy-fixed");
        Configuration flink = new Configuration();
        flink.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        CorrelatorJob.configure(env, fixed.with(VigilOptions.PARALLELISM, "2"));
        CorrelatorJob.Connectors io = new CorrelatorJob.Connectors(
                KafkaConnectors.eventSource(fixed, false),
                new CollectingSink<>("hotdeploy-fixed"),
                new CollectingSink<>("hotdeploy-fixed-ncsc"),
                KafkaConnectors.deadLetterSink(fixed),
                KafkaConnectors.atLeastOnceSink(fixed, new LateEventKafkaSerializer("hotdeploy.late")));
        CorrelatorJob.build(env, CorrelatorJob.Settings.from(fixed), io);
        JobClient job = env.executeAsync("hotdeploy-fixed");
        try {
            // The event source is unbounded, so only a watermark that follows the events releases them.
            for (int i = 0; i < 5; i++) {
                sendTo("hotdeploy.fixed.events", 0, logon(phase(1).plusSeconds(10L * i), "root", "203.0.113.40", "failure"));
            }
            sendTo("hotdeploy.fixed.events", 0, logon(phase(1).plusSeconds(55), "root", "203.0.113.40", "success"));
            for (int partition = 0; partition < 2; partition++) {
                ObjectNode flow = event(phase(1).plusSeconds(120));
                flow.withObjectProperty("event").putArray("category").add("network");
                flow.withObjectProperty("source").put("ip", "10.1.0.9");
                sendTo("hotdeploy.fixed.events", partition, flow);
            }
            producer.flush();
            Alert alert = awaitAlert("hotdeploy-fixed", a -> a.partitionValue().equals("203.0.113.40"));
            assertThat(alert.ruleId()).isEqualTo("vigil-brute-force-then-success");
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }

    /** Starts the job on a MiniCluster at parallelism 2, restarts disabled, optionally from a checkpoint. */
    private static JobClient start(String alertSink, Path restoreFrom) throws Exception {
        Configuration flink = new Configuration();
        flink.setString("restart-strategy.type", "none");
        flink.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        if (restoreFrom != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        CorrelatorJob.configure(env, config.with(VigilOptions.PARALLELISM, "2"));
        CorrelatorJob.Connectors io = new CorrelatorJob.Connectors(
                KafkaConnectors.eventSource(config, false),
                new CollectingSink<>(alertSink),
                new CollectingSink<>(alertSink + "-ncsc"),
                KafkaConnectors.deadLetterSink(config),
                KafkaConnectors.atLeastOnceSink(config, new LateEventKafkaSerializer("hotdeploy.late")),
                KafkaConnectors.rulesSource(config),
                KafkaConnectors.ruleStatusSink(config));
        CorrelatorJob.build(env, CorrelatorJob.Settings.from(config), io);
        JobClient job = env.executeAsync(alertSink);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (job.getJobStatus().get() != JobStatus.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return job;
    }

    private static Instant phase(int n) {
        return T0.plus(Duration.ofMinutes(10L * n));
    }

    /**
     * The test rule: {@code threshold} failed logons for one account within five minutes. The broken
     * variant names a field the event type does not have, on {@link #brokenLine()}.
     */
    private static String rule(int version, int threshold, boolean broken) {
        return """
                /**
                 * @id        %s
                 * @version   %d
                 * @name      Failed logons for one account
                 * @severity  medium
                 * @tactic    TA0006
                 * @technique T1110
                 * @partition user.name
                 * @horizon   PT5M
                 * @suppress  PT10M
                 */
                module vigil.it.account_failures;

                @Name('alert')
                context PerEntity
                select window(*) as failures, count(*) as failed_logons%s
                from SecurityEvent('authentication' in (event.category) and event.outcome = 'failure')#time(5 minutes)
                having count(*) >= %d;
                """.formatted(RULE_ID, version, broken ? ", no_such_field as broken" : "", threshold);
    }

    /** The line of the broken variant's error: the 'select' line. */
    private static int brokenLine() {
        List<String> lines = rule(2, 3, true).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("no_such_field")) {
                return i + 1;
            }
        }
        throw new AssertionError("no broken line");
    }

    /** Publishes the rule text (null: a tombstone) keyed by the rule id; returns its offset. */
    private static long publish(String text) throws Exception {
        byte[] value = text == null ? null : new RuleRecord(FILE, text).toBytes();
        return producer.send(new ProducerRecord<>("hotdeploy.rules", 0, RULE_ID.getBytes(StandardCharsets.UTF_8), value))
                .get().offset();
    }

    /** The status the job reported for the rules-topic record at {@code offset}. */
    private static RuleStatus awaitStatus(long offset) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (var r : statusReader.poll(Duration.ofMillis(200))) {
                statuses.add(RuleStatus.fromJson(r.value()));
            }
            List<RuleStatus> answers = statuses.stream().filter(s -> s.source().offset() == offset).toList();
            if (!answers.isEmpty()) {
                assertThat(answers).as("one status per rules-topic record, not one per instance").hasSize(1);
                return answers.get(0);
            }
        }
        throw new AssertionError("no status for rules-topic offset " + offset + " within " + WAIT + "; statuses: " + statuses);
    }

    private static Alert awaitAlert(String sink, Predicate<Alert> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Alert a : CollectingSink.<Alert>received(sink)) {
                if (wanted.test(a)) {
                    return a;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such alert within " + WAIT + "; alerts: " + alertsOf(sink));
    }

    /** The test rule's alerts so far. */
    private static List<Alert> alertsOf(String sink) {
        return CollectingSink.<Alert>received(sink).stream().filter(a -> a.ruleId().equals(RULE_ID)).toList();
    }

    private static void failures(Instant from, String user, String sourceIp, int count) {
        for (int i = 0; i < count; i++) {
            send(0, logon(from.plusSeconds(10L * i), user, sourceIp, "failure"));
        }
        producer.flush();
    }

    private static void success(Instant at, String user, String sourceIp) {
        send(0, logon(at, user, sourceIp, "success"));
        producer.flush();
    }

    /** A harmless flow on both partitions: every partition's watermark moves to {@code at} less the out-of-orderness. */
    private static void tick(Instant at) {
        for (int partition = 0; partition < 2; partition++) {
            ObjectNode e = event(at);
            e.withObjectProperty("event").putArray("category").add("network");
            e.withObjectProperty("source").put("ip", "10.1.0.9");
            e.withObjectProperty("destination").put("ip", "10.20.0.1").put("port", 53);
            send(partition, e);
        }
        producer.flush();
    }

    private static ObjectNode logon(Instant at, String user, String sourceIp, String outcome) {
        ObjectNode e = event(at);
        e.withObjectProperty("event").put("outcome", outcome).putArray("category").add("authentication");
        e.withObjectProperty("source").put("ip", sourceIp);
        e.withObjectProperty("user").put("name", user);
        return e;
    }

    private static ObjectNode event(Instant at) {
        ObjectNode e = JSON.createObjectNode();
        e.put("@timestamp", at.toString());
        e.withObjectProperty("event").put("kind", "event").put("id", "hd-" + EVENT_IDS.incrementAndGet());
        return e;
    }

    private static void send(int partition, ObjectNode event) {
        sendTo("hotdeploy.events", partition, event);
    }

    private static void sendTo(String topic, int partition, ObjectNode event) {
        producer.send(new ProducerRecord<>(topic, partition, null, event.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The newest completed checkpoint the cancelled job retained. */
    private static Path latestCheckpoint(JobClient job) throws Exception {
        Path dir = checkpoints.resolve(job.getJobID().toString());
        try (Stream<Path> chk = Files.list(dir)) {
            return chk.filter(p -> p.getFileName().toString().startsWith("chk-") && Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint in " + dir));
        }
    }
}
