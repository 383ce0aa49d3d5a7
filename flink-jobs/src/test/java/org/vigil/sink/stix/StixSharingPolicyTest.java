package org.vigil.sink.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.sink.stix.StixBundleMapperTest.ATTACKER;
import static org.vigil.sink.stix.StixBundleMapperTest.T0;
import static org.vigil.sink.stix.StixBundleMapperTest.T1;
import static org.vigil.sink.stix.StixBundleMapperTest.assertGolden;
import static org.vigil.sink.stix.StixBundleMapperTest.assertValid;
import static org.vigil.sink.stix.StixBundleMapperTest.base;
import static org.vigil.sink.stix.StixBundleMapperTest.only;
import static org.vigil.sink.stix.StixBundleMapperTest.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.share.InternalValueHandling;
import org.vigil.share.Pseudonym;
import org.vigil.share.SharingPolicy;

/** The sharing policy applied by the mapper: what of an internal user or address leaves the SOC, and in which form. */
class StixSharingPolicyTest {
    private static final String KEY = "test-pseudonym-key-0123456789";
    private static final String INTERNAL_SERVER = "10.20.0.5";

    @Test
    void pseudonymisedUsersAndInternalAddressesAreStableKeyedHashesOutsideTheIndicator() throws IOException {
        ObjectNode bundle = mapper(policy(InternalValueHandling.PSEUDONYMISE, InternalValueHandling.PSEUDONYMISE))
                .toBundle(attackOnServer("alice", "bob"));
        assertGolden(bundle, "golden-bundle-pseudonymised.json");
        String text = bundle.toString();
        assertThat(text).doesNotContain(INTERNAL_SERVER).doesNotContain("alice").doesNotContain("bob");

        Pseudonym pseudonym = new Pseudonym(KEY);
        assertThat(domainValues(bundle)).containsExactly(pseudonym.of(INTERNAL_SERVER) + ".pseudonym.invalid");
        assertThat(userIds(bundle)).containsExactly("pseudonym:" + pseudonym.of("alice"), "pseudonym:" + pseudonym.of("bob"));
        assertThat(only(bundle, "indicator").get("pattern").asText())
                .as("only the attacker: never tell recipients to block our own host")
                .isEqualTo("[ipv4-addr:value = '203.0.113.7']");
        assertThat(only(bundle, "observed-data").get("object_refs")).hasSize(4);

        // Another alert on the same server gets the same pseudonym; another key a different one.
        ObjectNode later = mapper(policy(InternalValueHandling.PSEUDONYMISE, InternalValueHandling.PSEUDONYMISE))
                .toBundle(attackOnServer("alice"));
        assertThat(domainValues(later)).isEqualTo(domainValues(bundle));
        assertThat(new Pseudonym("another-key-of-sixteen-bytes").of(INTERNAL_SERVER)).isNotEqualTo(pseudonym.of(INTERNAL_SERVER));
    }

    @Test
    void pseudonymsAreHmacSha256() {
        // Reference values from Python's hmac module, an independent implementation.
        assertThat(new Pseudonym(KEY).of("alice")).isEqualTo("777a3c2bd0edcede58ae2d5d5a98e417");
        assertThat(new Pseudonym(KEY).of(INTERNAL_SERVER)).isEqualTo("25ba719f245953f38eea3ff6b552fef6");
    }

    @Test
    void removedUsersAndInternalAddressesLeaveNoTrace() {
        ObjectNode bundle = mapper(policy(InternalValueHandling.REMOVE, InternalValueHandling.REMOVE))
                .toBundle(attackOnServer("alice"));
        assertValid(bundle);
        assertThat(types(bundle)).containsExactly("marking-definition", "identity", "ipv4-addr", "attack-pattern",
                "indicator", "relationship", "observed-data", "sighting");
        assertThat(bundle.toString()).doesNotContain(INTERNAL_SERVER).doesNotContain("alice").doesNotContain("pseudonym");
    }

    @Test
    void keptInternalValuesAreObservedButNeverIndicated() {
        ObjectNode bundle = mapper(policy(InternalValueHandling.KEEP, InternalValueHandling.KEEP))
                .toBundle(attackOnServer("alice"));
        assertValid(bundle);
        assertThat(userIds(bundle)).containsExactly("alice");
        assertThat(bundle.toString()).contains(INTERNAL_SERVER);
        assertThat(only(bundle, "indicator").get("pattern").asText()).isEqualTo("[ipv4-addr:value = '203.0.113.7']");
    }

    @Test
    void pseudonymiseWithoutAKeyRemoves() {
        SharingPolicy noKey = SharingPolicy.builder().build();
        assertThat(noKey.internalUsers()).isEqualTo(InternalValueHandling.REMOVE);
        assertThat(noKey.internalAddresses()).isEqualTo(InternalValueHandling.REMOVE);
        ObjectNode bundle = mapper(noKey).toBundle(attackOnServer("alice"));
        assertThat(bundle.toString()).doesNotContain(INTERNAL_SERVER).doesNotContain("alice");
        assertThatThrownBy(() -> SharingPolicy.builder().pseudonymKey("short").build())
                .hasMessageContaining("at least 16 bytes");
    }

    @Test
    void onlyTheAllowedFieldsAreShared() {
        SharingPolicy sourceOnly = SharingPolicy.builder().fields(List.of("source.ip"))
                .internalUsers(InternalValueHandling.KEEP).internalAddresses(InternalValueHandling.KEEP).build();
        ObjectNode bundle = mapper(sourceOnly).toBundle(attackOnServer("alice"));
        assertValid(bundle);
        assertThat(types(bundle)).doesNotContain("user-account");
        assertThat(bundle.toString()).doesNotContain(INTERNAL_SERVER).doesNotContain("alice");
        assertThatThrownBy(() -> SharingPolicy.builder().fields(List.of("source.ip", "process.command_line")))
                .hasMessageContaining("process.command_line").hasMessageContaining("supported fields");
    }

    @Test
    void configuredInternalNetworksAreInternal() {
        SharingPolicy ours = SharingPolicy.builder().internalNetworks(List.of("203.0.113.0/24")).build();
        assertThat(ours.isInternalNetwork(ATTACKER)).isTrue();
        assertThat(ours.isInternalNetwork(INTERNAL_SERVER)).as("the list replaces the defaults").isFalse();
        ObjectNode bundle = mapper(ours).toBundle(attackOnServer("alice"));
        assertValid(bundle);
        assertThat(only(bundle, "indicator").get("pattern").asText()).isEqualTo("[ipv4-addr:value = '10.20.0.5']");
        SharingPolicy both = SharingPolicy.builder().internalNetworks(List.of("203.0.113.0/24", "10.0.0.0/8")).build();
        assertThat(types(mapper(both).toBundle(attackOnServer("alice")))).doesNotContain("indicator");
        assertThat(SharingPolicy.builder().build().isInternalNetwork("fd00::1")).isTrue();
        assertThatThrownBy(() -> SharingPolicy.builder().internalNetworks(List.of("10.0.0.1/8")))
                .hasMessageContaining("share.internal-networks");
    }

    @Test
    void anEscalatedAlertKeepsItsIdsWithALaterModifiedAndCountsItsRepeats() {
        StixBundleMapper mapper = mapper(policy(InternalValueHandling.REMOVE, InternalValueHandling.REMOVE));
        Alert first = attackOnServer("alice");
        Alert repeated = first.withRepeat(base("source.ip", ATTACKER)
                .triggeringEvents(List.of(event("late-1", T1.plusSeconds(600), "alice")), 10)
                .timestampMillis(T1.plusSeconds(600).toEpochMilli()).build());
        ObjectNode before = mapper.toBundle(first);
        ObjectNode after = mapper.toBundle(repeated);
        assertValid(after);
        assertThat(ids(after)).isEqualTo(ids(before));
        assertThat(only(after, "attack-pattern")).as("the technique's object is not the alert's: same version")
                .isEqualTo(only(before, "attack-pattern"));
        for (String type : List.of("indicator", "relationship", "observed-data", "sighting")) {
            assertThat(only(after, type).get("created")).as(type).isEqualTo(only(before, type).get("created"));
            assertThat(Instant.parse(only(after, type).get("modified").asText())).as(type)
                    .isEqualTo(T1.plusSeconds(600)).isAfter(Instant.parse(only(before, type).get("modified").asText()));
        }
        assertThat(only(after, "sighting").get("count").asInt()).isEqualTo(2);
        assertThat(only(after, "sighting").get("last_seen").asText()).isEqualTo("2025-03-14T02:20:20.000Z");
    }

    private static Alert attackOnServer(String... users) {
        List<SecurityEvent> events = new ArrayList<>();
        for (int i = 0; i < users.length; i++) {
            events.add(event("e" + i, T0.plusSeconds(i), users[i]));
        }
        return base("source.ip", ATTACKER).triggeringEvents(events, 10).timestampMillis(T1.toEpochMilli()).build();
    }

    private static SecurityEvent event(String id, Instant at, String user) {
        return SecurityEvent.builder().id(id).timestamp(at)
                .put("event.category", List.of("authentication"))
                .put("event.outcome", "failure")
                .put("source.ip", ATTACKER)
                .put("destination.ip", INTERNAL_SERVER)
                .put("user.name", user)
                .build();
    }

    private static SharingPolicy policy(InternalValueHandling users, InternalValueHandling addresses) {
        return SharingPolicy.builder().internalUsers(users).internalAddresses(addresses).pseudonymKey(KEY).build();
    }

    private static StixBundleMapper mapper(SharingPolicy policy) {
        return StixBundleMapper.builder().identityName("Test Province SOC").policy(policy).build();
    }

    private static List<String> domainValues(JsonNode bundle) {
        return values(bundle, "domain-name", "value");
    }

    private static List<String> userIds(JsonNode bundle) {
        return values(bundle, "user-account", "user_id");
    }

    private static List<String> values(JsonNode bundle, String type, String property) {
        List<String> values = new ArrayList<>();
        bundle.get("objects").forEach(o -> {
            if (o.get("type").asText().equals(type)) {
                values.add(o.get(property).asText());
            }
        });
        return values;
    }

    private static List<String> ids(JsonNode bundle) {
        List<String> ids = new ArrayList<>();
        bundle.get("objects").forEach(o -> ids.add(o.get("id").asText()));
        return ids;
    }
}
