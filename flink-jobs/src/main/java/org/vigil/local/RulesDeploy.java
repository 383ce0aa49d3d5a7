package org.vigil.local;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.vigil.job.VigilConfig;
import org.vigil.job.VigilOptions;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleFixtureRunner;
import org.vigil.rules.RuleFixtures;
import org.vigil.rules.RuleLoader;
import org.vigil.rules.RuleOutcome;
import org.vigil.rules.RuleRecord;
import org.vigil.rules.RuleStatus;

/**
 * {@code vigil rules deploy}: compiles the rules directory, publishes the rules that changed to the rules
 * topic and tombstones the rules no longer in the directory, then (with {@code --wait}) reads the status
 * topic until the running job has answered every record it published.
 */
public final class RulesDeploy {
    static final String USAGE = """
            usage: vigil rules deploy [--rules DIR] [--config FILE] [--bootstrap-servers HOST:PORT]
                                      [--wait] [--timeout SECONDS] [--dry-run] [--force]

            Publishes the rules of DIR (default ./rules) to the running job through the rules topic: every rule
            whose text differs from its latest record on the topic, and a tombstone (undeploy) for every rule on
            the topic that is no longer in DIR. Every rule is compiled first; nothing is published while a rule
            is refused or fails its fixtures (<rule>.test.yaml, when present), or while a changed rule keeps
            the published @version (raise it: alert ids include it).

              --config FILE          the job's properties (topics, Kafka security); VIGIL_* variables override it
              --bootstrap-servers    Kafka brokers (default: kafka.bootstrap.servers, localhost:9092)
              --wait                 read the status topic until the job answered every record; print each
                                     outcome; exit 1 if any rule was refused
              --timeout SECONDS      how long --wait waits (default 120)
              --dry-run              print what would be published, publish nothing
              --force                publish the rules that pass even if others are refused (then nothing is undeployed)
            """;

    private final PrintStream out;
    private final PrintStream err;

    public RulesDeploy(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command; {@code args} are the options after {@code rules deploy} except {@code --rules}. */
    public int run(Path rulesDir, List<String> args) throws Exception {
        List<String> a = new ArrayList<>(args);
        String configFile = option(a, "--config");
        String bootstrap = option(a, "--bootstrap-servers");
        String timeoutText = option(a, "--timeout");
        boolean wait = a.remove("--wait");
        boolean dryRun = a.remove("--dry-run");
        boolean force = a.remove("--force");
        if (!a.isEmpty()) {
            err.println("vigil rules deploy: unexpected arguments " + a + "\n\n" + USAGE);
            return 2;
        }
        Duration timeout = Duration.ofSeconds(timeoutText == null ? 120 : Long.parseLong(timeoutText));
        VigilConfig config = VigilConfig.load(configFile == null ? null : Path.of(configFile));
        if (bootstrap != null) {
            config = config.with(VigilOptions.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        }
        String rulesTopic = config.get(VigilOptions.RULES_TOPIC);
        if (rulesTopic == null) {
            err.println("vigil rules deploy: rules.topic is empty, so the job takes no rules at run time; set it (default vigil.rules)");
            return 1;
        }

        List<RuleException> problems = new ArrayList<>();
        List<RuleDefinition> local = RuleLoader.loadAll(rulesDir, problems);
        problems.forEach(p -> err.println("REFUSED   " + p.getMessage()));
        if (!problems.isEmpty() && !force) {
            err.println("vigil rules deploy: nothing published; fix the refused rules (bin/vigil rules validate) or pass"
                    + " --force to publish the valid ones");
            return 1;
        }

        Properties kafka = config.kafkaClientProperties();
        kafka.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS));
        if (!topicExists(kafka, rulesTopic)) {
            return 1;
        }
        out.println("vigil rules deploy: " + local.size() + " rules in " + rulesDir + "; rules topic " + rulesTopic
                + " on " + config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS));
        Map<String, String> published = publishedRules(kafka, rulesTopic);
        RuleDeployPlan plan = RuleDeployPlan.of(local, published);
        List<String> planProblems = new ArrayList<>(plan.problems());
        planProblems.addAll(fixtureFailures(rulesDir, plan.publish()));
        planProblems.forEach(p -> err.println("REFUSED   " + p));
        if (!planProblems.isEmpty() && !force) {
            err.println("vigil rules deploy: nothing published; raise @version of the changed rules, or pass --force to publish the others");
            return 1;
        }
        List<String> undeploy = problems.isEmpty() ? plan.undeploy() : List.of();
        if (!problems.isEmpty() && !plan.undeploy().isEmpty()) {
            err.println("vigil rules deploy: --force with refused rules: not undeploying " + plan.undeploy());
        }
        List<RuleDefinition> toPublish = plan.publish().stream()
                .filter(r -> planProblems.stream().noneMatch(p -> p.startsWith(r.sourceFile() + ":"))).toList();
        for (RuleDefinition rule : toPublish) {
            String before = published.containsKey(rule.id()) ? "published: " + versionOf(published.get(rule.id())) : "new";
            out.println("  publish    " + rule.id() + " v" + rule.metadata().version() + " (" + before + ")");
        }
        undeploy.forEach(id -> out.println("  undeploy   " + id));
        out.println("  unchanged  " + plan.unchanged().size() + " rules");
        if (toPublish.isEmpty() && undeploy.isEmpty()) {
            out.println("vigil rules deploy: the topic already holds every rule of " + rulesDir + "; nothing to publish");
            return 0;
        }
        if (dryRun) {
            out.println("vigil rules deploy: --dry-run, nothing published");
            return 0;
        }

        String statusTopic = config.require(VigilOptions.RULES_STATUS_TOPIC);
        Map<TopicPartition, Long> statusStart = wait ? endOffsets(kafka, statusTopic) : Map.of();
        Map<String, String> sent = publish(kafka, rulesTopic, toPublish, undeploy);
        out.println("vigil rules deploy: published " + sent.size() + " records to " + rulesTopic);
        if (!wait) {
            out.println("  the job reports each outcome on " + statusTopic + " (or run with --wait)");
            return 0;
        }
        return awaitStatuses(kafka, statusTopic, statusStart, rulesTopic, sent, timeout);
    }

    /** The failing fixture cases of the rules to publish, for those that have fixtures beside them. */
    private static List<String> fixtureFailures(Path rulesDir, List<RuleDefinition> rules) throws RuleException {
        List<String> failures = new ArrayList<>();
        for (RuleDefinition rule : rules) {
            Path fixtures = RuleLoader.fixtureFileOf(rulesDir.resolve(rule.sourceFile()));
            if (!java.nio.file.Files.exists(fixtures)) {
                continue;
            }
            for (RuleFixtureRunner.CaseResult result : RuleFixtureRunner.run(rule, RuleFixtures.read(fixtures))) {
                if (!result.passed()) {
                    failures.add(rule.sourceFile() + ": fixture '" + result.caseName() + "' fails: "
                            + String.join("; ", result.differences()) + " (bin/vigil rules test)");
                }
            }
        }
        return failures;
    }

    private boolean topicExists(Properties kafka, String topic) throws InterruptedException {
        try (Admin admin = Admin.create(kafka)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                err.println("vigil rules deploy: topic " + topic + " does not exist; create it compacted"
                        + " (docker/kafka/create-topics.sh does) or set rules.topic to the job's rules topic");
            } else {
                err.println("vigil rules deploy: cannot reach Kafka at " + kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                        + ": " + e.getCause().getMessage() + "; set --bootstrap-servers");
            }
            return false;
        } catch (java.util.concurrent.TimeoutException e) {
            err.println("vigil rules deploy: no answer from Kafka at " + kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + " within 30 s; set --bootstrap-servers");
            return false;
        }
    }

    /** The latest value per key on the topic; keys whose latest record is a tombstone are left out. */
    static Map<String, String> publishedRules(Properties kafka, String topic) {
        Map<String, String> latest = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null) {
                        continue;
                    }
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        latest.remove(id);
                    } else {
                        latest.put(id, new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return latest;
    }

    private static Map<TopicPartition, Long> endOffsets(Properties kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    /** Publishes the records; returns "partition@offset" to what was published, in order. */
    private static Map<String, String> publish(Properties kafka, String topic, List<RuleDefinition> rules, List<String> undeploy)
            throws Exception {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        Map<String, String> sent = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (RuleDefinition rule : rules) {
                RecordMetadata m = producer.send(new ProducerRecord<>(topic, rule.id().getBytes(StandardCharsets.UTF_8),
                        RuleRecord.of(rule).toBytes())).get();
                sent.put(m.partition() + "@" + m.offset(), rule.id() + " v" + rule.metadata().version());
            }
            for (String id : undeploy) {
                RecordMetadata m = producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), null)).get();
                sent.put(m.partition() + "@" + m.offset(), "undeploy " + id);
            }
        }
        return sent;
    }

    private int awaitStatuses(Properties kafka, String statusTopic, Map<TopicPartition, Long> start, String rulesTopic,
                              Map<String, String> sent, Duration timeout) {
        out.println("vigil rules deploy: waiting for the job's answers on " + statusTopic + " (up to " + timeout.toSeconds() + " s)...");
        Map<String, RuleStatus> answers = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            while (answers.size() < sent.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    RuleStatus status;
                    try {
                        status = RuleStatus.fromJson(r.value());
                    } catch (Exception e) {
                        continue; // not a status record of ours
                    }
                    String source = status.source().partition() + "@" + status.source().offset();
                    if (status.source().topic().equals(rulesTopic) && sent.containsKey(source) && !answers.containsKey(source)) {
                        answers.put(source, status);
                        out.println("  " + status.describe());
                    }
                }
            }
        }
        long refused = answers.values().stream().filter(s -> s.outcome() == RuleOutcome.REFUSED).count();
        if (answers.size() < sent.size()) {
            List<String> missing = new ArrayList<>();
            sent.forEach((source, what) -> {
                if (!answers.containsKey(source)) {
                    missing.add(what);
                }
            });
            err.println("vigil rules deploy: no answer within " + timeout.toSeconds() + " s for " + missing
                    + "; is the job running with rules.topic=" + rulesTopic + "? The records stay on the topic and"
                    + " apply when it runs");
            return 1;
        }
        if (refused > 0) {
            err.println("vigil rules deploy: " + refused + " refused; the version running before keeps running. Fix the"
                    + " rule, raise @version and deploy again");
            return 1;
        }
        out.println("vigil rules deploy: the job applied every record");
        return 0;
    }

    private static String versionOf(String value) {
        try {
            return "v" + RuleRecord.parse(value).definition().metadata().version();
        } catch (RuleException e) {
            return "unreadable";
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Properties kafka) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p);
    }

    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value; see vigil rules deploy --help");
        }
        String value = args.remove(i + 1);
        args.remove(i);
        return value;
    }
}
