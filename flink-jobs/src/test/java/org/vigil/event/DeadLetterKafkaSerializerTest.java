package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterKafkaSerializerTest {

    private static final DeadLetter DEAD = new DeadLetter(DeadLetterReason.BAD_TIMESTAMP,
            "@timestamp 1970-01-01T00:00:00Z is outside the accepted years 1990 to 2100", "soc.events.edge", 3, 42L,
            "{\"@timestamp\":0}".getBytes(UTF_8), 1714557600000L);

    @Test
    void writesTheDocumentKeyedBySourcePosition() throws Exception {
        ProducerRecord<byte[], byte[]> record = new DeadLetterKafkaSerializer("soc.deadletter").serialize(DEAD, null, 99L);

        assertThat(record.topic()).isEqualTo("soc.deadletter");
        assertThat(record.partition()).isNull();
        assertThat(record.timestamp()).isEqualTo(99L);
        assertThat(new String(record.key(), UTF_8)).isEqualTo("soc.events.edge/3/42");
        assertThat(new ObjectMapper().readTree(record.value()).path("reason").asText()).isEqualTo("bad_timestamp");
    }

    @Test
    void addsReasonAndSourceHeaders() {
        ProducerRecord<byte[], byte[]> record = new DeadLetterKafkaSerializer("soc.deadletter").serialize(DEAD, null, null);

        assertThat(header(record, "vigil.reason")).isEqualTo("bad_timestamp");
        assertThat(header(record, "vigil.source.topic")).isEqualTo("soc.events.edge");
        assertThat(header(record, "vigil.source.partition")).isEqualTo("3");
        assertThat(header(record, "vigil.source.offset")).isEqualTo("42");
    }

    @Test
    void refusesABlankTopic() {
        assertThatThrownBy(() -> new DeadLetterKafkaSerializer(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic");
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), UTF_8);
    }
}
