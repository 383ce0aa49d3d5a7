package org.vigil.job;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;

/**
 * Parses Kafka records into events or dead letters inside the source, so watermarks are generated per
 * Kafka partition from the events' own timestamps.
 */
public final class SocEventDeserializer implements KafkaRecordDeserializationSchema<ParseResult> {
    private static final long serialVersionUID = 1L;
    private final EventParser parser;

    public SocEventDeserializer(EventParser parser) {
        this.parser = parser;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParseResult> out) {
        out.collect(parser.parse(record.value(), record.topic(), record.partition(), record.offset()));
    }

    @Override
    public TypeInformation<ParseResult> getProducedType() {
        return new JavaSerializedTypeInfo<>(ParseResult.class);
    }
}
