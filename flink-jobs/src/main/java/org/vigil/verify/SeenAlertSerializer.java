package org.vigil.verify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.vigil.alert.AlertSerializer;
import org.vigil.job.ImmutableValueSerializer;

/**
 * Flink serializer of {@link SeenAlert}, the verify stage's summary of a decided alert, which every corroboration check
 * and every timer of its entity reads back from state: each field in a fixed order, the risk factors as
 * {@link AlertSerializer} writes them. Summaries are immutable, so a copy is the summary itself.
 */
public final class SeenAlertSerializer extends ImmutableValueSerializer<SeenAlert> {
    private static final long serialVersionUID = 1L;
    public static final SeenAlertSerializer INSTANCE = new SeenAlertSerializer();

    @Override
    public void serialize(SeenAlert seen, DataOutputView out) throws IOException {
        StringValue.writeString(seen.id(), out);
        StringValue.writeString(seen.ruleId(), out);
        out.writeLong(seen.timestampMillis());
        writeStrings(seen.sensors(), out);
        out.writeBoolean(seen.verified());
        writeStrings(seen.reasons(), out);
        out.writeInt(seen.riskScore());
        AlertSerializer.writeValues(seen.riskFactors(), out);
        out.writeBoolean(seen.shared());
    }

    @Override
    public SeenAlert deserialize(DataInputView in) throws IOException {
        return new SeenAlert(StringValue.readString(in), StringValue.readString(in), in.readLong(), readStrings(in),
                in.readBoolean(), readStrings(in), in.readInt(), AlertSerializer.readValues(in), in.readBoolean());
    }

    private static void writeStrings(List<String> strings, DataOutputView out) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            StringValue.writeString(s, out);
        }
    }

    private static List<String> readStrings(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("corrupt SeenAlert: negative count " + n);
        }
        List<String> strings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            strings.add(StringValue.readString(in));
        }
        return strings;
    }

    @Override
    public TypeSerializerSnapshot<SeenAlert> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Snapshot for state compatibility. State of any other serializer (the Java serialization of earlier versions) is
     * incompatible, and Flink refuses to restore it.
     */
    @Override
    public boolean equals(Object obj) {
        return obj instanceof SeenAlertSerializer;
    }

    @Override
    public int hashCode() {
        return SeenAlertSerializer.class.hashCode();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeenAlert> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
