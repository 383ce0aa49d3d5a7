package org.vigil.alert;

import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.apache.flink.util.InstantiationUtil;
import org.vigil.event.SecurityEvent;
import org.vigil.event.SecurityEventSerializer;
import org.vigil.job.ImmutableValueSerializer;
import org.vigil.rules.VerificationPolicy;

/**
 * Flink serializer of {@link Alert}, so alerts cross operators and sit in keyed state without Java serialization:
 * every field in a fixed order, strings in Flink's string format, the details and risk factors with a tag per value,
 * and the evidence events (the first match's and the latest repeat's) with the nested {@link SecurityEventSerializer},
 * whose dictionary of field codes travels in this serializer's {@link Snapshot}. Alerts are immutable, so a copy is the
 * alert itself.
 */
public final class AlertSerializer extends ImmutableValueSerializer<Alert> {
    private static final long serialVersionUID = 1L;
    /** The serializer of the running code, writing events with {@link SecurityEventSerializer#INSTANCE}. */
    public static final AlertSerializer INSTANCE = new AlertSerializer(SecurityEventSerializer.INSTANCE);

    private static final int NULL = 0;
    private static final int STRING = 1;
    private static final int LONG = 2;
    private static final int INTEGER = 3;
    private static final int DOUBLE = 4;
    private static final int FLOAT = 5;
    private static final int SHORT = 6;
    private static final int BYTE = 7;
    private static final int BIG_INTEGER = 8;
    private static final int BIG_DECIMAL = 9;
    private static final int FALSE = 10;
    private static final int TRUE = 11;
    private static final int LIST = 12;
    /** Any other serializable value (a rule's statement may select an unusual {@link Number}): Java serialization. */
    private static final int OTHER = 13;

    private static final int HIGH_FIDELITY = 1;
    private static final int CORROBORATION = 2;
    private static final int VULNERABLE_TARGET = 4;
    private static final int INTEL = 8;

    private final TypeSerializer<SecurityEvent> events;

    AlertSerializer(TypeSerializer<SecurityEvent> events) {
        this.events = events;
    }

    @Override
    public void serialize(Alert alert, DataOutputView out) throws IOException {
        StringValue.writeString(alert.id(), out);
        StringValue.writeString(alert.ruleId(), out);
        out.writeInt(alert.ruleVersion());
        StringValue.writeString(alert.ruleName(), out);
        StringValue.writeString(alert.ruleDescription(), out);
        StringValue.writeString(alert.severity().name(), out);
        out.writeInt(alert.riskScore());
        writeStrings(alert.tacticIds(), out);
        writeStrings(alert.techniqueIds(), out);
        StringValue.writeString(alert.partitionField(), out);
        StringValue.writeString(alert.partitionValue(), out);
        out.writeLong(alert.timestampMillis());
        StringValue.writeString(alert.status().name(), out);
        writeStrings(alert.verificationReasons(), out);
        out.writeBoolean(alert.shared());
        writePolicy(alert.verificationPolicy(), out);
        writeValues(alert.riskFactors(), out);
        writeValues(alert.details(), out);
        writeEvents(alert.evidence(), out);
        out.writeInt(alert.evidenceCount());
        out.writeInt(alert.occurrences());
        Repeat repeat = alert.latestRepeat();
        out.writeBoolean(repeat != null);
        if (repeat != null) {
            StringValue.writeString(repeat.matchId(), out);
            out.writeLong(repeat.timestampMillis());
            writeValues(repeat.details(), out);
            writeEvents(repeat.evidence(), out);
            out.writeInt(repeat.eventCount());
        }
    }

    @Override
    public Alert deserialize(DataInputView in) throws IOException {
        Alert.Builder b = Alert.builder();
        String id = readString(in);
        b.ruleId(readString(in)).ruleVersion(in.readInt()).ruleName(readString(in)).ruleDescription(readString(in));
        b.severity(readEnum(Severity.class, in)).riskScore(in.readInt());
        b.tacticIds(readStrings(in)).techniqueIds(readStrings(in));
        b.partition(readString(in), readString(in)).timestampMillis(in.readLong());
        b.status(readEnum(Alert.Status.class, in)).verificationReasons(readStrings(in)).shared(in.readBoolean());
        b.verificationPolicy(readPolicy(in)).riskFactors(readValues(in)).details(readValues(in));
        List<SecurityEvent> evidence = readEvents(in);
        b.evidence(evidence, in.readInt());
        int occurrences = in.readInt();
        Repeat repeat = null;
        if (in.readBoolean()) {
            repeat = new Repeat(readString(in), in.readLong(), readValues(in), readEvents(in), in.readInt());
        }
        // Set last: the rule and entity setters clear the id so that a changed alert gets its own.
        b.occurrences(occurrences, repeat).id(id);
        try {
            return b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("corrupt Alert " + id + ": " + e.getMessage(), e);
        }
    }

    private static void writeStrings(List<String> strings, DataOutputView out) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            StringValue.writeString(s, out);
        }
    }

    private static List<String> readStrings(DataInputView in) throws IOException {
        int n = readCount(in);
        List<String> strings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            strings.add(readString(in));
        }
        return strings;
    }

    private static void writePolicy(VerificationPolicy policy, DataOutputView out) throws IOException {
        Duration window = policy.corroborationWindow();
        out.writeByte((policy.highFidelity() ? HIGH_FIDELITY : 0) | (window != null ? CORROBORATION : 0)
                | (policy.vulnerableTarget() ? VULNERABLE_TARGET : 0) | (policy.intel() ? INTEL : 0));
        if (window != null) {
            out.writeLong(window.getSeconds());
            out.writeInt(window.getNano());
        }
    }

    private static VerificationPolicy readPolicy(DataInputView in) throws IOException {
        int flags = in.readByte();
        if (flags == 0) {
            return VerificationPolicy.NONE;
        }
        Duration window = (flags & CORROBORATION) != 0 ? Duration.ofSeconds(in.readLong(), in.readInt()) : null;
        return new VerificationPolicy((flags & HIGH_FIDELITY) != 0, window, (flags & VULNERABLE_TARGET) != 0,
                (flags & INTEL) != 0);
    }

    private void writeEvents(List<SecurityEvent> list, DataOutputView out) throws IOException {
        out.writeInt(list.size());
        for (SecurityEvent e : list) {
            events.serialize(e, out);
        }
    }

    private List<SecurityEvent> readEvents(DataInputView in) throws IOException {
        int n = readCount(in);
        List<SecurityEvent> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(events.deserialize(in));
        }
        return list;
    }

    /**
     * Details and risk factors: names in their order, each value with a tag that keeps its exact class. Public for
     * the serializers of what other stages keep of an alert (its risk factors).
     */
    public static void writeValues(Map<String, Object> values, DataOutputView out) throws IOException {
        out.writeInt(values.size());
        for (Map.Entry<String, Object> v : values.entrySet()) {
            StringValue.writeString(v.getKey(), out);
            writeValue(v.getKey(), v.getValue(), out);
        }
    }

    /** Reads what {@link #writeValues} wrote. */
    public static Map<String, Object> readValues(DataInputView in) throws IOException {
        int n = readCount(in);
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            values.put(readString(in), readValue(in));
        }
        return values;
    }

    // The exact class is kept: an Integer and a Long of the same value are not equal, nor do they print the same.
    private static void writeValue(String name, Object value, DataOutputView out) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof String s) {
            out.writeByte(STRING);
            StringValue.writeString(s, out);
        } else if (value instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
        } else if (value instanceof Integer i) {
            out.writeByte(INTEGER);
            out.writeInt(i);
        } else if (value instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else if (value instanceof Float f) {
            out.writeByte(FLOAT);
            out.writeFloat(f);
        } else if (value instanceof Short s) {
            out.writeByte(SHORT);
            out.writeShort(s);
        } else if (value instanceof Byte b) {
            out.writeByte(BYTE);
            out.writeByte(b);
        } else if (value instanceof BigInteger bi) {
            out.writeByte(BIG_INTEGER);
            StringValue.writeString(bi.toString(), out);
        } else if (value instanceof BigDecimal bd) {
            out.writeByte(BIG_DECIMAL);
            StringValue.writeString(bd.toString(), out);
        } else if (value instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else if (value instanceof List<?> list) {
            out.writeByte(LIST);
            out.writeInt(list.size());
            for (Object element : list) {
                writeValue(name, element, out);
            }
        } else if (value instanceof Serializable s) {
            out.writeByte(OTHER);
            byte[] bytes = InstantiationUtil.serializeObject(s);
            out.writeInt(bytes.length);
            out.write(bytes);
        } else {
            throw new IOException("alert value '" + name + "' of type " + value.getClass().getName()
                    + " cannot be serialized: use a string, number, boolean or list");
        }
    }

    private static Object readValue(DataInputView in) throws IOException {
        int tag = in.readByte();
        switch (tag) {
            case NULL:
                return null;
            case STRING:
                return readString(in);
            case LONG:
                return in.readLong();
            case INTEGER:
                return in.readInt();
            case DOUBLE:
                return in.readDouble();
            case FLOAT:
                return in.readFloat();
            case SHORT:
                return in.readShort();
            case BYTE:
                return in.readByte();
            case BIG_INTEGER:
                return new BigInteger(readString(in));
            case BIG_DECIMAL:
                return new BigDecimal(readString(in));
            case FALSE:
                return Boolean.FALSE;
            case TRUE:
                return Boolean.TRUE;
            case LIST:
                int n = readCount(in);
                // Not List.of: an element may be null (an aggregation over no rows).
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(readValue(in));
                }
                return Collections.unmodifiableList(list);
            case OTHER:
                byte[] bytes = new byte[readCount(in)];
                in.readFully(bytes);
                try {
                    return InstantiationUtil.deserializeObject(bytes, Thread.currentThread().getContextClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IOException("alert value of a class not on the class path: " + e.getMessage(), e);
                }
            default:
                throw new IOException("corrupt Alert: unknown value tag " + tag);
        }
    }

    private static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }

    private static int readCount(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("corrupt Alert: negative count " + n);
        }
        return n;
    }

    private static <E extends Enum<E>> E readEnum(Class<E> type, DataInputView in) throws IOException {
        String name = readString(in);
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt Alert: no " + type.getSimpleName() + " named '" + name + "'", e);
        }
    }

    /** The serializer of the events inside alerts. */
    TypeSerializer<SecurityEvent> eventSerializer() {
        return events;
    }

    @Override
    public TypeSerializer<Alert> duplicate() {
        TypeSerializer<SecurityEvent> duplicate = events.duplicate();
        return duplicate == events ? this : new AlertSerializer(duplicate);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof AlertSerializer other && events.equals(other.events);
    }

    @Override
    public int hashCode() {
        return events.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<Alert> snapshotConfiguration() {
        return new Snapshot(this);
    }

    private Object readResolve() {
        return equals(INSTANCE) ? INSTANCE : this;
    }

    /**
     * Snapshot for state compatibility: the format version of the alert's own fields and the event serializer's
     * snapshot (its dictionary), so alerts whose events were written under another dictionary are migrated, not
     * misread. State of any other alert serializer (the Java serialization of earlier versions) is incompatible, and
     * Flink refuses to restore it.
     */
    public static final class Snapshot extends CompositeTypeSerializerSnapshot<Alert, AlertSerializer> {
        private static final int VERSION = 1;

        /** For Flink, which reads the snapshot into an instance made with this constructor. */
        public Snapshot() {}

        Snapshot(AlertSerializer serializer) {
            super(serializer);
        }

        @Override
        protected int getCurrentOuterSnapshotVersion() {
            return VERSION;
        }

        @Override
        protected TypeSerializer<?>[] getNestedSerializers(AlertSerializer serializer) {
            return new TypeSerializer<?>[] {serializer.events};
        }

        @Override
        @SuppressWarnings("unchecked")
        protected AlertSerializer createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
            AlertSerializer serializer = new AlertSerializer((TypeSerializer<SecurityEvent>) nested[0]);
            return serializer.equals(INSTANCE) ? INSTANCE : serializer;
        }
    }
}
