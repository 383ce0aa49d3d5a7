package org.vigil.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.vigil.alert.AlertDocument;
import org.vigil.event.SecurityEvent;

/** Writes a late event as its ECS JSON, keyed by event id, to the late-events topic for replay or review. */
public final class LateEventKafkaSerializer implements KafkaRecordSerializationSchema<SecurityEvent> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String topic;

    public LateEventKafkaSerializer(String topic) {
        this.topic = topic;
    }

    /** Stamped with the send time: a late event is old by definition, and retention must not delete it at once. */
    @Override
    public ProducerRecord<byte[], byte[]> serialize(SecurityEvent event, KafkaSinkContext context, Long timestamp) {
        try {
            return new ProducerRecord<>(topic, null, null, event.id().getBytes(StandardCharsets.UTF_8),
                    JSON.writeValueAsBytes(AlertDocument.eventJson(event)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write late event " + event.id(), e);
        }
    }
}
