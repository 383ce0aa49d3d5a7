package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vigil.enrich.BotnetEntry;
import org.vigil.enrich.LoadResult;
import org.vigil.enrich.ReferenceFileReader;
import org.vigil.enrich.ReferenceKind;
import org.vigil.enrich.ReferenceTopicWriter;
import org.vigil.local.BacktestReferenceIT;
import org.vigil.local.LocalStack;

/**
 * The enrich stage and botnet detection on the real broker, Elasticsearch and a MiniCluster: reference data loaded
 * with the {@code intel load} publisher enriches events, so a rule on {@code vigil.asset.security_level} alerts on the
 * classified system only and its alert document carries the asset; a botnet host alerts once; a new list version
 * alerts a host seen in the last day but not one seen before that; a bad reference record is dead-lettered; and the
 * job restored from a checkpoint still holds the reference data without reading the intel topics again.
 */
class EnrichmentIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String EVENTS = "enrich.events";
    private static final String CLASSIFIED = "test-ids-alert-on-classified-system";
    private static final String BOTNET_RULE = "vigil-botnet-host";
    /** Event time of the run: an hour ago, so every event is within the ingest's future-skew bound. */
    private static final Instant T0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

    private static LocalStack stack;
    private static KafkaProducer<byte[], byte[]> producer;
    private static VigilConfig config;
    private static Path checkpoints;
    private static int eventIds;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start();
        stack.kafka().createTopics(EVENTS, "enrich.stix", "enrich.deadletter", "enrich.late", "enrich.rules.status");
        stack.kafka().createCompactedTopics("enrich.rules", "enrich.intel.assets", "enrich.intel.botnet",
                "enrich.intel.iocs", "enrich.intel.vulns");
        Path rules = Files.createDirectories(Files.createTempDirectory("vigil-enrich-rules").resolve("initial-access"));
        Files.writeString(rules.resolve("classified.epl"), BacktestReferenceIT.CLASSIFIED_RULE);
        checkpoints = Files.createTempDirectory("vigil-enrich-checkpoints");
        config = stack.config(rules.getParent())
                .with(VigilOptions.EVENT_TOPICS, EVENTS)
                .with(VigilOptions.EVENT_TOPIC_FORMATS, EVENTS + "=ecs")
                .with(VigilOptions.KAFKA_GROUP_ID, "it-enrich")
                .with(VigilOptions.ELASTICSEARCH_INDEX, "vigil-alerts-enrich")
                .with(VigilOptions.STIX_TOPIC, "enrich.stix")
                .with(VigilOptions.DEADLETTER_TOPIC, "enrich.deadletter")
                .with(VigilOptions.LATE_TOPIC, "enrich.late")
                .with(VigilOptions.RULES_TOPIC, "enrich.rules")
                .with(VigilOptions.RULES_STATUS_TOPIC, "enrich.rules.status")
                .with(VigilOptions.INTEL_TOPIC_ASSETS, "enrich.intel.assets")
                .with(VigilOptions.INTEL_TOPIC_BOTNET, "enrich.intel.botnet")
                .with(VigilOptions.INTEL_TOPIC_IOCS, "enrich.intel.iocs")
                .with(VigilOptions.INTEL_TOPIC_VULNS, "enrich.intel.vulns")
                .with(VigilOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, "it-enrich")
                .with(VigilOptions.CHECKPOINT_INTERVAL, "PT0.5S")
                .with(VigilOptions.CHECKPOINT_DIR, checkpoints.toUri().toString());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void stopStack() {
        if (producer != null) {
            producer.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void referenceDataEnrichesAlertsDrivesBotnetDetectionAndSurvivesARestore() throws Exception {
        publish(ReferenceKind.ASSETS, BacktestReferenceIT.ASSETS);
        publish(ReferenceKind.BOTNET, "ip,family,first_seen,last_seen,list_version\n10.50.3.7,Emotet,2026-11-01,2026-11-19,2026-11\n");
        // A record the publisher would refuse, written past it: no system name, level out of range.
        producer.send(new ProducerRecord<>("enrich.intel.assets", "asset:10.99.0.0/16".getBytes(StandardCharsets.UTF_8),
                "{\"asset\":\"10.99.0.0/16\",\"security_level\":\"9\"}".getBytes(StandardCharsets.UTF_8))).get();

        JobClient job = start(null);
        // Old sightings: 10.50.3.9 a day and more before the new list, 10.50.3.7 (on the current list) too.
        send(conn(T0.minus(Duration.ofHours(26)), "10.50.3.9"));
        // Until the enrich stage has the list, the botnet host's connections alert nothing; then exactly once.
        JsonNode first = null;
        for (int i = 0; first == null && i < WAIT.toSeconds(); i++) {
            send(conn(T0.minus(Duration.ofHours(25)).plusSeconds(i), "10.50.3.7"));
            first = findAlert(a -> ruleIs(a, BOTNET_RULE) && a.at("/host/ip").asText().equals("10.50.3.7"), Duration.ofSeconds(1));
        }
        assertThat(first).as("botnet-host alert for 10.50.3.7").isNotNull();
        assertThat(first.at("/vigil/status").asText()).isEqualTo("verified");
        assertThat(first.at("/vigil/botnet/list_version").asText()).isEqualTo("2026-11");
        assertThat(first.at("/vigil/asset/name").asText()).isEqualTo("Mạng nội bộ");

        send(conn(T0.minus(Duration.ofHours(1)), "10.50.3.8"));
        send(conn(T0, "10.50.3.8"));
        send(ids(T0.plusSeconds(10), "10.20.0.5"));
        send(ids(T0.plusSeconds(11), "10.30.0.5"));
        send(conn(T0.plusSeconds(30), "10.50.3.7"));
        JsonNode classified = awaitAlert(a -> ruleIs(a, CLASSIFIED));
        assertThat(classified.at("/destination/ip").asText()).isEqualTo("10.20.0.5");
        assertThat(classified.at("/vigil/asset/name").asText()).isEqualTo("Cổng dịch vụ công");
        assertThat(classified.at("/vigil/asset/security_level").asInt()).isEqualTo(3);
        assertThat(classified.at("/vigil/asset/type").asText()).isEqualTo("public-service-portal");

        // The watermark is past T0: a new list version alerts 10.50.3.8 (seen at T0), not 10.50.3.9 (T0 - 26 h).
        publish(ReferenceKind.BOTNET, "ip,family,first_seen,last_seen,list_version\n"
                + "10.50.3.8,Mirai,2026-12-01,2026-12-02,2026-12\n10.50.3.9,Mirai,2026-12-01,2026-12-02,2026-12\n");
        JsonNode switched = awaitAlert(a -> ruleIs(a, BOTNET_RULE) && a.at("/host/ip").asText().equals("10.50.3.8"));
        assertThat(switched.at("/vigil/botnet/list_version").asText()).isEqualTo("2026-12");
        assertThat(switched.at("/vigil/details/revealed_by").asText()).isEqualTo("botnet_list_update");

        Path checkpoint = latestCheckpointAfterQuietPeriod(job);

        // Restored: the intel source resumes after the records it read, so only broadcast state can enrich.
        JobClient restored = start(checkpoint);
        try {
            send(ids(T0.plusSeconds(60), "10.20.0.6"));
            send(conn(T0.plusSeconds(90), "10.50.3.10"));
            JsonNode again = awaitAlert(a -> ruleIs(a, CLASSIFIED) && a.at("/destination/ip").asText().equals("10.20.0.6"));
            assertThat(again.at("/vigil/asset/security_level").asInt()).isEqualTo(3);

            Map<String, JsonNode> alerts = StackProbe.alertsById(config);
            assertThat(alerts.values().stream().filter(a -> ruleIs(a, CLASSIFIED)).map(a -> a.at("/destination/ip").asText()))
                    .containsExactlyInAnyOrder("10.20.0.5", "10.20.0.6");
            assertThat(alerts.values().stream().filter(a -> ruleIs(a, BOTNET_RULE))
                    .map(a -> a.at("/host/ip").asText() + " " + a.at("/vigil/botnet/list_version").asText()))
                    .containsExactlyInAnyOrder("10.50.3.7 2026-11", "10.50.3.8 2026-12");
            assertThat(restored.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            restored.cancel().get();
        }

        List<JsonNode> deadLetters = StackProbe.readAll(stack, "enrich.deadletter", false).stream().map(StackProbe::json).toList();
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).at("/reason").asText()).isEqualTo("bad_reference_record");
        assertThat(deadLetters.get(0).at("/source/topic").asText()).isEqualTo("enrich.intel.assets");
        assertThat(deadLetters.get(0).at("/message").asText()).contains("security_level");
    }

    private static void publish(ReferenceKind kind, String csv) throws Exception {
        LoadResult file = ReferenceFileReader.read(kind.label() + ".csv", csv, kind, ReferenceFileReader.Format.CSV);
        assertThat(file.errors()).isEmpty();
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", stack.kafka().bootstrapServers());
        new ReferenceTopicWriter(client).publish(file, config.require(VigilOptions.intelTopic(kind)), false);
        if (kind == ReferenceKind.BOTNET) {
            assertThat(((BotnetEntry) file.records().get(0)).listVersion()).isNotNull();
        }
    }

    private static JobClient start(Path restoreFrom) throws Exception {
        Configuration flink = new Configuration();
        flink.setString("restart-strategy.type", "none");
        flink.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        if (restoreFrom != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        CorrelatorJob.configure(env, config.with(VigilOptions.PARALLELISM, "2").with(VigilOptions.STATE_BACKEND, "hashmap"));
        CorrelatorJob.build(env, CorrelatorJob.Settings.from(config), KafkaConnectors.from(config));
        JobClient job = env.executeAsync("it-enrich");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (job.getJobStatus().get() != JobStatus.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return job;
    }

    /**
     * Cancels the job after a quiet period and returns the checkpoint it retained, taken after the last alert was
     * written, so the restored job holds everything before it. Cancelled first: a running job deletes a checkpoint
     * as soon as a newer one completes, which under load happened between listing it and restoring from it.
     */
    private static Path latestCheckpointAfterQuietPeriod(JobClient job) throws Exception {
        Thread.sleep(3000);
        job.cancel().get();
        Path dir = checkpoints.resolve(job.getJobID().toString());
        try (Stream<Path> chk = Files.list(dir)) {
            return chk.filter(p -> p.getFileName().toString().startsWith("chk-") && Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint in " + dir));
        }
    }

    private static boolean ruleIs(JsonNode alert, String ruleId) {
        return alert.at("/rule/id").asText().equals(ruleId);
    }

    private static JsonNode awaitAlert(Predicate<JsonNode> wanted) throws Exception {
        JsonNode found = findAlert(wanted, WAIT);
        assertThat(found).as("an expected alert within " + WAIT).isNotNull();
        return found;
    }

    private static JsonNode findAlert(Predicate<JsonNode> wanted, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        do {
            if (StackProbe.alertCount(config) > 0) {
                for (JsonNode a : StackProbe.alertsById(config).values()) {
                    if (wanted.test(a)) {
                        return a;
                    }
                }
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return null;
    }

    private static void send(String event) {
        producer.send(new ProducerRecord<>(EVENTS, 0, null, event.getBytes(StandardCharsets.UTF_8)));
        producer.flush();
    }

    private static String ids(Instant t, String target) {
        return "{\"@timestamp\":\"" + t + "\",\"event\":{\"id\":\"ev-" + (++eventIds) + "\",\"kind\":\"alert\","
                + "\"category\":[\"intrusion_detection\"]},\"source\":{\"ip\":\"203.0.113.50\"},\"destination\":{\"ip\":\"" + target + "\"}}";
    }

    private static String conn(Instant t, String internal) {
        return "{\"@timestamp\":\"" + t + "\",\"event\":{\"id\":\"ev-" + (++eventIds) + "\",\"kind\":\"event\","
                + "\"category\":[\"network\"]},\"source\":{\"ip\":\"" + internal + "\"},\"destination\":{\"ip\":\"198.51.100.99\",\"port\":443}}";
    }
}
