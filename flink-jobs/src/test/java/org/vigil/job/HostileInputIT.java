package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vigil.event.DeadLetterKafkaSerializer;
import org.vigil.event.DeadLetterReason;
import org.vigil.event.EventFormat;
import org.vigil.local.EmbeddedKafka;
import org.vigil.local.LocalStack;
import org.vigil.rules.RulePaths;

/**
 * The correlator under hostile input on a real Kafka broker, a real Elasticsearch server and a Flink MiniCluster:
 * 100,000 generated records the parser must refuse, mixed with a brute force that succeeds, each land on the
 * dead-letter topic exactly once with the reason expected for it, while the attack still raises its one alert and
 * the job, allowed no restart, finishes.
 */
class HostileInputIT {
    private static final String RUN = "hostile";
    private static final String ECS_TOPIC = RUN + ".ecs";
    private static final String SURICATA_TOPIC = RUN + ".suricata";
    private static final String MIXED_TOPIC = RUN + ".mixed";
    private static final String DEADLETTER_TOPIC = RUN + ".deadletter";
    private static final String LATE_TOPIC = RUN + ".late";
    private static final String STIX_TOPIC = RUN + ".stix";
    private static final int PARTITIONS = 2;
    private static final Map<EventFormat, String> TOPIC_BY_FORMAT = Map.of(
            EventFormat.ECS_JSON, ECS_TOPIC, EventFormat.SURICATA_EVE, SURICATA_TOPIC, EventFormat.AUTO, MIXED_TOPIC);

    /**
     * Header naming each hostile record on its topic. Dead letters do not copy the source's headers: they point
     * back to the record by topic, partition and offset, which the producer's acknowledgements map to the record.
     */
    private static final String FUZZ_ID_HEADER = "fuzz-id";

    private static final Instant ATTACK_START = Instant.parse("2026-03-02T09:00:00Z");
    private static final String ATTACKER = "203.0.113.77";
    private static final int FAILED_LOGONS = 6;
    private static final int IDS_ALERTS = 3;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start();
        stack.kafka().createTopics(PARTITIONS, ECS_TOPIC, SURICATA_TOPIC, MIXED_TOPIC, DEADLETTER_TOPIC);
        stack.kafka().createTopics(LATE_TOPIC, STIX_TOPIC);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyHostileRecordIsDeadLetteredWithItsReasonAndTheAttackStillAlerts() throws Exception {
        int count = HostileRecordsTest.COUNT;
        long started = System.nanoTime();
        Produced produced = produce(count);
        long producedAt = System.nanoTime();

        VigilConfig config = runConfig();
        runBounded(config);
        long finishedAt = System.nanoTime();

        List<ConsumerRecord<byte[], byte[]>> deadLetters = read(DEADLETTER_TOPIC, false, count);
        long readAt = System.nanoTime();
        System.out.printf("hostile input: produced %d records in %d ms, job ran %d ms, read %d dead letters in %d ms%n",
                count + FAILED_LOGONS + IDS_ALERTS + 1, millis(producedAt - started), millis(finishedAt - producedAt),
                deadLetters.size(), millis(readAt - finishedAt));

        assertDeadLetters(produced, deadLetters);

        Map<String, JsonNode> alerts = StackProbe.alertsById(config);
        assertThat(alerts.values()).extracting(a -> a.at("/rule/id").asText())
                .containsExactlyInAnyOrder("vigil-brute-force-then-success", "vigil-ids-alert-burst");
        assertThat(StackProbe.statuses(alerts).values()).containsOnly("verified");
        JsonNode alert = alerts.values().stream()
                .filter(a -> a.at("/rule/id").asText().equals("vigil-brute-force-then-success")).findFirst().orElseThrow();
        assertThat(alert.at("/vigil/entity/value").asText()).isEqualTo(ATTACKER);
        assertThat(alert.at("/vigil/details/user_name").asText()).isEqualTo("admin");

        List<ConsumerRecord<byte[], byte[]>> bundles = read(STIX_TOPIC, true, 2);
        // On failure, tell a bundle never written from one whose transaction was left open.
        assertThat(bundles).as(() -> "committed STIX bundles; offsets on the topic read uncommitted: "
                + read(STIX_TOPIC, false, 2).stream().map(ConsumerRecord::offset).toList()).hasSize(2);
        List<String> sharedAlertIds = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : bundles) {
            for (JsonNode object : JSON.readTree(record.value()).get("objects")) {
                if (object.get("type").asText().equals("sighting")) {
                    object.get("external_references").forEach(r -> sharedAlertIds.add(r.get("external_id").asText()));
                }
            }
        }
        assertThat(sharedAlertIds).containsExactlyInAnyOrderElementsOf(alerts.keySet());

        assertThat(read(LATE_TOPIC, false, 0)).as("late events").isEmpty();
    }

    /** What was produced: each hostile record by source position, and the positions of the attack's events. */
    private record Produced(Map<String, Integer> indexByPosition, HostileRecords.Kind[] kinds, long[] checksums,
            Set<String> attackPositions) {}

    private static Produced produce(int count) throws Exception {
        Map<String, Integer> indexByPosition = new ConcurrentHashMap<>();
        Set<String> attackPositions = ConcurrentHashMap.newKeySet();
        HostileRecords.Kind[] kinds = new HostileRecords.Kind[count];
        long[] checksums = new long[count];
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<byte[]> attack = attack();
        // The attack's events are spread evenly through the hostile records.
        int attackEvery = count / (attack.size() + 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            int next = 0;
            for (int i = 0; i < count || next < attack.size(); i++) {
                if ((i >= count || (i > 0 && i % attackEvery == 0)) && next < attack.size()) {
                    // Keyed by the attacker: one partition, in event-time order.
                    producer.send(new ProducerRecord<>(ECS_TOPIC, ATTACKER.getBytes(StandardCharsets.UTF_8),
                            attack.get(next++)), remember(failure, attackPositions::add));
                }
                if (i >= count) {
                    continue;
                }
                HostileRecords.Hostile record = HostileRecords.record(HostileRecordsTest.SEED, i);
                kinds[i] = record.kind();
                checksums[i] = checksum(record.value());
                RecordHeaders headers = new RecordHeaders();
                headers.add(FUZZ_ID_HEADER, record.fuzzId().getBytes(StandardCharsets.UTF_8));
                int index = i;
                producer.send(new ProducerRecord<>(TOPIC_BY_FORMAT.get(record.format()), null, null, null,
                        record.value(), headers), remember(failure, position -> indexByPosition.put(position, index)));
            }
            // Callbacks have all run when flush returns.
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        assertThat(indexByPosition).hasSize(count);
        assertThat(attackPositions).hasSize(attack.size());
        return new Produced(indexByPosition, kinds, checksums, attackPositions);
    }

    /** A send callback handing the record's position to {@code sink}, or keeping the first failure. */
    private static Callback remember(AtomicReference<Exception> failure, Consumer<String> sink) {
        return (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                sink.accept(position(metadata.topic(), metadata.partition(), metadata.offset()));
            }
        };
    }

    private static void assertDeadLetters(Produced produced, List<ConsumerRecord<byte[], byte[]>> deadLetters)
            throws Exception {
        Set<String> knownCodes = Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::code)
                .collect(Collectors.toSet());
        int[] seen = new int[produced.kinds().length];
        List<String> problems = new ArrayList<>();
        Map<HostileRecords.Kind, Integer> perKind = new EnumMap<>(HostileRecords.Kind.class);
        for (ConsumerRecord<byte[], byte[]> record : deadLetters) {
            JsonNode deadLetter = JSON.readTree(record.value());
            JsonNode source = deadLetter.get("source");
            String position = position(source.get("topic").asText(), source.get("partition").asInt(),
                    source.get("offset").asLong());
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(position);
            String reason = deadLetter.path("reason").asText();
            assertThat(header(record, DeadLetterKafkaSerializer.REASON_HEADER)).isEqualTo(reason);
            if (produced.attackPositions().contains(position)) {
                problems.add("attack event at " + position + " was dead-lettered: " + deadLetter);
                continue;
            }
            Integer index = produced.indexByPosition().get(position);
            if (index == null) {
                problems.add("dead letter for a record never produced: " + position);
                continue;
            }
            seen[index]++;
            HostileRecords.Kind kind = produced.kinds()[index];
            perKind.merge(kind, 1, Integer::sum);
            if (!knownCodes.contains(reason) || deadLetter.path("message").asText().isBlank()) {
                problems.add(String.format("fuzz-%06d (%s): reason '%s', message '%s'", index, kind, reason,
                        deadLetter.path("message").asText()));
            } else if (!reason.equals(kind.expected().code())) {
                problems.add(String.format("fuzz-%06d (%s): expected %s, got %s: %s", index, kind,
                        kind.expected().code(), reason, deadLetter.path("message").asText()));
            }
            byte[] original = Base64.getDecoder().decode(deadLetter.get("original_base64").asText());
            if (checksum(original) != produced.checksums()[index]) {
                problems.add(String.format("fuzz-%06d (%s): original bytes differ from those produced", index, kind));
            }
        }
        for (int i = 0; i < seen.length; i++) {
            if (seen[i] != 1) {
                problems.add(String.format("fuzz-%06d (%s) has %d dead letters", i, produced.kinds()[i], seen[i]));
            }
        }
        System.out.println("hostile input: dead letters per kind " + perKind);
        assertThat(problems).as("%d problems, the first 20: %s", problems.size(),
                problems.subList(0, Math.min(20, problems.size()))).isEmpty();
        assertThat(deadLetters).hasSize(produced.kinds().length);
    }

    /**
     * A brute force from one address that succeeds (failed logons ten seconds apart, then a success), with an IDS
     * burst from the same address in between: the two alerts corroborate each other, so both are verified and shared.
     */
    private static List<byte[]> attack() throws Exception {
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < FAILED_LOGONS; i++) {
            events.add(logon(ATTACK_START.plusSeconds(10L * i), "failure"));
        }
        for (int i = 0; i < IDS_ALERTS; i++) {
            events.add(idsAlert(ATTACK_START.plusSeconds(10L * FAILED_LOGONS + 5L * i)));
        }
        events.add(logon(ATTACK_START.plusSeconds(120), "success"));
        return events;
    }

    private static byte[] idsAlert(Instant time) throws Exception {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", time.toString());
        ObjectNode event = doc.putObject("event");
        event.put("kind", "alert");
        event.put("severity", 1);
        event.putArray("category").add("network").add("intrusion_detection");
        doc.putObject("source").put("ip", ATTACKER);
        doc.putObject("destination").put("ip", "10.10.5.20").put("port", 443);
        doc.putObject("rule").put("name", "ET EXPLOIT Apache log4j RCE Attempt");
        return JSON.writeValueAsBytes(doc);
    }

    private static byte[] logon(Instant time, String outcome) throws Exception {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", time.toString());
        ObjectNode event = doc.putObject("event");
        event.putArray("category").add("authentication");
        event.putArray("type").add("start");
        event.put("outcome", outcome);
        event.put("action", "logon");
        doc.putObject("source").put("ip", ATTACKER);
        doc.putObject("user").put("name", "admin");
        doc.putObject("host").put("name", "mail-01");
        return JSON.writeValueAsBytes(doc);
    }

    private static Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Large batches: 100,000 small records in few requests.
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        return p;
    }

    private static VigilConfig runConfig() {
        return stack.config(RulePaths.rulesDir())
                .with(VigilOptions.EVENT_TOPICS, String.join(",", ECS_TOPIC, SURICATA_TOPIC, MIXED_TOPIC))
                .with(VigilOptions.EVENT_TOPIC_FORMATS, ECS_TOPIC + "=ecs," + SURICATA_TOPIC + "=suricata,"
                        + MIXED_TOPIC + "=auto")
                .with(VigilOptions.KAFKA_GROUP_ID, "it-" + RUN)
                .with(VigilOptions.ELASTICSEARCH_INDEX, "vigil-alerts-" + RUN)
                .with(VigilOptions.STIX_TOPIC, STIX_TOPIC)
                .with(VigilOptions.DEADLETTER_TOPIC, DEADLETTER_TOPIC)
                .with(VigilOptions.LATE_TOPIC, LATE_TOPIC)
                .with(VigilOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, "it-" + RUN)
                .with(VigilOptions.PARALLELISM, "2");
    }

    private static void runBounded(VigilConfig config) throws Exception {
        Configuration flink = new Configuration();
        // The job must never fail on input: with no restarts, any failure fails the test.
        flink.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
        CorrelatorJob.configure(env, config);
        CorrelatorJob.build(env, CorrelatorJob.Settings.from(config), KafkaConnectors.from(config, true));
        env.execute("vigil-hostile-input-it");
    }

    /**
     * Every record on {@code topic}: reads until {@code expected} have arrived (or {@link #READ_TIMEOUT} passes),
     * then a little longer so that duplicates or extras would show too.
     */
    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, boolean readCommitted, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(32 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20000");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String position(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    private static long checksum(byte[] value) {
        CRC32 crc = new CRC32();
        if (value != null) {
            crc.update(value);
        }
        return crc.getValue();
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
