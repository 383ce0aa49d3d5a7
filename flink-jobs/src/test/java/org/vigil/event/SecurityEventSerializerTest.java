package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SecurityEventSerializerTest {

    @Test
    void roundTripsEveryValueTypeIncludingLongText() throws Exception {
        SecurityEvent event = SecurityEvent.builder()
                .timestamp(Instant.parse("2026-03-02T08:00:00.123Z"))
                .id("e-1")
                .put("source.ip", "203.0.113.7")
                .put("source.port", 4444)
                .put("event.category", List.of("network", "intrusion_detection"))
                .put("suricata.eve.flow.alerted", true)
                .put("suricata.eve.score", 0.5)
                .put("process.command_line", "x".repeat(70_000))
                .build();
        DataOutputSerializer out = new DataOutputSerializer(128);
        SecurityEventSerializer.INSTANCE.serialize(event, out);

        SecurityEvent back = SecurityEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back).isEqualTo(event);
        assertThat(back.get("source.port")).isEqualTo(4444L);
        assertThat(back.get("event.category")).isEqualTo(List.of("network", "intrusion_detection"));
    }

    @Test
    void flinkUsesItInsteadOfKryo() {
        assertThat(TypeInformation.of(SecurityEvent.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(SecurityEventSerializer.INSTANCE);
    }
}
