package org.vigil.event;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes dead letters to the dead-letter Kafka topic as JSON documents keyed by source topic/partition/offset,
 * with the reason and source in headers so consumers can filter without parsing.
 */
public final class DeadLetterKafkaSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String REASON_HEADER = "vigil.reason";
    public static final String SOURCE_TOPIC_HEADER = "vigil.source.topic";
    public static final String SOURCE_PARTITION_HEADER = "vigil.source.partition";
    public static final String SOURCE_OFFSET_HEADER = "vigil.source.offset";

    private final String topic;

    public DeadLetterKafkaSerializer(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("dead-letter topic must not be blank");
        }
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter deadLetter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, utf8(deadLetter.reasonCode()));
        headers.add(SOURCE_TOPIC_HEADER, utf8(deadLetter.sourceTopic()));
        headers.add(SOURCE_PARTITION_HEADER, utf8(Integer.toString(deadLetter.sourcePartition())));
        headers.add(SOURCE_OFFSET_HEADER, utf8(Long.toString(deadLetter.sourceOffset())));
        // Keyed by source position, so every failure of one source record lands on one partition, in order.
        return new ProducerRecord<>(topic, null, timestamp, utf8(deadLetter.kafkaKey()), deadLetter.toJsonBytes(),
                headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
