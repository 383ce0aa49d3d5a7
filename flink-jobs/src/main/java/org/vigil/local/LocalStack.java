package org.vigil.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.vigil.job.VigilConfig;
import org.vigil.job.VigilOptions;

/**
 * The embedded default stack: a real Kafka broker (KRaft, in-process) with Vigil's topics and a real
 * Elasticsearch server (child process), both on loopback; everything stops on {@link #close()}.
 */
public final class LocalStack implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final EmbeddedElasticsearch elasticsearch;

    private LocalStack(EmbeddedKafka kafka, EmbeddedElasticsearch elasticsearch) {
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
    }

    /** Starts both servers and creates the default topics (the rules and intel topics compacted). */
    public static LocalStack start() throws IOException {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        try {
            VigilConfig defaults = VigilConfig.defaults();
            kafka.createTopics(defaults.list(VigilOptions.EVENT_TOPICS).toArray(String[]::new));
            kafka.createTopics(defaults.require(VigilOptions.DEADLETTER_TOPIC), defaults.require(VigilOptions.LATE_TOPIC),
                    defaults.require(VigilOptions.STIX_TOPIC), defaults.require(VigilOptions.RULES_STATUS_TOPIC));
            kafka.createCompactedTopics(defaults.require(VigilOptions.RULES_TOPIC));
            kafka.createCompactedTopics(java.util.Arrays.stream(org.vigil.enrich.ReferenceKind.values())
                    .map(k -> defaults.require(VigilOptions.intelTopic(k))).toArray(String[]::new));
            return new LocalStack(kafka, EmbeddedElasticsearch.startDefault());
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedElasticsearch elasticsearch() {
        return elasticsearch;
    }

    /** The job's configuration for this stack: its addresses, the given rules, short checkpoints. */
    public VigilConfig config(Path rulesDir) {
        return VigilConfig.of(Map.of(
                VigilOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers(),
                VigilOptions.ELASTICSEARCH_HOSTS.key(), elasticsearch.httpUri().toString(),
                VigilOptions.RULES_DIR.key(), rulesDir.toString(),
                VigilOptions.CHECKPOINT_INTERVAL.key(), "PT2S"), Map.of());
    }

    /** Produces records to their topics and waits until the broker has them all. */
    public void produce(List<DemoScenario.Record> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (DemoScenario.Record r : records) {
                producer.send(new ProducerRecord<>(r.topic(), r.value()));
            }
            producer.flush();
        }
    }

    /** Every record on a topic (uncommitted ones included), polling until {@code quiet} passes without news. */
    public List<byte[]> readTopic(String topic, java.time.Duration quiet) {
        Properties p = new Properties();
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<byte[]> values = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long quietUntil = System.nanoTime() + quiet.toNanos();
            while (System.nanoTime() < quietUntil) {
                var batch = consumer.poll(java.time.Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    batch.forEach(r -> values.add(r.value()));
                    quietUntil = System.nanoTime() + quiet.toNanos();
                }
            }
        }
        return values;
    }

    @Override
    public void close() {
        try {
            elasticsearch.close();
        } finally {
            kafka.close();
        }
    }
}
