package org.vigil.event;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link SecurityEvent}: timestamp, id and each field with a one-byte type tag, so
 * events cross operators and sit in keyed state without Kryo.
 */
public final class SecurityEventSerializer extends TypeSerializerSingleton<SecurityEvent> {
    private static final long serialVersionUID = 1L;
    public static final SecurityEventSerializer INSTANCE = new SecurityEventSerializer();

    private static final byte STRING = 0;
    private static final byte LONG = 1;
    private static final byte DOUBLE = 2;
    private static final byte BOOLEAN = 3;
    private static final byte STRING_LIST = 4;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public SecurityEvent createInstance() {
        return null;
    }

    @Override
    public SecurityEvent copy(SecurityEvent from) {
        return from;
    }

    @Override
    public SecurityEvent copy(SecurityEvent from, SecurityEvent reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SecurityEvent event, DataOutputView out) throws IOException {
        out.writeLong(event.timestampMillis());
        out.writeUTF(event.id());
        Map<String, Object> fields = event.fields();
        out.writeInt(fields.size());
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            out.writeUTF(f.getKey());
            writeValue(f.getValue(), out);
        }
    }

    private static void writeValue(Object value, DataOutputView out) throws IOException {
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

    // writeUTF is limited to 64 KiB; field values (e.g. a command line) may be longer.
    private static void writeLongString(String s, DataOutputView out) throws IOException {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readLongString(DataInputView in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public SecurityEvent deserialize(DataInputView in) throws IOException {
        long timestamp = in.readLong();
        String id = in.readUTF();
        int size = in.readInt();
        Map<String, Object> fields = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            String name = in.readUTF();
            fields.put(name, readValue(in));
        }
        return SecurityEvent.restore(timestamp, id, fields);
    }

    private static Object readValue(DataInputView in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case STRING:
                return readLongString(in);
            case LONG:
                return in.readLong();
            case DOUBLE:
                return in.readDouble();
            case BOOLEAN:
                return in.readBoolean();
            case STRING_LIST:
                int n = in.readInt();
                List<String> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(readLongString(in));
                }
                return Collections.unmodifiableList(list);
            default:
                throw new IOException("corrupt SecurityEvent: unknown value tag " + tag);
        }
    }

    @Override
    public SecurityEvent deserialize(SecurityEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<SecurityEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot for state compatibility; the format has one version so far. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SecurityEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
