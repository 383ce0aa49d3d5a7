package org.vigil.sink.stix;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each validated bundle as one Kafka record: key the alert id, value the STIX 2.1 bundle as UTF-8 JSON.
 *
 * <p>It writes what the {@link StixShareGate} passes on: each alert when it is first verified and scoring enough
 * to share, and again when a repeat raises its risk score (same object ids, later {@code modified}).
 *
 * <p>Keying by alert id keeps every re-send of an alert on one partition, in order, and lets a compacted topic
 * keep only its latest bundle.
 */
public final class StixBundleSerializer implements KafkaRecordSerializationSchema<StixShare> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public StixBundleSerializer(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        this.topic = topic;
    }

    /**
     * The record timestamp is left to the producer (the send time), not the alert's event time: a topic's
     * time-based retention would otherwise delete the bundles of a backfill or of a lagging job as soon as
     * they are written. The bundle itself carries the alert's times.
     */
    @Override
    public ProducerRecord<byte[], byte[]> serialize(StixShare share, KafkaSinkContext context, Long timestamp) {
        byte[] key = share.alertId().getBytes(StandardCharsets.UTF_8);
        byte[] value = share.bundleJson().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, null, key, value);
    }
}
