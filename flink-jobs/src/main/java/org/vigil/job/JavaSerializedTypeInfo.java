package org.vigil.job;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.util.InstantiationUtil;

/**
 * Flink type information for low-volume immutable values (dead letters, rule statuses) using Java serialization,
 * because Kryo cannot rebuild their unmodifiable collections.
 */
public final class JavaSerializedTypeInfo<T extends Serializable> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;

    public JavaSerializedTypeInfo(Class<T> type) {
        this.type = type;
    }

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<T> getTypeClass() { return type; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new Serializer<>(type);
    }

    @Override public String toString() { return "JavaSerialized<" + type.getSimpleName() + ">"; }
    @Override public boolean equals(Object o) { return o instanceof JavaSerializedTypeInfo<?> other && other.type == type; }
    @Override public int hashCode() { return type.hashCode(); }
    @Override public boolean canEqual(Object o) { return o instanceof JavaSerializedTypeInfo; }

    /** Length-prefixed Java serialization of immutable values. */
    public static final class Serializer<T extends Serializable> extends TypeSerializer<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;

        public Serializer(Class<T> type) {
            this.type = type;
        }

        @Override public boolean isImmutableType() { return true; }
        @Override public TypeSerializer<T> duplicate() { return this; }
        @Override public T createInstance() { return null; }
        @Override public T copy(T from) { return from; }
        @Override public T copy(T from, T reuse) { return from; }
        @Override public int getLength() { return -1; }

        @Override
        public void serialize(T record, DataOutputView target) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(record);
            }
            target.writeInt(bytes.size());
            target.write(bytes.toByteArray());
        }

        @Override
        public T deserialize(DataInputView source) throws IOException {
            byte[] bytes = new byte[source.readInt()];
            source.readFully(bytes);
            try (ObjectInputStream in = new InstantiationUtil.ClassLoaderObjectInputStream(
                    new ByteArrayInputStream(bytes), Thread.currentThread().getContextClassLoader())) {
                return type.cast(in.readObject());
            } catch (ClassNotFoundException e) {
                throw new IOException("cannot deserialize " + type.getName(), e);
            }
        }

        @Override
        public T deserialize(T reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            int length = source.readInt();
            target.writeInt(length);
            target.write(source, length);
        }

        @Override public boolean equals(Object o) { return o instanceof Serializer<?> other && other.type == type; }
        @Override public int hashCode() { return type.hashCode(); }

        @Override
        public TypeSerializerSnapshot<T> snapshotConfiguration() {
            return new Snapshot<>(type);
        }
    }

    /** Snapshot that restores the serializer for the same class. */
    public static final class Snapshot<T extends Serializable> implements TypeSerializerSnapshot<T> {
        private Class<T> type;

        public Snapshot() {}

        Snapshot(Class<T> type) {
            this.type = type;
        }

        @Override public int getCurrentVersion() { return 1; }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(type.getName());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
            try {
                type = (Class<T>) Class.forName(in.readUTF(), false, userCodeClassLoader);
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new Serializer<>(type);
        }

        @Override
        public org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
                TypeSerializerSnapshot<T> oldSerializerSnapshot) {
            return org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
    }
}
