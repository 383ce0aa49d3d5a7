package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The event serializer: field codes from the schema, names for other fields, and a snapshot that restores safely. */
class SecurityEventSerializerTest {
    private static final SecurityEventSerializer SERIALIZER = SecurityEventSerializer.INSTANCE;

    /** Every value type, in schema fields and in fields outside the schema (written with their names). */
    private static SecurityEvent everyType() {
        return SecurityEvent.builder()
                .timestamp(Instant.parse("2026-03-02T08:00:00.123Z"))
                .id("e-1")
                .put("source.ip", "203.0.113.7")
                .put("source.port", 4444)
                .put("source.bytes", Long.MAX_VALUE)
                .put("event.severity", -3)
                .put("vigil.asset.vulnerability.max_cvss", 9.8)
                .put("event.category", List.of("network", "intrusion_detection"))
                .put("host.ip", List.of())
                .put("user.name", "Nguyễn Văn A")
                .put("suricata.eve.flow.alerted", true)
                .put("suricata.eve.flow.reason", false)
                .put("suricata.eve.score", -0.5)
                .put("suricata.eve.flow.pkts_toserver", Long.MIN_VALUE)
                .put("suricata.eve.alert.metadata.tag", List.of("a", "b"))
                .put("process.command_line", "x".repeat(70_000))
                .build();
    }

    @Test
    void roundTripsEveryValueTypeInSchemaAndOtherFieldsIncludingLongText() throws Exception {
        SecurityEvent event = everyType();

        SecurityEvent back = roundTrip(SERIALIZER, event);

        assertThat(back).isEqualTo(event);
        assertThat(back.id()).isEqualTo("e-1");
        assertThat(back.get("source.port")).isEqualTo(4444L);
        assertThat(back.get("event.severity")).isEqualTo(-3L);
        assertThat(back.get("suricata.eve.flow.alerted")).isEqualTo(true);
        assertThat(back.get("suricata.eve.flow.reason")).isEqualTo(false);
        assertThat(back.get("suricata.eve.flow.pkts_toserver")).isEqualTo(Long.MIN_VALUE);
        assertThat(back.get("event.category")).isEqualTo(List.of("network", "intrusion_detection"));
        assertThat(back.fields().keySet()).containsExactlyElementsOf(event.fields().keySet());
    }

    @Test
    void keepsAnIdThatDiffersFromTheEventIdField() throws Exception {
        SecurityEvent event = SecurityEvent.builder().timestampMillis(1).id("kept").put("event.id", null)
                .put("source.ip", "10.0.0.1").build();
        assertThat(event.get("event.id")).isNull();

        SecurityEvent back = roundTrip(SERIALIZER, event);

        assertThat(back.id()).isEqualTo("kept");
        assertThat(back).isEqualTo(event);
    }

    @Test
    void writesSchemaFieldsByCodeSoAnEventTakesFarFewerBytesThanWithNames() throws Exception {
        SecurityEvent event = SecurityEvent.builder().timestamp(Instant.parse("2026-03-02T08:00:00Z")).id("e-2")
                .put("source.ip", "203.0.113.7").put("destination.port", 22).put("event.outcome", "failure")
                .put("event.category", List.of("authentication")).put("user.name", "admin").build();

        int compact = bytes(SERIALIZER, event).length;
        int withNames = bytes(SecurityEventSerializer.FieldNameFormat.INSTANCE, event).length;

        assertThat(compact).isLessThan(withNames / 2);
    }

    @Test
    void aSerializerWithALongerDictionaryReadsWhatAShorterOneWrote() throws Exception {
        // A later schema that appends fields: state written before reads as it is, fields unknown then included.
        List<String> earlier = SERIALIZER.dictionary().subList(0, 10);
        List<String> later = new ArrayList<>(earlier);
        later.add("source.ip");
        later.add("suricata.eve.score");
        SecurityEvent event = everyType();

        byte[] written = bytes(new SecurityEventSerializer(earlier), event);
        SecurityEvent back = new SecurityEventSerializer(later).deserialize(new DataInputDeserializer(written));

        assertThat(back).isEqualTo(event);
        assertThat(resolve(new SecurityEventSerializer(later), new SecurityEventSerializer(earlier)).isCompatibleAsIs()).isTrue();
    }

    @Test
    void aCodeBeyondTheDictionaryIsAnErrorNotAnotherField() throws Exception {
        byte[] written = bytes(new SecurityEventSerializer(List.of("event.id", "source.ip", "user.name")), everyType());

        SecurityEventSerializer shorter = new SecurityEventSerializer(List.of("event.id"));

        assertThatThrownBy(() -> shorter.deserialize(new DataInputDeserializer(written)))
                .isInstanceOf(IOException.class).hasMessageContaining("beyond the dictionary");
    }

    @Test
    void snapshotCarriesTheDictionaryAndRestoresASerializerThatReadsTheState() throws Exception {
        SecurityEventSerializer other = new SecurityEventSerializer(List.of("user.name", "source.ip", "event.id"));
        byte[] state = bytes(other, everyType());

        TypeSerializerSnapshot<SecurityEvent> restored = writeAndReadSnapshot(other.snapshotConfiguration());

        assertThat(restored.restoreSerializer()).isEqualTo(other);
        assertThat(restored.restoreSerializer().deserialize(new DataInputDeserializer(state))).isEqualTo(everyType());
        // Another order of names: the running serializer would misread the codes, so the state is migrated.
        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAfterMigration())
                .isTrue();
        assertThat(resolve(SERIALIZER, SERIALIZER).isCompatibleAsIs()).isTrue();
    }

    @Test
    void stateOfTheEarlierFieldNameFormatIsMigratedNotMisread() throws Exception {
        // What the serializer's snapshot was before field codes: Flink's SimpleTypeSerializerSnapshot, version 3,
        // written under this snapshot class's name, with no content.
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(SecurityEventSerializer.Snapshot.class.getName());
        out.writeInt(3);
        TypeSerializerSnapshot<SecurityEvent> earlier = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        byte[] state = bytes(SecurityEventSerializer.FieldNameFormat.INSTANCE, everyType());

        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(earlier).isCompatibleAfterMigration()).isTrue();
        TypeSerializer<SecurityEvent> reader = earlier.restoreSerializer();
        assertThat(reader.deserialize(new DataInputDeserializer(state))).isEqualTo(everyType());
        // Written out again unmigrated (a state never accessed after the restore), it is still known as that format.
        assertThat(writeAndReadSnapshot(reader.snapshotConfiguration()).restoreSerializer())
                .isInstanceOf(SecurityEventSerializer.FieldNameFormat.class);
    }

    @Test
    void listsOfEventsResolveThroughTheElementSerializer() {
        ListSerializer<SecurityEvent> current = new ListSerializer<>(SERIALIZER);
        ListSerializer<SecurityEvent> reordered = new ListSerializer<>(new SecurityEventSerializer(List.of("source.ip")));

        assertThat(current.snapshotConfiguration().resolveSchemaCompatibility(reordered.snapshotConfiguration())
                .isCompatibleAfterMigration()).isTrue();
    }

    @Test
    void survivesJavaSerializationWithItsDictionary() throws Exception {
        SecurityEventSerializer copy = InstantiationUtil.clone(SERIALIZER);

        assertThat(copy).isSameAs(SERIALIZER);
        assertThat(roundTrip(InstantiationUtil.clone(new SecurityEventSerializer(List.of("source.ip"))), everyType()))
                .isEqualTo(everyType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void keyedStateWrittenWithAnotherDictionaryIsMigratedOnRestore(String backend) throws Exception {
        // As the retained events are kept: a map of event lists. Written by a serializer whose codes mean other names.
        SecurityEventSerializer earlier = new SecurityEventSerializer(List.of("user.name", "source.ip", "event.id"));
        OperatorSubtaskState snapshot;
        try (var h = harness(new StateAccess(earlier, true), backend)) {
            h.open();
            h.processElement(new StreamRecord<>("203.0.113.7", 1L));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(new StateAccess(SERIALIZER, false), backend)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>("203.0.113.7", 2L));
            assertThat(h.extractOutputValues()).containsExactly(List.of(everyType()));
            // Written again by the running serializer, it reads back the same after another restore.
            snapshot = h.snapshot(2, 2);
        }
        try (var h = harness(new StateAccess(SERIALIZER, false), backend)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>("203.0.113.7", 3L));
            assertThat(h.extractOutputValues()).containsExactly(List.of(everyType()));
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, List<SecurityEvent>> harness(StateAccess function,
            String backend) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), k -> k, Types.STRING);
        h.setStateBackend(backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
        // The harness would copy the output with Kryo otherwise.
        h.setup(new ListSerializer<>(SERIALIZER));
        return h;
    }

    /** Writes {@link #everyType()} into a map of event lists, or reads what the map holds. */
    private static final class StateAccess extends KeyedProcessFunction<String, String, List<SecurityEvent>> {
        private final SecurityEventSerializer serializer;
        private final boolean write;
        private transient MapState<Long, List<SecurityEvent>> events;

        StateAccess(SecurityEventSerializer serializer, boolean write) {
            this.serializer = serializer;
            this.write = write;
        }

        @Override
        public void open(OpenContext context) {
            events = getRuntimeContext().getMapState(new MapStateDescriptor<>("retained-events", LongSerializer.INSTANCE,
                    new ListSerializer<>(serializer)));
        }

        @Override
        public void processElement(String key, Context ctx, Collector<List<SecurityEvent>> out) throws Exception {
            if (write) {
                events.put(7L, List.of(everyType()));
            } else {
                out.collect(events.get(7L));
            }
        }
    }

    @Test
    void flinkUsesItInsteadOfKryo() {
        assertThat(TypeInformation.of(SecurityEvent.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(SecurityEventSerializer.INSTANCE);
    }

    private static SecurityEvent roundTrip(TypeSerializer<SecurityEvent> serializer, SecurityEvent event) throws IOException {
        return serializer.deserialize(new DataInputDeserializer(bytes(serializer, event)));
    }

    private static byte[] bytes(TypeSerializer<SecurityEvent> serializer, SecurityEvent event) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(event, out);
        return out.getCopyOfBuffer();
    }

    private static TypeSerializerSchemaCompatibility<SecurityEvent> resolve(TypeSerializer<SecurityEvent> now,
            TypeSerializer<SecurityEvent> before) throws IOException {
        return now.snapshotConfiguration().resolveSchemaCompatibility(writeAndReadSnapshot(before.snapshotConfiguration()));
    }

    private static TypeSerializerSnapshot<SecurityEvent> writeAndReadSnapshot(TypeSerializerSnapshot<SecurityEvent> snapshot)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                SecurityEventSerializerTest.class.getClassLoader());
    }
}
