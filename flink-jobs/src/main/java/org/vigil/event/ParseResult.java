package org.vigil.event;

import java.io.Serializable;
import java.util.Objects;

/**
 * The outcome of parsing one raw record: a normalised event, a dead letter, or a header line that the parser
 * remembered for the lines after it (see {@link LineNormaliser}); exactly one of them.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(ParseResult.FlinkTypeInfo.class)
public final class ParseResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private final SecurityEvent event;
    private final DeadLetter deadLetter;
    private final EventFormat headerLineFormat;

    private ParseResult(SecurityEvent event, DeadLetter deadLetter, EventFormat headerLineFormat) {
        this.event = event;
        this.deadLetter = deadLetter;
        this.headerLineFormat = headerLineFormat;
    }

    public static ParseResult of(SecurityEvent event) {
        return new ParseResult(Objects.requireNonNull(event, "event"), null, null);
    }

    public static ParseResult of(DeadLetter deadLetter) {
        return new ParseResult(null, Objects.requireNonNull(deadLetter, "deadLetter"), null);
    }

    /**
     * A header line of a line format (IIS {@code #Fields:}): not an event and not bad input, but the description of
     * the lines after it on the same source, which the parser keeps.
     */
    public static ParseResult ofHeaderLine(EventFormat format) {
        return new ParseResult(null, null, Objects.requireNonNull(format, "format"));
    }

    public boolean isEvent() {
        return event != null;
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    public boolean isHeaderLine() {
        return headerLineFormat != null;
    }

    /** The format whose header line this record was; throws if it was not one. */
    public EventFormat headerLineFormat() {
        if (headerLineFormat == null) {
            throw new IllegalStateException("record was not a header line: " + this);
        }
        return headerLineFormat;
    }

    /** The event; throws if the record was dead-lettered. */
    public SecurityEvent event() {
        if (event == null) {
            throw new IllegalStateException("record was not an event: " + this);
        }
        return event;
    }

    /** The dead letter; throws if the record became an event. */
    public DeadLetter deadLetter() {
        if (deadLetter == null) {
            throw new IllegalStateException("record was not dead-lettered: " + this);
        }
        return deadLetter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParseResult other && Objects.equals(event, other.event)
                && Objects.equals(deadLetter, other.deadLetter) && headerLineFormat == other.headerLineFormat;
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, deadLetter, headerLineFormat);
    }

    @Override
    public String toString() {
        if (isHeaderLine()) {
            return "ParseResult{header line of " + headerLineFormat.configName() + "}";
        }
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
