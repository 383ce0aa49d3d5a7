package org.vigil.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.vigil.rules.RuleStatus;

/** Writes a rule status as JSON to the status topic, keyed by rule id. */
final class RuleStatusSerializer implements KafkaRecordSerializationSchema<RuleStatus> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    RuleStatusSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(RuleStatus status, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, System.currentTimeMillis(), status.ruleId().getBytes(StandardCharsets.UTF_8),
                status.toJson().toString().getBytes(StandardCharsets.UTF_8));
    }
}
