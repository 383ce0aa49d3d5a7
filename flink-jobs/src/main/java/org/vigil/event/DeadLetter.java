package org.vigil.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A raw record that could not become an event, with why, where it came from and its original bytes, so it
 * can be inspected and replayed.
 *
 * @param original the record's bytes exactly as read (copied in and out; empty for a null record)
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(DeadLetter.FlinkTypeInfo.class)
public record DeadLetter(
        DeadLetterReason reason,
        String message,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        byte[] original,
        long failedAtMillis) implements Serializable {

    /** Originals at least this large are written only as base64, to keep the dead-letter document readable. */
    public static final int MAX_UTF8_COPY_BYTES = 64 * 1024;

    private static final JsonFactory JSON = new JsonFactory();

    public DeadLetter {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        original = original == null ? new byte[0] : original.clone();
    }

    @Override
    public byte[] original() {
        return original.clone();
    }

    /** The stable machine-readable reason, e.g. {@code invalid_json}. */
    public String reasonCode() {
        return reason.code();
    }

    /** The Kafka key for the dead-letter topic: {@code topic/partition/offset}, unique per source record. */
    public String kafkaKey() {
        return sourceTopic + "/" + sourcePartition + "/" + sourceOffset;
    }

    /** The dead-letter document as UTF-8 JSON. */
    public byte[] toJsonBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(original.length * 4 / 3 + 512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("reason", reason.code());
            json.writeStringField("message", message);
            json.writeStringField("failed_at", Instant.ofEpochMilli(failedAtMillis).toString());
            json.writeObjectFieldStart("source");
            json.writeStringField("topic", sourceTopic);
            json.writeNumberField("partition", sourcePartition);
            json.writeNumberField("offset", sourceOffset);
            json.writeEndObject();
            json.writeNumberField("original_size", original.length);
            json.writeStringField("original_base64", Base64.getEncoder().encodeToString(original));
            String text = original.length < MAX_UTF8_COPY_BYTES ? utf8OrNull(original) : null;
            if (text != null) {
                json.writeStringField("original_utf8", text);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dead letter " + kafkaKey(), e);
        }
        return out.toByteArray();
    }

    /** The dead-letter document as JSON text. */
    public String toJson() {
        return new String(toJsonBytes(), StandardCharsets.UTF_8);
    }

    /** The bytes as text when they are valid UTF-8, otherwise null. */
    static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter other
                && reason == other.reason
                && message.equals(other.message)
                && sourceTopic.equals(other.sourceTopic)
                && sourcePartition == other.sourcePartition
                && sourceOffset == other.sourceOffset
                && Arrays.equals(original, other.original)
                && failedAtMillis == other.failedAtMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, message, sourceTopic, sourcePartition, sourceOffset, failedAtMillis)
                * 31 + Arrays.hashCode(original);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason.code() + " at " + kafkaKey() + ": " + message + " (" + original.length
                + " bytes)}";
    }

    /** Tells Flink to move {@code DeadLetter} values with Java serialization rather than Kryo. */
    public static final class FlinkTypeInfo extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<DeadLetter> {
        @Override
        public org.apache.flink.api.common.typeinfo.TypeInformation<DeadLetter> createTypeInfo(
                java.lang.reflect.Type t, java.util.Map<String, org.apache.flink.api.common.typeinfo.TypeInformation<?>> params) {
            return new org.vigil.job.JavaSerializedTypeInfo<>(DeadLetter.class);
        }
    }
}
