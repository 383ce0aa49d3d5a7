package org.vigil.event;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.vigil.job.ImmutableValueSerializer;

/**
 * Flink serializer of {@link SecurityEvent}, so events cross operators and sit in keyed state without Kryo: the
 * timestamp, then each field as one variable-length number holding the field's code in a dictionary of names and a
 * type tag, then its value. The dictionary is {@link EventSchema}'s field names; a field outside it is written with its
 * name. The dictionary travels in the serializer's {@link Snapshot}, so state written under another schema (or in
 * the earlier format with a name per field, {@link FieldNameFormat}) is read with the dictionary it was written with.
 */
public final class SecurityEventSerializer extends ImmutableValueSerializer<SecurityEvent> {
    private static final long serialVersionUID = 2L;
    /** The serializer of the running code: the dictionary of {@link EventSchema#fields()}. */
    public static final SecurityEventSerializer INSTANCE = new SecurityEventSerializer(List.copyOf(EventSchema.fields().keySet()));

    /** Code 0: the field's name follows; code {@code i} (from 1): {@code dictionary.get(i - 1)}. */
    private static final int NAMED = 0;
    private static final int TAG_BITS = 3;
    private static final int STRING = 0;
    private static final int LONG = 1;
    private static final int DOUBLE = 2;
    private static final int FALSE = 3;
    private static final int TRUE = 4;
    private static final int STRING_LIST = 5;
    /** The id differs from the {@code event.id} field (or that is missing), so it is written on its own. */
    private static final int ID_WRITTEN = 1;

    private final List<String> dictionary;
    private final transient Map<String, Integer> codes;

    SecurityEventSerializer(List<String> dictionary) {
        this.dictionary = List.copyOf(dictionary);
        this.codes = codes(this.dictionary);
    }

    private static Map<String, Integer> codes(List<String> dictionary) {
        Map<String, Integer> codes = new HashMap<>();
        for (int i = 0; i < dictionary.size(); i++) {
            codes.put(dictionary.get(i), i + 1);
        }
        return codes;
    }

    /** The field names this serializer writes as codes, in code order. */
    List<String> dictionary() {
        return dictionary;
    }

    @Override
    public void serialize(SecurityEvent event, DataOutputView out) throws IOException {
        out.writeLong(event.timestampMillis());
        Map<String, Object> fields = event.fields();
        boolean idWritten = !event.id().equals(fields.get("event.id"));
        writeVarInt(idWritten ? ID_WRITTEN : 0, out);
        if (idWritten) {
            writeString(event.id(), out);
        }
        writeVarInt(fields.size(), out);
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            Integer code = codes.get(f.getKey());
            Object value = f.getValue();
            writeVarInt(((code == null ? NAMED : code) << TAG_BITS) | tagOf(value), out);
            if (code == null) {
                writeString(f.getKey(), out);
            }
            writeValue(value, out);
        }
    }

    private static int tagOf(Object value) throws IOException {
        if (value instanceof String) {
            return STRING;
        } else if (value instanceof Long) {
            return LONG;
        } else if (value instanceof Double) {
            return DOUBLE;
        } else if (value instanceof Boolean b) {
            return b ? TRUE : FALSE;
        } else if (value instanceof List<?>) {
            return STRING_LIST;
        }
        throw new IOException("unsupported field value type " + value.getClass().getName());
    }

    private static void writeValue(Object value, DataOutputView out) throws IOException {
        if (value instanceof String s) {
            writeString(s, out);
        } else if (value instanceof Long l) {
            // Zig-zag, so ports, counts and codes take one to three bytes instead of eight.
            writeVarLong((l << 1) ^ (l >> 63), out);
        } else if (value instanceof Double d) {
            out.writeDouble(d);
        } else if (value instanceof List<?> list) {
            writeVarInt(list.size(), out);
            for (Object element : list) {
                writeString(String.valueOf(element), out);
            }
        }
    }

    @Override
    public SecurityEvent deserialize(DataInputView in) throws IOException {
        long timestamp = in.readLong();
        int flags = readVarInt(in);
        String id = (flags & ID_WRITTEN) != 0 ? readString(in) : null;
        int size = readVarInt(in);
        Map<String, Object> fields = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            int header = readVarInt(in);
            int code = header >>> TAG_BITS;
            String name;
            if (code == NAMED) {
                name = readString(in);
            } else if (code <= dictionary.size()) {
                name = dictionary.get(code - 1);
            } else {
                throw new IOException("corrupt SecurityEvent: field code " + code + " beyond the dictionary of "
                        + dictionary.size() + " names");
            }
            fields.put(name, readValue(header & ((1 << TAG_BITS) - 1), in));
        }
        if (id == null) {
            Object fieldId = fields.get("event.id");
            if (!(fieldId instanceof String s)) {
                throw new IOException("corrupt SecurityEvent: no id and no event.id field");
            }
            id = s;
        }
        return SecurityEvent.restore(timestamp, id, fields);
    }

    private static Object readValue(int tag, DataInputView in) throws IOException {
        switch (tag) {
            case STRING:
                return readString(in);
            case LONG:
                long zigzag = readVarLong(in);
                return (zigzag >>> 1) ^ -(zigzag & 1);
            case DOUBLE:
                return in.readDouble();
            case FALSE:
                return Boolean.FALSE;
            case TRUE:
                return Boolean.TRUE;
            case STRING_LIST:
                int n = readVarInt(in);
                List<String> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(readString(in));
                }
                return Collections.unmodifiableList(list);
            default:
                throw new IOException("corrupt SecurityEvent: unknown value tag " + tag);
        }
    }

    // Not writeUTF: it is limited to 64 KiB and field values (a command line) may be longer.
    private static void writeString(String s, DataOutputView out) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeVarInt(bytes.length, out);
        out.write(bytes);
    }

    private static String readString(DataInputView in) throws IOException {
        byte[] bytes = new byte[readVarInt(in)];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeVarInt(int value, DataOutputView out) throws IOException {
        writeVarLong(value & 0xFFFFFFFFL, out);
    }

    private static void writeVarLong(long value, DataOutputView out) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static int readVarInt(DataInputView in) throws IOException {
        long value = readVarLong(in);
        if (value > Integer.MAX_VALUE) {
            throw new IOException("corrupt SecurityEvent: length or code " + value + " out of range");
        }
        return (int) value;
    }

    private static long readVarLong(DataInputView in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("corrupt SecurityEvent: variable-length number longer than 64 bits");
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SecurityEventSerializer other && dictionary.equals(other.dictionary);
    }

    @Override
    public int hashCode() {
        return dictionary.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<SecurityEvent> snapshotConfiguration() {
        return new Snapshot(dictionary);
    }

    private Object readResolve() {
        return dictionary.equals(INSTANCE.dictionary) ? INSTANCE : new SecurityEventSerializer(dictionary);
    }

    /**
     * Snapshot for state compatibility, carrying the dictionary. Versions 1 to 3 were Flink's
     * {@code SimpleTypeSerializerSnapshot} of the earlier format, a name per field: such state is migrated (read with
     * {@link FieldNameFormat}, written anew). State written with another dictionary is read as it is when the current
     * dictionary only appends names to it, and migrated otherwise; nothing is read with the wrong names.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<SecurityEvent> {
        private static final int VERSION = 4;
        private static final int FIRST_WITH_DICTIONARY = 4;
        private static final int FIELD_NAME_FORMAT = -1;
        /** Null for a snapshot of the field-name format. */
        private List<String> dictionary;

        /** For Flink, which reads the snapshot into an instance made with this constructor. */
        public Snapshot() {}

        Snapshot(List<String> dictionary) {
            this.dictionary = dictionary;
        }

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            if (dictionary == null) {
                // State restored in the field-name format and written out again before it was migrated.
                out.writeInt(FIELD_NAME_FORMAT);
                return;
            }
            out.writeInt(dictionary.size());
            for (String name : dictionary) {
                out.writeUTF(name);
            }
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            if (readVersion < FIRST_WITH_DICTIONARY) {
                if (readVersion < 3) {
                    // SimpleTypeSerializerSnapshot before version 3 wrote the serializer's class name.
                    in.readUTF();
                }
                dictionary = null;
                return;
            }
            int size = in.readInt();
            if (size == FIELD_NAME_FORMAT) {
                dictionary = null;
                return;
            }
            List<String> names = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                names.add(in.readUTF());
            }
            dictionary = List.copyOf(names);
        }

        @Override
        public TypeSerializer<SecurityEvent> restoreSerializer() {
            return dictionary == null ? FieldNameFormat.INSTANCE : new SecurityEventSerializer(dictionary);
        }

        @Override
        public TypeSerializerSchemaCompatibility<SecurityEvent> resolveSchemaCompatibility(
                TypeSerializerSnapshot<SecurityEvent> oldSnapshot) {
            if (!(oldSnapshot instanceof Snapshot old)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            if (old.dictionary != null && old.dictionary.size() <= dictionary.size()
                    && dictionary.subList(0, old.dictionary.size()).equals(old.dictionary)) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }

        /** The dictionary, or null for the field-name format. */
        List<String> dictionary() {
            return dictionary;
        }
    }

    /**
     * The earlier format, kept to read (and migrate) state written before field codes: the timestamp, the id, and
     * each field with its name and a one-byte type tag.
     */
    static final class FieldNameFormat extends ImmutableValueSerializer<SecurityEvent> {
        private static final long serialVersionUID = 1L;
        static final FieldNameFormat INSTANCE = new FieldNameFormat();
        private static final byte STRING = 0;
        private static final byte LONG = 1;
        private static final byte DOUBLE = 2;
        private static final byte BOOLEAN = 3;
        private static final byte STRING_LIST = 4;

        @Override
        public void serialize(SecurityEvent event, DataOutputView out) throws IOException {
            out.writeLong(event.timestampMillis());
            out.writeUTF(event.id());
            Map<String, Object> fields = event.fields();
            out.writeInt(fields.size());
            for (Map.Entry<String, Object> f : fields.entrySet()) {
                out.writeUTF(f.getKey());
                Object value = f.getValue();
                if (value instanceof String s) {
                    out.writeByte(STRING);
                    writeLongString(s, out);
                } else if (value instanceof Long l) {
                    out.writeByte(LONG);
                    out.writeLong(l);
                } else if (value instanceof Double d) {
                    out.writeByte(DOUBLE);
                    out.writeDouble(d);
                } else if (value instanceof Boolean b) {
                    out.writeByte(BOOLEAN);
                    out.writeBoolean(b);
                } else if (value instanceof List<?> list) {
                    out.writeByte(STRING_LIST);
                    out.writeInt(list.size());
                    for (Object element : list) {
                        writeLongString(String.valueOf(element), out);
                    }
                } else {
                    throw new IOException("unsupported field value type " + value.getClass().getName());
                }
            }
        }

        private static void writeLongString(String s, DataOutputView out) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        private static String readLongString(DataInputView in) throws IOException {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public SecurityEvent deserialize(DataInputView in) throws IOException {
            long timestamp = in.readLong();
            String id = in.readUTF();
            int size = in.readInt();
            Map<String, Object> fields = new TreeMap<>();
            for (int i = 0; i < size; i++) {
                String name = in.readUTF();
                byte tag = in.readByte();
                Object value;
                switch (tag) {
                    case STRING -> value = readLongString(in);
                    case LONG -> value = in.readLong();
                    case DOUBLE -> value = in.readDouble();
                    case BOOLEAN -> value = in.readBoolean();
                    case STRING_LIST -> {
                        int n = in.readInt();
                        List<String> list = new ArrayList<>(n);
                        for (int j = 0; j < n; j++) {
                            list.add(readLongString(in));
                        }
                        value = Collections.unmodifiableList(list);
                    }
                    default -> throw new IOException("corrupt SecurityEvent: unknown value tag " + tag);
                }
                fields.put(name, value);
            }
            return SecurityEvent.restore(timestamp, id, fields);
        }

        @Override
        public boolean equals(Object obj) {
            return obj instanceof FieldNameFormat;
        }

        @Override
        public int hashCode() {
            return FieldNameFormat.class.hashCode();
        }

        @Override
        public TypeSerializerSnapshot<SecurityEvent> snapshotConfiguration() {
            // Only a restored serializer is ever of this format; state written with it carries the old snapshot.
            return new Snapshot(null);
        }
    }
}
