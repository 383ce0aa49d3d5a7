package org.vigil.alert;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vigil.event.SecurityEvent;

/**
 * A correlation rule's match on one entity: the rule, the entity (partition field and value), when it
 * completed, the details the rule computed and the evidence events.
 *
 * <p>The id is deterministic ({@link AlertId}), so re-processing the same input yields the same alert. Repeats of
 * the alert within its rule's {@code @suppress} period are merged into it ({@link #withRepeat}): the merged alert
 * keeps the first match's id, time, details and evidence, and carries the number of {@link #occurrences()}, the
 * time it was {@link #lastSeenMillis() last seen} and the {@link #latestRepeat() latest repeat}.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(Alert.FlinkTypeInfo.class)
public final class Alert implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Whether the alert has passed its rule's verification policy. */
    public enum Status {
        CANDIDATE,
        VERIFIED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String id;
    private final String ruleId;
    private final int ruleVersion;
    private final String ruleName;
    private final String ruleDescription;
    private final Severity severity;
    private final int riskScore;
    private final List<String> tacticIds;
    private final List<String> techniqueIds;
    private final String partitionField;
    private final String partitionValue;
    private final long timestampMillis;
    private final long firstSeenMillis;
    private final Status status;
    private final List<String> verificationReasons;
    private final boolean shared;
    private final org.vigil.rules.VerificationPolicy verificationPolicy;
    private final Map<String, Object> riskFactors;
    private final Map<String, Object> details;
    private final List<SecurityEvent> evidence;
    private final int evidenceCount;
    private final int occurrences;
    private final long lastSeenMillis;
    private final Repeat latestRepeat;

    private Alert(Builder b) {
        this.ruleId = requireText(b.ruleId, "ruleId");
        this.ruleVersion = b.ruleVersion;
        this.ruleName = requireText(b.ruleName, "ruleName");
        this.ruleDescription = b.ruleDescription == null ? "" : b.ruleDescription;
        this.severity = Objects.requireNonNull(b.severity, "severity");
        this.riskScore = b.riskScore == null ? severity.defaultRiskScore() : b.riskScore;
        if (riskScore < 0 || riskScore > 100) {
            throw new IllegalArgumentException("riskScore must be within 0..100, got " + riskScore);
        }
        this.tacticIds = List.copyOf(b.tacticIds);
        this.techniqueIds = List.copyOf(b.techniqueIds);
        this.partitionField = requireText(b.partitionField, "partitionField");
        this.partitionValue = requireText(b.partitionValue, "partitionValue");
        this.timestampMillis = b.timestampMillis;
        this.evidence = List.copyOf(b.evidence);
        this.evidenceCount = Math.max(b.evidenceCount, evidence.size());
        this.firstSeenMillis = evidence.stream().mapToLong(SecurityEvent::timestampMillis).min().orElse(timestampMillis);
        this.status = Objects.requireNonNull(b.status, "status");
        this.verificationReasons = List.copyOf(b.verificationReasons);
        if (b.shared && status != Status.VERIFIED) {
            throw new IllegalArgumentException("only a verified alert is shared");
        }
        this.shared = b.shared;
        this.verificationPolicy = Objects.requireNonNull(b.verificationPolicy, "verificationPolicy");
        this.riskFactors = Collections.unmodifiableMap(new LinkedHashMap<>(b.riskFactors));
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(b.details));
        this.id = b.id != null ? b.id : AlertId.of(ruleId, ruleVersion, partitionField, partitionValue, b.triggeringEventIds());
        if (b.occurrences < 1) {
            throw new IllegalArgumentException("occurrences must be at least 1, got " + b.occurrences);
        }
        if ((b.occurrences > 1) != (b.latestRepeat != null)) {
            throw new IllegalArgumentException("an alert has a latest repeat exactly when it occurred more than once");
        }
        this.occurrences = b.occurrences;
        this.latestRepeat = b.latestRepeat;
        this.lastSeenMillis = Math.max(timestampMillis, latestRepeat == null ? timestampMillis : latestRepeat.timestampMillis());
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.ruleId = ruleId;
        b.ruleVersion = ruleVersion;
        b.ruleName = ruleName;
        b.ruleDescription = ruleDescription;
        b.severity = severity;
        b.riskScore = riskScore;
        b.tacticIds.addAll(tacticIds);
        b.techniqueIds.addAll(techniqueIds);
        b.partitionField = partitionField;
        b.partitionValue = partitionValue;
        b.timestampMillis = timestampMillis;
        b.status = status;
        b.verificationReasons.addAll(verificationReasons);
        b.shared = shared;
        b.verificationPolicy = verificationPolicy;
        b.riskFactors.putAll(riskFactors);
        b.details.putAll(details);
        b.evidence.addAll(evidence);
        b.evidenceCount = evidenceCount;
        b.occurrences = occurrences;
        b.latestRepeat = latestRepeat;
        return b;
    }

    /**
     * This alert with {@code repeat} merged in: the same id, time, details and evidence, one occurrence more and
     * the repeat as the latest. The count is absolute, so applying the result again anywhere changes nothing.
     */
    public Alert withRepeat(Alert repeat) {
        Builder b = toBuilder();
        b.occurrences = occurrences + 1;
        // Matches of one key come in event-time order; should one not, the later repeat stays the latest.
        b.latestRepeat = latestRepeat != null && latestRepeat.timestampMillis() > repeat.timestampMillis()
                ? latestRepeat : Repeat.of(repeat);
        return b.build();
    }

    /** This alert with its latest repeat's evidence events left out (see {@link Repeat#withoutEvidence()}). */
    public Alert withoutRepeatEvidence() {
        if (latestRepeat == null || latestRepeat.evidence().isEmpty()) {
            return this;
        }
        Builder b = toBuilder();
        b.latestRepeat = latestRepeat.withoutEvidence();
        return b.build();
    }

    public String id() { return id; }
    public String ruleId() { return ruleId; }
    public int ruleVersion() { return ruleVersion; }
    public String ruleName() { return ruleName; }
    public String ruleDescription() { return ruleDescription; }
    public Severity severity() { return severity; }
    public int riskScore() { return riskScore; }
    public List<String> tacticIds() { return tacticIds; }
    public List<String> techniqueIds() { return techniqueIds; }
    /** The ECS field the rule partitions by, e.g. {@code source.ip}. */
    public String partitionField() { return partitionField; }
    /** The entity: the value of the partition field. */
    public String partitionValue() { return partitionValue; }
    /** Event time of the completing event, epoch millis. */
    public long timestampMillis() { return timestampMillis; }
    public Instant timestamp() { return Instant.ofEpochMilli(timestampMillis); }
    /** Event time of the earliest evidence event, epoch millis. */
    public long firstSeenMillis() { return firstSeenMillis; }
    public Status status() { return status; }
    /** Why the alert is verified (empty for a candidate), e.g. {@code high-fidelity}. */
    public List<String> verificationReasons() { return verificationReasons; }
    /** Whether the alert has gone to the NCSC feed: verified and scoring at least the sharing threshold. */
    public boolean shared() { return shared; }
    /** The verification policy of the rule version that raised the alert. */
    public org.vigil.rules.VerificationPolicy verificationPolicy() { return verificationPolicy; }
    /** How the risk score was made (rule score, asset, intel, vigilance), by name; empty before scoring. */
    public Map<String, Object> riskFactors() { return riskFactors; }
    /** Values the rule's alert statement computed (counts, distinct values...), by column name. */
    public Map<String, Object> details() { return details; }
    /** Up to the configured number of evidence events, in event-time order. */
    public List<SecurityEvent> evidence() { return evidence; }
    /** How many events the match involved, including those beyond the evidence limit. */
    public int evidenceCount() { return evidenceCount; }
    /** How many matches this alert stands for: 1, plus the repeats within its rule's suppression period. */
    public int occurrences() { return occurrences; }
    /** Event time of the latest occurrence, epoch millis: the alert's own time until it repeats. */
    public long lastSeenMillis() { return lastSeenMillis; }
    /** The latest repeat merged into this alert, or null when it has not repeated. */
    public Repeat latestRepeat() { return latestRepeat; }
    /** True for the first match of a suppression period, false for an update that merged a repeat. */
    public boolean isFirstOccurrence() { return occurrences == 1; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Alert other && id.equals(other.id) && status == other.status
                && verificationReasons.equals(other.verificationReasons) && shared == other.shared
                && riskScore == other.riskScore && details.equals(other.details) && evidence.equals(other.evidence)
                && occurrences == other.occurrences && Objects.equals(latestRepeat, other.latestRepeat);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Alert{" + id + " " + ruleId + " " + partitionField + "=" + partitionValue + " at " + timestamp()
                + (occurrences > 1 ? " x" + occurrences + " last " + Instant.ofEpochMilli(lastSeenMillis) : "") + "}";
    }

    /** Builds an {@link Alert}; the id is derived from the rule, the entity and the triggering events. */
    public static final class Builder {
        private String id;
        private String ruleId;
        private int ruleVersion = 1;
        private String ruleName;
        private String ruleDescription;
        private Severity severity;
        private Integer riskScore;
        private final List<String> tacticIds = new ArrayList<>();
        private final List<String> techniqueIds = new ArrayList<>();
        private String partitionField;
        private String partitionValue;
        private long timestampMillis;
        private Status status = Status.CANDIDATE;
        private final List<String> verificationReasons = new ArrayList<>();
        private boolean shared;
        private org.vigil.rules.VerificationPolicy verificationPolicy = org.vigil.rules.VerificationPolicy.NONE;
        private final Map<String, Object> riskFactors = new LinkedHashMap<>();
        private final Map<String, Object> details = new LinkedHashMap<>();
        private final List<SecurityEvent> evidence = new ArrayList<>();
        private final List<String> triggeringEventIds = new ArrayList<>();
        private int evidenceCount;
        private int occurrences = 1;
        private Repeat latestRepeat;

        private Builder() {}

        public Builder ruleId(String v) { ruleId = v; id = null; return this; }
        public Builder ruleVersion(int v) { ruleVersion = v; id = null; return this; }
        public Builder ruleName(String v) { ruleName = v; return this; }
        public Builder ruleDescription(String v) { ruleDescription = v; return this; }
        public Builder severity(Severity v) { severity = v; return this; }
        public Builder riskScore(int v) { riskScore = v; return this; }
        public Builder tacticIds(List<String> v) { tacticIds.clear(); tacticIds.addAll(v); return this; }
        public Builder techniqueIds(List<String> v) { techniqueIds.clear(); techniqueIds.addAll(v); return this; }
        public Builder partition(String field, String value) { partitionField = field; partitionValue = value; id = null; return this; }
        public Builder timestampMillis(long v) { timestampMillis = v; return this; }
        public Builder status(Status v) { status = v; return this; }
        public Builder verificationReasons(List<String> v) { verificationReasons.clear(); verificationReasons.addAll(v); return this; }
        public Builder shared(boolean v) { shared = v; return this; }
        public Builder verificationPolicy(org.vigil.rules.VerificationPolicy v) { verificationPolicy = v; return this; }
        public Builder riskFactors(Map<String, Object> v) { riskFactors.clear(); riskFactors.putAll(v); return this; }
        public Builder detail(String name, Object value) { details.put(name, value); return this; }
        public Builder details(Map<String, Object> v) { details.clear(); details.putAll(v); return this; }

        /** The events that triggered the match, all of them: they make up the id; the first {@code limit} are kept. */
        public Builder triggeringEvents(List<SecurityEvent> events, int limit) {
            List<SecurityEvent> sorted = new ArrayList<>(events);
            sorted.sort(java.util.Comparator.comparingLong(SecurityEvent::timestampMillis).thenComparing(SecurityEvent::id));
            triggeringEventIds.clear();
            sorted.forEach(e -> triggeringEventIds.add(e.id()));
            evidence.clear();
            evidence.addAll(sorted.subList(0, Math.min(limit, sorted.size())));
            evidenceCount = sorted.size();
            id = null;
            return this;
        }

        /**
         * Identifies the alert by {@code parts} instead of its triggering events' ids (call after
         * {@link #triggeringEvents}): for alerts that are one per entity and fact, such as a host on one botnet-list
         * version, whatever event revealed it.
         */
        public Builder identifyBy(List<String> parts) {
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("parts must not be empty");
            }
            triggeringEventIds.clear();
            triggeringEventIds.addAll(parts);
            id = null;
            return this;
        }

        /** The id as it was derived when the alert was first built ({@link AlertSerializer} restores it). */
        Builder id(String v) { id = v; return this; }

        /** The kept evidence events as they are, in their order, and how many the match involved. */
        Builder evidence(List<SecurityEvent> events, int count) {
            evidence.clear();
            evidence.addAll(events);
            evidenceCount = count;
            return this;
        }

        Builder occurrences(int count, Repeat latest) {
            occurrences = count;
            latestRepeat = latest;
            return this;
        }

        List<String> triggeringEventIds() {
            return triggeringEventIds.isEmpty() ? evidence.stream().map(SecurityEvent::id).toList() : triggeringEventIds;
        }

        public Alert build() {
            return new Alert(this);
        }
    }

    /** Tells Flink to move {@code Alert} values with {@link AlertSerializer} rather than Kryo. */
    public static final class FlinkTypeInfo extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<Alert> {
        @Override
        public org.apache.flink.api.common.typeinfo.TypeInformation<Alert> createTypeInfo(
                java.lang.reflect.Type t, java.util.Map<String, org.apache.flink.api.common.typeinfo.TypeInformation<?>> params) {
            return AlertTypeInfo.INSTANCE;
        }
    }
}
