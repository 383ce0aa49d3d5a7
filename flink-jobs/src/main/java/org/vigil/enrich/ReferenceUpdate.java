package org.vigil.enrich;

/**
 * A record as read from one of the reference-data topics: key, raw value (null for a tombstone) and where it was read,
 * so a record that cannot be applied can be dead-lettered with its origin.
 *
 * <p>A public mutable POJO so Flink serializes it without Kryo; treat it as immutable.
 */
public final class ReferenceUpdate {
    /** The topic key as UTF-8 text; null when the record had none (a bad record). */
    public String key;
    /** The raw value; null for a tombstone. */
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;

    public ReferenceUpdate() {}

    public ReferenceUpdate(String key, byte[] value, String topic, int partition, long offset) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** Whether this record removes its key. */
    public boolean isTombstone() {
        return value == null;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " " + key + (value == null ? " (tombstone)" : "");
    }
}
