package org.vigil.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.vigil.enrich.ReferenceUpdate;

/** Reads reference-data records as they are, tombstones and bad records included; the enrich stage judges them. */
final class ReferenceTopicDeserializer implements KafkaRecordDeserializationSchema<ReferenceUpdate> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ReferenceUpdate> out) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        out.collect(new ReferenceUpdate(key, record.value(), record.topic(), record.partition(), record.offset()));
    }

    @Override
    public TypeInformation<ReferenceUpdate> getProducedType() {
        return TypeInformation.of(ReferenceUpdate.class);
    }
}
