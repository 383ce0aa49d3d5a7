package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Drives the embedded broker with plain Kafka clients: topics, produce/consume, transactions. */
class EmbeddedKafkaIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        long start = System.nanoTime();
        kafka = EmbeddedKafka.start();
        System.out.printf("EmbeddedKafka started in %d ms at %s%n",
                (System.nanoTime() - start) / 1_000_000, kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
    }

    @Test
    void createsTopicsWithTheRequestedPartitions() throws Exception {
        kafka.createTopics(3, "soc.events.multi");
        kafka.createTopics("soc.events.single");
        try (Admin admin = kafka.admin()) {
            var topics = admin.describeTopics(List.of("soc.events.multi", "soc.events.single")).allTopicNames().get();
            assertThat(topics.get("soc.events.multi").partitions()).hasSize(3);
            assertThat(topics.get("soc.events.single").partitions()).hasSize(1);
        }
    }

    @Test
    void keepsRecordsWhateverTheirTimestamp() throws Exception {
        kafka.createTopics("soc.events.replayed");
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "soc.events.replayed");
        try (Admin admin = kafka.admin()) {
            var config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(config.get("retention.ms").value()).isEqualTo("-1");
        }
    }

    @Test
    void doesNotAutoCreateTopics() throws Exception {
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get()).doesNotContain("never.created");
        }
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000))) {
            var send = producer.send(new ProducerRecord<>("never.created", "k", "v"));
            org.assertj.core.api.Assertions.assertThatThrownBy(send::get).hasMessageContaining("never.created");
        }
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get()).doesNotContain("never.created");
        }
    }

    @Test
    void deliversProducedRecordsToAConsumer() throws Exception {
        kafka.createTopics("soc.events.plain");
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("soc.events.plain", "k" + i, "v" + i)).get();
            }
        }
        List<String> values = consume("soc.events.plain", "read_uncommitted", 5);
        assertThat(values).containsExactly("v0", "v1", "v2", "v3", "v4");
    }

    @Test
    void readCommittedSeesCommittedTransactionsOnly() throws Exception {
        kafka.createTopics("ncsc.stix.tx");
        Map<String, Object> tx = Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vigil-it-" + UUID.randomUUID(),
                // Within the broker's transaction.max.timeout.ms, as Flink's exactly-once sink needs.
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        try (KafkaProducer<String, String> producer = producer(tx)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("ncsc.stix.tx", "a", "committed-1"));
            producer.send(new ProducerRecord<>("ncsc.stix.tx", "a", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("ncsc.stix.tx", "b", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("ncsc.stix.tx", "c", "committed-3"));
            producer.commitTransaction();
        }
        assertThat(consume("ncsc.stix.tx", "read_committed", 3))
                .containsExactly("committed-1", "committed-2", "committed-3");
        // read_uncommitted shows the aborted record too, so the filter above is the broker's doing.
        assertThat(consume("ncsc.stix.tx", "read_uncommitted", 4)).contains("aborted");
    }

    @Test
    void comesBackOnTheSameAddressWithItsRecordsAfterAStop() throws Exception {
        kafka.createTopics("soc.events.outage");
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>("soc.events.outage", "k", "before")).get();
        }
        String address = kafka.bootstrapServers();
        kafka.stop();
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000))) {
            var send = producer.send(new ProducerRecord<>("soc.events.outage", "k", "during"));
            org.assertj.core.api.Assertions.assertThatThrownBy(send::get).as("nothing listens while stopped")
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
        kafka.startAgain();
        assertThat(kafka.bootstrapServers()).isEqualTo(address);
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>("soc.events.outage", "k", "after")).get();
        }
        assertThat(consume("soc.events.outage", "read_uncommitted", 2)).containsExactly("before", "after");
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    /** Reads from the beginning until {@code expected} values arrived, then a little longer to catch extras. */
    private static List<String> consume(String topic, String isolation, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "vigil-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                values.add(r.value());
            }
        }
        return values;
    }
}
