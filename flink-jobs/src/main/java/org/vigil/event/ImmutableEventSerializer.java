package org.vigil.event;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What every serializer of {@link SecurityEvent} shares: events are immutable, so copies are the event itself,
 * nothing is reused, and the serializer is stateless enough to be its own duplicate.
 */
abstract class ImmutableEventSerializer extends TypeSerializer<SecurityEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<SecurityEvent> duplicate() {
        return this;
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
    public SecurityEvent deserialize(SecurityEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }
}
