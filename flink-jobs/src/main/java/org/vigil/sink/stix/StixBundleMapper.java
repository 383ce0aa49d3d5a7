package org.vigil.sink.stix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.share.SharingPolicy;

/**
 * Maps one alert to a STIX 2.1 bundle under the sharing policy: the SOC's identity, the TLP marking, the shared
 * observables, one attack-pattern per ATT&CK technique of the rule, an indicator of the attacker's external values
 * (indicating each attack-pattern), the observed-data and the SOC's sighting of the indicator (of the first
 * attack-pattern without one).
 *
 * <p>Every id and timestamp is derived from the alert, so mapping the same alert again yields the same bundle
 * byte for byte; a replay re-sends the same objects rather than new versions or new objects. The identity and the
 * attack-patterns do not belong to one alert: their ids and versions are fixed, so every bundle re-sends the same
 * version of them and a recipient's collection holds one object per SOC and per technique.
 */
public final class StixBundleMapper implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Namespace of Vigil's name-based STIX ids: UUIDv5 of {@code urn:vigil:stix} in the RFC 4122 URL namespace. */
    public static final UUID VIGIL_NAMESPACE = UUID.fromString("f6ee798f-c26b-51ac-af4e-99f167429c1b");
    public static final String DEFAULT_IDENTITY_NAME = "Provincial Security Operations Centre";
    /**
     * The SOC identity is one object shared by every bundle, so its {@code created} must not vary by alert; a
     * fixed instant keeps it one version for recipients.
     */
    public static final Instant DEFAULT_IDENTITY_CREATED = Instant.parse("2024-01-01T00:00:00Z");
    /**
     * {@code created} and {@code modified} of the per-technique attack-patterns: fixed, because the same technique
     * is sent with every alert and each send must be the same version. Move it forward when what such an object
     * says changes, so recipients see a new version rather than two contents under one.
     */
    public static final Instant ATTACK_PATTERN_VERSION = Instant.parse("2024-01-01T00:00:00Z");
    public static final TlpMarking DEFAULT_MARKING = TlpMarking.AMBER;
    /** Upper bound STIX puts on {@code number_observed} and {@code count}. */
    static final int MAX_COUNT = 999_999_999;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String identityName;
    private final Instant identityCreated;
    private final TlpMarking marking;
    private final SharingPolicy policy;

    private StixBundleMapper(Builder b) {
        this.identityName = b.identityName;
        this.identityCreated = b.identityCreated;
        this.marking = b.marking;
        this.policy = b.policy;
    }

    public static Builder builder() {
        return new Builder();
    }

    public SharingPolicy policy() {
        return policy;
    }

    public TlpMarking marking() {
        return marking;
    }

    /** The id of the SOC identity every bundle names as creator; it depends on the identity name only. */
    public String identityId() {
        return "identity--" + NameBasedUuid.v5(VIGIL_NAMESPACE, "identity/" + identityName);
    }

    /** The bundle as compact JSON. */
    public String toJson(Alert alert) {
        try {
            return JSON.writeValueAsString(toBundle(alert));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write STIX bundle of alert " + alert.id(), e);
        }
    }

    public ObjectNode toBundle(Alert alert) {
        List<String> markings = List.of(marking.id());
        List<AlertObservables.Shared> shared = AlertObservables.of(alert, policy);
        List<StixObservable> observables = shared.stream().map(AlertObservables.Shared::observable).toList();
        List<StixObservable> attacker = shared.stream().filter(AlertObservables.Shared::attacker)
                .map(AlertObservables.Shared::observable).toList();
        long firstSeen = alert.firstSeenMillis();
        long lastSeen = lastSeenMillis(alert);

        ObjectNode bundle = JsonNodeFactory.instance.objectNode();
        bundle.put("type", "bundle");
        bundle.put("id", "bundle--" + NameBasedUuid.v5(VIGIL_NAMESPACE, alert.id() + "/bundle"));
        ArrayNode objects = bundle.putArray("objects");
        objects.add(marking.toStix());
        objects.add(identity(markings));
        observables.forEach(o -> objects.add(o.toStix(markings)));
        List<ObjectNode> attackPatterns = attackPatterns(alert, markings);
        objects.addAll(attackPatterns);
        // Only the attacker's values make an indicator: an internal address in a pattern would tell recipients to
        // block one of our own hosts.
        ObjectNode sightingOf = attackPatterns.get(0);
        if (!attacker.isEmpty()) {
            ObjectNode indicator = indicator(alert, attacker, firstSeen, lastSeen, markings);
            objects.add(indicator);
            for (ObjectNode attackPattern : attackPatterns) {
                objects.add(relationship(alert, "indicates", indicator, attackPattern, firstSeen, lastSeen, markings));
            }
            sightingOf = indicator;
        }
        ObjectNode observedData = null;
        if (!observables.isEmpty()) {
            observedData = observedData(alert, observables, firstSeen, lastSeen, markings);
            objects.add(observedData);
        }
        objects.add(sighting(alert, sightingOf, observedData, firstSeen, lastSeen, markings));
        return bundle;
    }

    private ObjectNode identity(List<String> markings) {
        ObjectNode identity = JsonNodeFactory.instance.objectNode();
        identity.put("type", "identity");
        identity.put("spec_version", "2.1");
        identity.put("id", identityId());
        identity.put("created", format(identityCreated.toEpochMilli()));
        identity.put("modified", format(identityCreated.toEpochMilli()));
        identity.put("name", identityName);
        identity.put("identity_class", "organization");
        markings.forEach(identity.putArray("object_marking_refs")::add);
        return identity;
    }

    /** The id of the attack-pattern of an ATT&CK technique: the same in every bundle of every alert. */
    public static String attackPatternId(String techniqueId) {
        return "attack-pattern--" + NameBasedUuid.v5(VIGIL_NAMESPACE,
                "attack-pattern/" + MitreAttack.SOURCE_NAME + "/" + techniqueKey(techniqueId));
    }

    /**
     * One attack-pattern per technique of the rule, in the rule's order. A rule file always names a technique; an
     * alert without one (built by hand) gets the attack-pattern of its rule version instead, so a sighting always
     * has something to be of.
     */
    private List<ObjectNode> attackPatterns(Alert alert, List<String> markings) {
        List<String> techniques = alert.techniqueIds().stream().map(StixBundleMapper::techniqueKey)
                .filter(t -> !t.isEmpty()).distinct().toList();
        if (techniques.isEmpty()) {
            return List.of(ruleAttackPattern(alert, markings));
        }
        List<ObjectNode> patterns = new ArrayList<>();
        for (String technique : techniques) {
            // Only what the technique itself determines: another rule (with other tactics and words) sends the same
            // object, so the rule's name, description and tactics stay on the indicator.
            ObjectNode pattern = fixedVersionSdo("attack-pattern", attackPatternId(technique), markings);
            pattern.put("name", technique);
            ObjectNode ref = pattern.putArray("external_references").addObject()
                    .put("source_name", MitreAttack.SOURCE_NAME).put("external_id", technique);
            MitreAttack.techniqueUrl(technique).ifPresent(url -> ref.put("url", url));
            patterns.add(pattern);
        }
        return patterns;
    }

    /** What a rule without an ATT&CK technique detects, one object per rule version (its words may change). */
    private ObjectNode ruleAttackPattern(Alert alert, List<String> markings) {
        ObjectNode pattern = fixedVersionSdo("attack-pattern", "attack-pattern--" + NameBasedUuid.v5(VIGIL_NAMESPACE,
                "attack-pattern/rule/" + alert.ruleId() + "/v" + alert.ruleVersion()), markings);
        pattern.put("name", alert.ruleName());
        if (!alert.ruleDescription().isBlank()) {
            pattern.put("description", alert.ruleDescription());
        }
        putAttack(pattern, alert);
        return pattern;
    }

    private static String techniqueKey(String techniqueId) {
        return techniqueId.trim().toUpperCase(Locale.ROOT);
    }

    private ObjectNode indicator(Alert alert, List<StixObservable> observables, long firstSeen, long lastSeen,
                                 List<String> markings) {
        ObjectNode indicator = sdo("indicator", alert, firstSeen, lastSeen, markings);
        indicator.put("name", alert.ruleName());
        if (!alert.ruleDescription().isBlank()) {
            indicator.put("description", alert.ruleDescription());
        }
        indicator.putArray("indicator_types").add("malicious-activity");
        indicator.put("pattern", StixPattern.anyOf(observables));
        indicator.put("pattern_type", "stix");
        indicator.put("pattern_version", "2.1");
        indicator.put("valid_from", format(firstSeen));
        putAttack(indicator, alert);
        return indicator;
    }

    private static void putAttack(ObjectNode node, Alert alert) {
        ArrayNode phases = JsonNodeFactory.instance.arrayNode();
        for (String tactic : alert.tacticIds()) {
            // An unknown tactic has no ATT&CK phase name; the technique references still carry the mapping.
            MitreAttack.phaseName(tactic).ifPresent(phase -> phases.addObject()
                    .put("kill_chain_name", MitreAttack.SOURCE_NAME)
                    .put("phase_name", phase));
        }
        if (!phases.isEmpty()) {
            node.set("kill_chain_phases", phases);
        }
        ArrayNode references = JsonNodeFactory.instance.arrayNode();
        for (String technique : alert.techniqueIds()) {
            ObjectNode ref = references.addObject().put("source_name", MitreAttack.SOURCE_NAME).put("external_id", technique);
            MitreAttack.techniqueUrl(technique).ifPresent(url -> ref.put("url", url));
        }
        if (!references.isEmpty()) {
            node.set("external_references", references);
        }
    }

    private ObjectNode relationship(Alert alert, String type, ObjectNode source, ObjectNode target, long firstSeen,
                                    long lastSeen, List<String> markings) {
        ObjectNode relationship = sdo("relationship", alert, firstSeen, lastSeen, markings);
        relationship.put("id", "relationship--" + NameBasedUuid.v5(VIGIL_NAMESPACE,
                alert.id() + "/relationship/" + type + "/" + target.get("id").asText()));
        relationship.put("relationship_type", type);
        relationship.put("source_ref", source.get("id").asText());
        relationship.put("target_ref", target.get("id").asText());
        return relationship;
    }

    private ObjectNode observedData(Alert alert, List<StixObservable> observables, long firstSeen, long lastSeen,
                                    List<String> markings) {
        ObjectNode observed = sdo("observed-data", alert, firstSeen, lastSeen, markings);
        observed.put("first_observed", format(firstSeen));
        observed.put("last_observed", format(lastSeen));
        observed.put("number_observed", clamp(alert.evidenceCount(), 1));
        ArrayNode refs = observed.putArray("object_refs");
        observables.forEach(o -> refs.add(o.id()));
        return observed;
    }

    private ObjectNode sighting(Alert alert, ObjectNode sightingOf, ObjectNode observedData, long firstSeen,
                                long lastSeen, List<String> markings) {
        ObjectNode sighting = sdo("sighting", alert, firstSeen, lastSeen, markings);
        // No entity value here: the observables alone decide what the bundle discloses (no user names beside IPs).
        sighting.put("description", "Vigil alert " + alert.id() + " of rule " + alert.ruleId() + " v" + alert.ruleVersion());
        sighting.put("first_seen", format(firstSeen));
        sighting.put("last_seen", format(lastSeen));
        // One sighting per match of the rule: repeats merged by @suppress count, the events inside a match do not.
        sighting.put("count", clamp(alert.occurrences(), 1));
        sighting.put("sighting_of_ref", sightingOf.get("id").asText());
        if (observedData != null) {
            sighting.putArray("observed_data_refs").add(observedData.get("id").asText());
        }
        sighting.putArray("where_sighted_refs").add(identityId());
        // Lets the recipient quote our alert id back to us.
        sighting.putArray("external_references").addObject()
                .put("source_name", "vigil")
                .put("external_id", alert.id());
        return sighting;
    }

    /**
     * The common properties of an alert's SDO or SRO. {@code created} is the first evidence time, which does not
     * change when a later event extends the same alert; {@code modified} is the time it was last seen, so a
     * re-sent alert (escalated by a repeat) is a later version of the same objects and a replay the same version.
     */
    private ObjectNode sdo(String type, Alert alert, long firstSeen, long lastSeen, List<String> markings) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", type);
        node.put("spec_version", "2.1");
        node.put("id", type + "--" + NameBasedUuid.v5(VIGIL_NAMESPACE, alert.id() + "/" + type));
        node.put("created_by_ref", identityId());
        node.put("created", format(firstSeen));
        node.put("modified", format(lastSeen));
        markings.forEach(node.putArray("object_marking_refs")::add);
        return node;
    }

    /** An SDO created by the SOC that belongs to no alert: its id is given, its version fixed. */
    private ObjectNode fixedVersionSdo(String type, String id, List<String> markings) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", type);
        node.put("spec_version", "2.1");
        node.put("id", id);
        node.put("created_by_ref", identityId());
        node.put("created", format(ATTACK_PATTERN_VERSION.toEpochMilli()));
        node.put("modified", format(ATTACK_PATTERN_VERSION.toEpochMilli()));
        markings.forEach(node.putArray("object_marking_refs")::add);
        return node;
    }

    private static long lastSeenMillis(Alert alert) {
        long last = Math.max(alert.lastSeenMillis(), alert.firstSeenMillis());
        for (SecurityEvent e : alert.evidence()) {
            last = Math.max(last, e.timestampMillis());
        }
        return last;
    }

    private static int clamp(int count, int min) {
        return Math.max(min, Math.min(MAX_COUNT, count));
    }

    /** STIX timestamps: UTC, millisecond precision, {@code Z} suffix. */
    static String format(long epochMillis) {
        return TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Builds a {@link StixBundleMapper}; every setting has a named default. */
    public static final class Builder {
        private String identityName = DEFAULT_IDENTITY_NAME;
        private Instant identityCreated = DEFAULT_IDENTITY_CREATED;
        private TlpMarking marking = DEFAULT_MARKING;
        private SharingPolicy policy = SharingPolicy.builder().build();

        private Builder() {}

        /** What of an alert may be shared; the default policy removes internal values (it has no pseudonym key). */
        public Builder policy(SharingPolicy sharing) {
            policy = Objects.requireNonNull(sharing, "policy");
            return this;
        }

        /** The name of the SOC as recipients see it in the identity object. */
        public Builder identityName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("identityName must not be empty");
            }
            identityName = name.trim();
            return this;
        }

        public Builder identityCreated(Instant created) {
            identityCreated = Objects.requireNonNull(created, "identityCreated");
            return this;
        }

        public Builder marking(TlpMarking tlp) {
            marking = Objects.requireNonNull(tlp, "marking");
            return this;
        }

        public StixBundleMapper build() {
            return new StixBundleMapper(this);
        }
    }
}
