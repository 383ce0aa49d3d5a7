package org.vigil.sink.stix;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.vigil.alert.Alert;

/**
 * Writes each alert as one Kafka record: key the alert id, value its STIX 2.1 bundle as UTF-8 JSON.
 *
 * <p>It writes what it is given: the verify stage hands it each alert once, when it becomes verified (which may be
 * through a repeat merged into a candidate); later repeats of a shared alert only update the alert index.
 *
 * <p>Keying by alert id keeps every re-send of an alert on one partition, in order, and lets a compacted topic
 * keep only its latest bundle.
 */
public final class StixBundleSerializer implements KafkaRecordSerializationSchema<Alert> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final StixBundleMapper mapper;

    /** Bundles with the default identity and TLP:AMBER. */
    public StixBundleSerializer(String topic) {
        this(topic, StixBundleMapper.builder().build());
    }

    public StixBundleSerializer(String topic, StixBundleMapper mapper) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        this.topic = topic;
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /**
     * The record timestamp is left to the producer (the send time), not the alert's event time: a topic's
     * time-based retention would otherwise delete the bundles of a backfill or of a lagging job as soon as
     * they are written. The bundle itself carries the alert's times.
     */
    @Override
    public ProducerRecord<byte[], byte[]> serialize(Alert alert, KafkaSinkContext context, Long timestamp) {
        byte[] key = alert.id().getBytes(StandardCharsets.UTF_8);
        byte[] value = mapper.toJson(alert).getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, null, key, value);
    }
}
