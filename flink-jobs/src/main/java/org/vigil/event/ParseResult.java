package org.vigil.event;

import java.io.Serializable;
import java.util.Objects;

/** The outcome of parsing one raw record: a normalised event or a dead letter, never both. */
@org.apache.flink.api.common.typeinfo.TypeInfo(ParseResult.FlinkTypeInfo.class)
public final class ParseResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private final SecurityEvent event;
    private final DeadLetter deadLetter;

    private ParseResult(SecurityEvent event, DeadLetter deadLetter) {
        this.event = event;
        this.deadLetter = deadLetter;
    }

    public static ParseResult of(SecurityEvent event) {
        return new ParseResult(Objects.requireNonNull(event, "event"), null);
    }

    public static ParseResult of(DeadLetter deadLetter) {
        return new ParseResult(null, Objects.requireNonNull(deadLetter, "deadLetter"));
    }

    public boolean isEvent() {
        return event != null;
    }

    /** The event; throws if the record was dead-lettered. */
    public SecurityEvent event() {
        if (event == null) {
            throw new IllegalStateException("record was dead-lettered: " + deadLetter);
        }
        return event;
    }

    /** The dead letter; throws if the record became an event. */
    public DeadLetter deadLetter() {
        if (deadLetter == null) {
            throw new IllegalStateException("record became an event: " + event.id());
        }
        return deadLetter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParseResult other && Objects.equals(event, other.event)
                && Objects.equals(deadLetter, other.deadLetter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, deadLetter);
    }

    @Override
    public String toString() {
        return isEvent() ? "ParseResult{" + event + "}" : "ParseResult{" + deadLetter + "}";
    }

    /** Tells Flink to move {@code ParseResult} values with Java serialization rather than Kryo. */
    public static final class FlinkTypeInfo extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<ParseResult> {
        @Override
        public org.apache.flink.api.common.typeinfo.TypeInformation<ParseResult> createTypeInfo(
                java.lang.reflect.Type t, java.util.Map<String, org.apache.flink.api.common.typeinfo.TypeInformation<?>> params) {
            return new org.vigil.job.JavaSerializedTypeInfo<>(ParseResult.class);
        }
    }
}
