package org.vigil.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.vigil.job.JavaSerializedTypeInfo;

/** The verify stage's alert summaries: every field round-trips, and Java-serialized summaries are refused on restore. */
class SeenAlertSerializerTest {
    private static final SeenAlertSerializer SERIALIZER = SeenAlertSerializer.INSTANCE;

    @Test
    void roundTripsEveryFieldWithTheRiskFactorsExactClasses() throws Exception {
        Map<String, Object> factors = new LinkedHashMap<>();
        factors.put("rule_score", 73);
        factors.put("security_level", 4L);
        factors.put("criticality", "high");
        factors.put("vigilance", true);
        factors.put("ratio", 0.5d);
        factors.put("none", null);
        factors.put("list", Arrays.asList("a", null, 3L));
        SeenAlert shared = new SeenAlert("a1", "brute-force", 1_772_438_400_123L, List.of("suricata-01", "winlogbeat"),
                true, List.of("high-fidelity", "intel: 203.0.113.7"), 91, factors, true);
        SeenAlert candidate = new SeenAlert("a2", "port-scan", -5L, List.of(), false, List.of(), 0, Map.of(), false);

        for (SeenAlert seen : List.of(shared, candidate)) {
            SeenAlert back = SERIALIZER.deserialize(new DataInputDeserializer(bytes(SERIALIZER, seen)));
            assertThat(back).isEqualTo(seen);
            assertThat(back.riskFactors().values().stream().map(SeenAlertSerializerTest::kind).toList())
                    .isEqualTo(seen.riskFactors().values().stream().map(SeenAlertSerializerTest::kind).toList());
        }
        assertThat(SERIALIZER.copy(shared)).isSameAs(shared);
    }

    @Test
    void snapshotIsCompatibleWithItselfAndNotWithTheJavaSerializedSummary() throws Exception {
        TypeSerializer<SeenAlert> java = new JavaSerializedTypeInfo<>(SeenAlert.class).createSerializer(new SerializerConfigImpl());

        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(
                writeAndReadSnapshot(SERIALIZER.snapshotConfiguration())).isCompatibleAsIs()).isTrue();
        assertThat(writeAndReadSnapshot(SERIALIZER.snapshotConfiguration()).restoreSerializer()).isSameAs(SERIALIZER);
        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(
                writeAndReadSnapshot(java.snapshotConfiguration())).isIncompatible()).isTrue();
    }

    /** The value's class, a list's being any list: a number read back as another class would not be equal. */
    private static String kind(Object value) {
        return value == null ? "null" : value instanceof List<?> ? "list" : value.getClass().getName();
    }

    private static byte[] bytes(TypeSerializer<SeenAlert> serializer, SeenAlert seen) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(seen, out);
        return out.getCopyOfBuffer();
    }

    private static TypeSerializerSnapshot<SeenAlert> writeAndReadSnapshot(TypeSerializerSnapshot<SeenAlert> snapshot)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                SeenAlertSerializerTest.class.getClassLoader());
    }
}
