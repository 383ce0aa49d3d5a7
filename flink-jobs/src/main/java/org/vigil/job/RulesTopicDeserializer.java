package org.vigil.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.vigil.correlate.PublishedRule;

/** Reads rules-topic records as they are, tombstones included; the deployment gate judges them. */
final class RulesTopicDeserializer implements KafkaRecordDeserializationSchema<PublishedRule> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<PublishedRule> out) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        String value = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        out.collect(new PublishedRule(key, value, record.topic(), record.partition(), record.offset()));
    }

    @Override
    public TypeInformation<PublishedRule> getProducedType() {
        return TypeInformation.of(PublishedRule.class);
    }
}
