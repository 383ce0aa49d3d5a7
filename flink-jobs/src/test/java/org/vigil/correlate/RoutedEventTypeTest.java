package org.vigil.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.vigil.event.SecurityEvent;
import org.vigil.event.SecurityEventTypeInfo;

/** Routed events, one per event and partition field, cross to the correlator with Flink's POJO serializer, never Kryo. */
class RoutedEventTypeTest {
    @Test
    void flinkTreatsItAsAPojoWhoseEventUsesTheEventSerializer() throws Exception {
        TypeInformation<RoutedEvent> type = TypeInformation.of(RoutedEvent.class);

        // A private or final field, or a lost no-argument constructor, would make it a generic type serialized with Kryo.
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<RoutedEvent> pojo = (PojoTypeInfo<RoutedEvent>) type;
        assertThat(pojo.getTypeAt(pojo.getFieldIndex("event"))).isEqualTo(SecurityEventTypeInfo.INSTANCE);

        SecurityEvent event = SecurityEvent.builder().timestamp(Instant.parse("2026-03-02T08:00:00Z")).id("e-1")
                .put("source.ip", "203.0.113.7").build();
        TypeSerializer<RoutedEvent> serializer = type.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(new RoutedEvent("source.ip", "203.0.113.7", event), out);
        RoutedEvent back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(back.key()).isEqualTo(RoutedEvent.key("source.ip", "203.0.113.7"));
        assertThat(back.event).isEqualTo(event);
    }
}
