package org.vigil.correlate;

/**
 * A record as read from the rules topic: key (rule id), value (rule record JSON, null for a tombstone) and
 * where it was read, so the status of the change can name it.
 *
 * <p>A public mutable POJO so Flink serializes it without Kryo; treat it as immutable.
 */
public final class PublishedRule {
    public String ruleId;
    /** The {@link org.vigil.rules.RuleRecord} JSON; null for a tombstone (undeploy). */
    public String value;
    public String topic;
    public int partition;
    public long offset;

    public PublishedRule() {}

    public PublishedRule(String ruleId, String value, String topic, int partition, long offset) {
        this.ruleId = ruleId;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " " + ruleId + (value == null ? " (tombstone)" : "");
    }
}
