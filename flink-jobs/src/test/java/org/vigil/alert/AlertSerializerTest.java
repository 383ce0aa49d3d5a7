package org.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vigil.event.SecurityEvent;
import org.vigil.event.SecurityEventSerializer;
import org.vigil.job.JavaSerializedTypeInfo;
import org.vigil.rules.VerificationPolicy;

/** The alert serializer: every field and value type round-trips, events keep their own format, state restores safely. */
class AlertSerializerTest {
    private static final AlertSerializer SERIALIZER = AlertSerializer.INSTANCE;
    private static final long T0 = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();

    @Test
    void roundTripsManyVariedAlertsWithEveryFieldAndValueType() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            Alert alert = variedAlert(random, i);
            Alert back = roundTrip(SERIALIZER, alert);

            assertThat(back).isEqualTo(alert);
            assertThat(described(back)).as("alert %d", i).isEqualTo(described(alert));
            assertThat(AlertDocument.toJson(back)).isEqualTo(AlertDocument.toJson(alert));
        }
    }

    @Test
    void keepsTheExactClassOfEveryDetailValueAndNullsInLists() throws Exception {
        Map<String, Object> details = everyValueType();
        Alert alert = base().details(details).riskFactors(details).build();

        Alert back = roundTrip(SERIALIZER, alert);

        assertThat(back.details()).isEqualTo(details);
        assertThat(back.riskFactors()).isEqualTo(details);
        assertThat(typed(back.details())).isEqualTo(typed(details));
        assertThat(new ArrayList<>(back.details().keySet())).isEqualTo(new ArrayList<>(details.keySet()));
        assertThat(back.details().get("count")).isInstanceOf(Long.class);
        assertThat(back.details().get("distinct")).isInstanceOf(Integer.class);
        assertThat(back.details().get("nested")).isEqualTo(Arrays.asList(List.of(1L, "x"), null, List.of()));
    }

    @Test
    void writesTextLongerThanWriteUtfAllows() throws Exception {
        String command = "powershell -enc " + "A".repeat(70_000);
        Alert alert = base().ruleDescription("d".repeat(66_000)).detail("command_line", command).build();

        assertThat(roundTrip(SERIALIZER, alert).details().get("command_line")).isEqualTo(command);
        assertThat(roundTrip(SERIALIZER, alert).ruleDescription()).hasSize(66_000);
    }

    @Test
    void aValueThatCannotBeSerializedIsAnErrorNamingIt() {
        Alert alert = base().detail("handle", new Object()).build();

        assertThatThrownBy(() -> bytes(SERIALIZER, alert)).isInstanceOf(IOException.class)
                .hasMessageContaining("'handle'").hasMessageContaining("java.lang.Object");
    }

    @Test
    void writesEvidenceEventsInTheEventFormatSoAnAlertTakesFarFewerBytesThanWithJavaSerialization() throws Exception {
        Alert alert = variedAlert(new Random(3), 0).toBuilder().triggeringEvents(events(new Random(3), 20, "e"), 20).build();
        DataOutputSerializer eventBytes = new DataOutputSerializer(1024);
        for (SecurityEvent e : alert.evidence()) {
            SecurityEventSerializer.INSTANCE.serialize(e, eventBytes);
        }
        int compact = bytes(SERIALIZER, alert).length;
        int java = bytes(new JavaSerializedTypeInfo<>(Alert.class).createSerializer(new SerializerConfigImpl()), alert).length;

        assertThat(compact).isLessThan(eventBytes.length() + 2_000);
        assertThat(compact).isLessThan(java / 2);
    }

    @Test
    void copiesAreTheAlertItselfAndTheSerializerItsOwnDuplicate() throws Exception {
        Alert alert = variedAlert(new Random(5), 1);

        assertThat(SERIALIZER.isImmutableType()).isTrue();
        assertThat(SERIALIZER.copy(alert)).isSameAs(alert);
        assertThat(SERIALIZER.copy(alert, null)).isSameAs(alert);
        assertThat(SERIALIZER.duplicate()).isSameAs(SERIALIZER);
        assertThat(InstantiationUtil.clone(SERIALIZER)).isSameAs(SERIALIZER);

        DataOutputSerializer copied = new DataOutputSerializer(256);
        SERIALIZER.copy(new DataInputDeserializer(bytes(SERIALIZER, alert)), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(bytes(SERIALIZER, alert));
    }

    @Test
    void flinkUsesItForAlertsInsteadOfJavaSerializationOrKryo() {
        assertThat(TypeInformation.of(Alert.class).createSerializer(new SerializerConfigImpl())).isSameAs(SERIALIZER);
    }

    @Test
    void snapshotRestoresTheSerializerAndIsCompatibleWithItself() throws Exception {
        TypeSerializerSnapshot<Alert> restored = writeAndReadSnapshot(SERIALIZER.snapshotConfiguration());

        assertThat(restored.restoreSerializer()).isSameAs(SERIALIZER);
        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();
    }

    @Test
    void alertsWhoseEventsWereWrittenWithAnotherDictionaryAreMigratedNotMisread() throws Exception {
        // What a change of EventSchema makes: the evidence events' field codes mean other names in old state.
        AlertSerializer earlier = new AlertSerializer(otherDictionary());
        Alert alert = variedAlert(new Random(11), 2).toBuilder().triggeringEvents(events(new Random(11), 5, "m"), 5).build();
        byte[] state = bytes(earlier, alert);

        TypeSerializerSnapshot<Alert> snapshot = writeAndReadSnapshot(earlier.snapshotConfiguration());

        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(snapshot).isCompatibleAfterMigration())
                .isTrue();
        Alert back = snapshot.restoreSerializer().deserialize(new DataInputDeserializer(state));
        assertThat(described(back)).isEqualTo(described(alert));
    }

    @Test
    void stateOfTheJavaSerializedAlertIsIncompatible() throws Exception {
        TypeSerializer<Alert> java = new JavaSerializedTypeInfo<>(Alert.class).createSerializer(new SerializerConfigImpl());

        TypeSerializerSnapshot<Alert> earlier = writeAndReadSnapshot(java.snapshotConfiguration());

        assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(earlier).isIncompatible()).isTrue();
    }

    @Test
    void readsTheStateOfEveryEarlierVersionAndWritesThisVersionsFormatUnchanged() throws Exception {
        // As Flink's TypeSerializerUpgradeTestBase does: the snapshot and an alert written by each version, committed.
        for (int version = 1; version <= CURRENT_FORMAT; version++) {
            TypeSerializerSnapshot<Alert> snapshot = TypeSerializerSnapshot.readVersionedSnapshot(
                    new DataInputDeserializer(resource(version, "snapshot")), AlertSerializerTest.class.getClassLoader());
            byte[] data = resource(version, "data");

            assertThat(SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(snapshot).isIncompatible())
                    .as("version %d", version).isFalse();
            TypeSerializer<Alert> restored = snapshot.restoreSerializer();
            assertThat(described(restored.deserialize(new DataInputDeserializer(data)))).as("version %d", version)
                    .isEqualTo(described(pinned()));
            if (version == CURRENT_FORMAT) {
                // A change of the format must come with a new version (and files written by main()).
                assertThat(bytes(restored, pinned())).isEqualTo(data);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void keyedStateRestoresAlertsWrittenWithIt(String backend) throws Exception {
        Alert alert = variedAlert(new Random(13), 3);
        OperatorSubtaskState snapshot;
        try (var h = harness(new StateAccess(AlertTypeInfo.INSTANCE, alert), backend)) {
            h.open();
            h.processElement(new StreamRecord<>("203.0.113.7", 1L));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(new StateAccess(AlertTypeInfo.INSTANCE, null), backend)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>("203.0.113.7", 2L));
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(described(h.extractOutputValues().get(0))).isEqualTo(described(alert));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void keyedStateOfTheJavaSerializedAlertIsRefusedOnRestoreNotMisread(String backend) throws Exception {
        Alert alert = variedAlert(new Random(17), 4);
        OperatorSubtaskState snapshot;
        try (var h = harness(new StateAccess(new JavaSerializedTypeInfo<>(Alert.class), alert), backend)) {
            h.open();
            h.processElement(new StreamRecord<>("203.0.113.7", 1L));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(new StateAccess(AlertTypeInfo.INSTANCE, null), backend)) {
            h.initializeState(snapshot);
            // The state is registered when the function opens: Flink's compatibility check fails there.
            assertThatThrownBy(() -> {
                h.open();
                h.processElement(new StreamRecord<>("203.0.113.7", 2L));
            }).hasStackTraceContaining("StateMigrationException").hasStackTraceContaining("must not be incompatible");
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, Alert> harness(StateAccess function,
            String backend) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), k -> k, Types.STRING);
        h.setStateBackend(backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend());
        h.setup(SERIALIZER);
        return h;
    }

    /** Writes its alert into a map of alerts as the correlator keeps suppression periods, or emits what the map holds. */
    private static final class StateAccess extends KeyedProcessFunction<String, String, Alert> {
        private final TypeInformation<Alert> type;
        private final Alert write;
        private transient MapState<String, Alert> alerts;

        StateAccess(TypeInformation<Alert> type, Alert write) {
            this.type = type;
            this.write = write;
        }

        @Override
        public void open(OpenContext context) {
            alerts = getRuntimeContext().getMapState(new MapStateDescriptor<>("suppressed-alerts", Types.STRING, type));
        }

        @Override
        public void processElement(String key, Context ctx, Collector<Alert> out) throws Exception {
            if (write != null) {
                alerts.put("period", write);
            } else {
                out.collect(alerts.get("period"));
            }
        }
    }

    /** The format version of the latest files under {@code alert/serializer-v<N>/}: the snapshot's outer version. */
    private static final int CURRENT_FORMAT = 1;

    /** Writes the snapshot and {@link #pinned()} for the current format: run once when the format gets a new version. */
    public static void main(String[] args) throws IOException {
        java.nio.file.Path dir = java.nio.file.Path.of("flink-jobs/src/test/resources/alert/serializer-v" + CURRENT_FORMAT);
        java.nio.file.Files.createDirectories(dir);
        DataOutputSerializer snapshot = new DataOutputSerializer(4096);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshot, SERIALIZER.snapshotConfiguration());
        java.nio.file.Files.write(dir.resolve("snapshot"), snapshot.getCopyOfBuffer());
        java.nio.file.Files.write(dir.resolve("data"), bytes(SERIALIZER, pinned()));
    }

    private static byte[] resource(int version, String name) throws IOException {
        try (var in = AlertSerializerTest.class.getResourceAsStream("/alert/serializer-v" + version + "/" + name)) {
            assertThat(in).as("alert/serializer-v%d/%s", version, name).isNotNull();
            return in.readAllBytes();
        }
    }

    /** One alert with every field set, every value type, a verification policy with a window and a repeat with evidence. */
    private static Alert pinned() {
        List<SecurityEvent> first = events(new Random(1), 3, "p-");
        Alert alert = base().ruleVersion(3).ruleDescription("Several failures then a success").riskScore(81)
                .tacticIds(List.of("TA0006")).techniqueIds(List.of("T1110.001", "T1078"))
                .verificationPolicy(VerificationPolicy.parse("corroboration PT45M or intel"))
                .status(Alert.Status.VERIFIED).verificationReasons(List.of("intel: 203.0.113.7 on botnet list")).shared(true)
                .riskFactors(Map.of("rule_score", 73)).details(everyValueType())
                .triggeringEvents(first, 2).build();
        Alert repeat = alert.toBuilder().timestampMillis(T0 + 60_000).triggeringEvents(events(new Random(2), 2, "q-"), 2)
                .details(Map.of("count", 2L)).build();
        return alert.withRepeat(repeat);
    }

    /** An alert with a random choice of every optional field, repeats and verification states. */
    private static Alert variedAlert(Random r, int i) {
        List<SecurityEvent> evidence = events(r, r.nextInt(4), "a" + i + "-");
        Alert.Builder b = Alert.builder()
                .ruleId("rule-" + i).ruleVersion(1 + r.nextInt(5)).ruleName("Rule " + i + " – Nguyễn")
                .severity(Severity.values()[r.nextInt(Severity.values().length)])
                .partition(List.of("source.ip", "user.name", "host.name").get(r.nextInt(3)), "entity-" + r.nextInt(100))
                .timestampMillis(T0 + r.nextInt(1_000_000))
                .triggeringEvents(evidence, r.nextInt(4));
        if (r.nextBoolean()) {
            b.ruleDescription(r.nextBoolean() ? "" : "Several failures then a success for one account");
        }
        if (r.nextBoolean()) {
            b.riskScore(r.nextInt(101));
        }
        if (r.nextBoolean()) {
            b.tacticIds(List.of("TA0006", "TA0001").subList(0, 1 + r.nextInt(2)));
            b.techniqueIds(List.of("T1110.001"));
        }
        b.verificationPolicy(List.of(VerificationPolicy.NONE, VerificationPolicy.parse("high-fidelity"),
                VerificationPolicy.parse("corroboration PT45M or intel"),
                new VerificationPolicy(false, Duration.ofSeconds(90, 500_000_000), true, false),
                VerificationPolicy.parse("high-fidelity or corroboration or vulnerable-target or intel")).get(r.nextInt(5)));
        if (r.nextBoolean()) {
            b.status(Alert.Status.VERIFIED).verificationReasons(List.of("high-fidelity", "intel: 203.0.113.7 on botnet list"));
            b.shared(r.nextBoolean());
        } else if (r.nextBoolean()) {
            b.status(Alert.Status.VERIFIED);
        }
        if (r.nextBoolean()) {
            Map<String, Object> factors = new LinkedHashMap<>();
            factors.put("rule_score", 47);
            factors.put("security_level", 4L);
            factors.put("criticality", "high");
            factors.put("vigilance", r.nextBoolean());
            b.riskFactors(factors);
        }
        Map<String, Object> details = everyValueType();
        new ArrayList<>(details.keySet()).stream().filter(k -> r.nextInt(3) == 0).forEach(details::remove);
        b.details(details);
        if (r.nextBoolean()) {
            b.identifyBy(List.of("botnet-list:2026-03", "entity-" + i));
        }
        Alert alert = b.build();
        int repeats = r.nextInt(4);
        for (int k = 0; k < repeats; k++) {
            Alert repeat = alert.toBuilder().timestampMillis(alert.timestampMillis() + 1000L * (k + 1))
                    .triggeringEvents(events(r, 1 + r.nextInt(3), "r" + i + "-" + k + "-"), 2)
                    .detail("repeat", k).build();
            alert = alert.withRepeat(repeat);
            if (r.nextBoolean()) {
                alert = alert.withoutRepeatEvidence();
            }
        }
        return alert;
    }

    /** Every kind of value a rule's statement (through EntityCorrelator.plainValue) and the risk score put in. */
    private static Map<String, Object> everyValueType() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("target", "administrator");
        values.put("empty", "");
        values.put("count", 12L);
        values.put("distinct", 3);
        values.put("ratio", 0.25d);
        values.put("avg_bytes", 1.5f);
        values.put("port", (short) 443);
        values.put("flag", (byte) -2);
        values.put("total", new BigInteger("123456789012345678901234567890"));
        values.put("sum", new BigDecimal("1234.5600"));
        values.put("alerted", true);
        values.put("blocked", false);
        values.put("missing", null);
        values.put("users", List.of("admin", "root"));
        values.put("ports", Arrays.asList(22L, null, 3389L));
        values.put("nested", Arrays.asList(List.of(1L, "x"), null, List.of()));
        values.put("hits", new Hits(5));
        values.put("extreme", Long.MIN_VALUE);
        values.put("nan", Double.NaN);
        return values;
    }

    /** A number of a class the serializer has no tag for, as a rule's statement could select one. */
    private static final class Hits extends Number {
        private static final long serialVersionUID = 1L;
        private final long value;

        Hits(long value) {
            this.value = value;
        }

        @Override public int intValue() { return (int) value; }
        @Override public long longValue() { return value; }
        @Override public float floatValue() { return value; }
        @Override public double doubleValue() { return value; }
        @Override public boolean equals(Object o) { return o instanceof Hits h && h.value == value; }
        @Override public int hashCode() { return Long.hashCode(value); }
        @Override public String toString() { return Long.toString(value); }
    }

    private static List<SecurityEvent> events(Random r, int n, String idPrefix) {
        List<SecurityEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SecurityEvent.Builder e = SecurityEvent.builder().timestampMillis(T0 + r.nextInt(100_000)).id(idPrefix + i)
                    .put("source.ip", "198.18.0." + r.nextInt(255))
                    .put("event.code", "4625")
                    .put("source.port", r.nextInt(65536))
                    .put("event.category", List.of("authentication"))
                    .put("user.name", "admin")
                    .put("vigil.asset.vulnerability.max_cvss", 9.8)
                    .put("custom.outside.schema", "x" + r.nextInt(10));
            if (r.nextBoolean()) {
                e.put("suricata.eve.flow.alerted", true);
            }
            events.add(e.build());
        }
        return events;
    }

    private static SecurityEventSerializer otherDictionary() throws IOException {
        // A serializer with another dictionary can only be had through a snapshot, as a restore makes one.
        DataOutputSerializer out = new DataOutputSerializer(128);
        out.writeInt(3);
        for (String name : List.of("user.name", "source.ip", "event.id")) {
            out.writeUTF(name);
        }
        SecurityEventSerializer.Snapshot snapshot = new SecurityEventSerializer.Snapshot();
        snapshot.readSnapshot(4, new DataInputDeserializer(out.getCopyOfBuffer()), AlertSerializerTest.class.getClassLoader());
        return (SecurityEventSerializer) snapshot.restoreSerializer();
    }

    private static Alert.Builder base() {
        return Alert.builder().ruleId("brute-force").ruleName("Brute force").severity(Severity.HIGH)
                .partition("source.ip", "203.0.113.7").timestampMillis(T0);
    }

    /** Every accessor, values with their classes, so a value read back as another type is seen. */
    private static String described(Alert a) {
        return String.join("\n", a.id(), a.ruleId(), String.valueOf(a.ruleVersion()), a.ruleName(), a.ruleDescription(),
                a.severity().name(), String.valueOf(a.riskScore()), a.tacticIds().toString(), a.techniqueIds().toString(),
                a.partitionField(), a.partitionValue(), String.valueOf(a.timestampMillis()), String.valueOf(a.firstSeenMillis()),
                a.status().name(), a.verificationReasons().toString(), String.valueOf(a.shared()),
                a.verificationPolicy().toString(), String.valueOf(a.verificationPolicy().corroborationWindow()),
                typed(a.riskFactors()), typed(a.details()), eventsOf(a.evidence()), String.valueOf(a.evidenceCount()),
                String.valueOf(a.occurrences()), String.valueOf(a.lastSeenMillis()),
                a.latestRepeat() == null ? "no repeat" : a.latestRepeat().matchId() + " " + a.latestRepeat().timestampMillis()
                        + " " + typed(a.latestRepeat().details()) + " " + eventsOf(a.latestRepeat().evidence()) + " "
                        + a.latestRepeat().eventCount());
    }

    private static String typed(Map<String, Object> values) {
        StringBuilder s = new StringBuilder("{");
        values.forEach((k, v) -> s.append(k).append('=').append(typed(v)).append(", "));
        return s.append('}').toString();
    }

    private static String typed(Object v) {
        if (v instanceof List<?> list) {
            return list.stream().map(AlertSerializerTest::typed).toList().toString();
        }
        return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
    }

    private static String eventsOf(List<SecurityEvent> events) {
        return events.stream().map(e -> e.id() + "@" + e.timestampMillis() + typed(e.fields())).toList().toString();
    }

    private static Alert roundTrip(TypeSerializer<Alert> serializer, Alert alert) throws IOException {
        return serializer.deserialize(new DataInputDeserializer(bytes(serializer, alert)));
    }

    private static byte[] bytes(TypeSerializer<Alert> serializer, Alert alert) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(alert, out);
        return out.getCopyOfBuffer();
    }

    private static TypeSerializerSnapshot<Alert> writeAndReadSnapshot(TypeSerializerSnapshot<Alert> snapshot)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                AlertSerializerTest.class.getClassLoader());
    }
}
