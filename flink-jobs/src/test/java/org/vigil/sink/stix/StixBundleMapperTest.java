package org.vigil.sink.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vigil.alert.Alert;
import org.vigil.alert.Severity;
import org.vigil.event.SecurityEvent;
import org.vigil.share.InternalValueHandling;
import org.vigil.share.SharingPolicy;

/** STIX bundles of alerts: schema-valid, consistent, deterministic, pinned by a golden file. */
class StixBundleMapperTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2025-03-14T02:10:00.123Z");
    static final Instant T1 = Instant.parse("2025-03-14T02:10:20Z");
    static final Instant T2 = Instant.parse("2025-03-14T02:11:05.5Z");
    static final String ATTACKER = "203.0.113.7";
    static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static final StixValidator validator = StixTestData.validator();
    private final StixBundleMapper mapper = StixBundleMapper.builder().identityName("Test Province SOC").build();

    @Test
    void ipEntityBecomesIndicatorObservedDataAndSighting() {
        Alert alert = bruteForce("source.ip", ATTACKER, events(ATTACKER, ATTACKER, ATTACKER));
        ObjectNode bundle = mapper.toBundle(alert);

        assertValid(bundle);
        assertThat(types(bundle)).containsExactly("marking-definition", "identity", "ipv4-addr", "attack-pattern",
                "indicator", "relationship", "observed-data", "sighting");
        JsonNode indicator = only(bundle, "indicator");
        assertThat(indicator.get("pattern").asText()).isEqualTo("[ipv4-addr:value = '203.0.113.7']");
        assertThat(indicator.get("pattern_type").asText()).isEqualTo("stix");
        assertThat(indicator.get("valid_from").asText()).isEqualTo("2025-03-14T02:10:00.123Z");
        assertThat(indicator.get("name").asText()).isEqualTo("SSH brute force");
        assertThat(indicator.get("description").asText()).isEqualTo("Many failed SSH logins from one source.");
        assertThat(indicator.at("/kill_chain_phases/0/kill_chain_name").asText()).isEqualTo("mitre-attack");
        assertThat(indicator.at("/kill_chain_phases/0/phase_name").asText()).isEqualTo("credential-access");
        assertThat(indicator.at("/external_references/0/source_name").asText()).isEqualTo("mitre-attack");
        assertThat(indicator.at("/external_references/0/external_id").asText()).isEqualTo("T1110.001");
        assertThat(indicator.at("/external_references/0/url").asText())
                .isEqualTo("https://attack.mitre.org/techniques/T1110/001/");

        JsonNode ip = only(bundle, "ipv4-addr");
        JsonNode observed = only(bundle, "observed-data");
        assertThat(ip.get("value").asText()).isEqualTo(ATTACKER);
        assertThat(observed.get("object_refs")).containsExactly(ip.get("id"));
        assertThat(observed.get("number_observed").asInt()).isEqualTo(3);
        assertThat(observed.get("first_observed").asText()).isEqualTo("2025-03-14T02:10:00.123Z");
        assertThat(observed.get("last_observed").asText()).isEqualTo("2025-03-14T02:11:05.500Z");

        JsonNode identity = only(bundle, "identity");
        assertThat(identity.get("name").asText()).isEqualTo("Test Province SOC");
        assertThat(identity.get("identity_class").asText()).isEqualTo("organization");

        JsonNode sighting = only(bundle, "sighting");
        assertThat(sighting.get("sighting_of_ref")).isEqualTo(indicator.get("id"));
        assertThat(sighting.get("observed_data_refs")).containsExactly(observed.get("id"));
        assertThat(sighting.get("where_sighted_refs")).containsExactly(identity.get("id"));
        assertThat(sighting.get("count").asInt()).as("one match of the rule").isEqualTo(1);
        assertThat(sighting.get("first_seen").asText()).isEqualTo("2025-03-14T02:10:00.123Z");
        assertThat(sighting.get("last_seen").asText()).isEqualTo("2025-03-14T02:11:05.500Z");

        JsonNode attackPattern = only(bundle, "attack-pattern");
        assertThat(attackPattern.get("id").asText()).as("the technique's, not the alert's").isEqualTo("attack-pattern--"
                + NameBasedUuid.v5(StixBundleMapper.VIGIL_NAMESPACE, "attack-pattern/mitre-attack/T1110.001"));
        assertThat(attackPattern.get("name").asText()).isEqualTo("T1110.001");
        assertThat(attackPattern.at("/external_references/0/external_id").asText()).isEqualTo("T1110.001");
        assertThat(attackPattern.at("/external_references/0/url").asText())
                .isEqualTo("https://attack.mitre.org/techniques/T1110/001/");
        assertThat(attackPattern.has("kill_chain_phases")).as("the rule's tactics stay on the indicator").isFalse();
        assertThat(attackPattern.has("description")).isFalse();
        JsonNode indicates = only(bundle, "relationship");
        assertThat(indicates.get("relationship_type").asText()).isEqualTo("indicates");
        assertThat(indicates.get("source_ref")).isEqualTo(indicator.get("id"));
        assertThat(indicates.get("target_ref")).isEqualTo(attackPattern.get("id"));
        assertThat(bundle.toString()).as("user names are internal: removed without a pseudonym key").doesNotContain("root");
    }

    @Test
    void everySdoAndSroIsMarkedAndCreatedByTheSoc() {
        ObjectNode bundle = mapper.toBundle(bruteForce("source.ip", ATTACKER, events(ATTACKER)));
        String identityId = only(bundle, "identity").get("id").asText();
        for (JsonNode o : bundle.get("objects")) {
            String type = o.get("type").asText();
            if (type.equals("marking-definition")) {
                continue;
            }
            assertThat(o.get("object_marking_refs")).as(type)
                    .containsExactly(JSON.getNodeFactory().textNode(TlpMarking.AMBER.id()));
            if (Set.of("attack-pattern", "indicator", "relationship", "observed-data", "sighting").contains(type)) {
                assertThat(o.get("created_by_ref").asText()).as(type).isEqualTo(identityId);
            }
        }
    }

    @Test
    void amberMarkingIsThePredefinedSpecObject() throws IOException {
        JsonNode expected = JSON.readTree("""
                {
                  "type": "marking-definition",
                  "spec_version": "2.1",
                  "id": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
                  "created": "2017-01-20T00:00:00.000Z",
                  "definition_type": "tlp",
                  "name": "TLP:AMBER",
                  "definition": {"tlp": "amber"}
                }""");
        ObjectNode bundle = mapper.toBundle(bruteForce("source.ip", ATTACKER, events(ATTACKER)));
        assertThat(only(bundle, "marking-definition")).isEqualTo(expected);
        assertThat(StixBundleMapper.builder().build().marking()).isEqualTo(TlpMarking.AMBER);
    }

    @ParameterizedTest
    @EnumSource(TlpMarking.class)
    void eachTlpMarkingGivesAValidBundle(TlpMarking tlp) {
        StixBundleMapper marked = StixBundleMapper.builder().marking(tlp).build();
        ObjectNode bundle = marked.toBundle(bruteForce("source.ip", ATTACKER, events(ATTACKER)));
        assertValid(bundle);
        assertThat(only(bundle, "marking-definition").get("id").asText()).isEqualTo(tlp.id());
        assertThat(only(bundle, "sighting").at("/object_marking_refs/0").asText()).isEqualTo(tlp.id());
        assertThat(TlpMarking.parse("tlp:" + tlp.name().toLowerCase())).isEqualTo(tlp);
    }

    @Test
    void ipv6EntityBecomesIpv6Addr() {
        ObjectNode bundle = mapper.toBundle(bruteForce("destination.ip", "2001:DB8::7", events("2001:db8::7")));
        assertValid(bundle);
        assertThat(only(bundle, "ipv6-addr").get("value").asText()).isEqualTo("2001:db8::7");
        assertThat(only(bundle, "indicator").get("pattern").asText()).isEqualTo("[ipv6-addr:value = '2001:db8::7']");
    }

    @Test
    void userEntityIsSharedAsTheSourceAddressesOfItsEvidence() {
        Alert alert = bruteForce("user.name", "administrator", events("198.51.100.20", "192.0.2.5", "198.51.100.20"));
        ObjectNode bundle = mapper.toBundle(alert);
        assertValid(bundle);
        assertThat(types(bundle)).containsExactly("marking-definition", "identity", "ipv4-addr", "ipv4-addr",
                "attack-pattern", "indicator", "relationship", "observed-data", "sighting");
        assertThat(only(bundle, "indicator").get("pattern").asText())
                .isEqualTo("[ipv4-addr:value = '198.51.100.20' OR ipv4-addr:value = '192.0.2.5']");
        assertThat(only(bundle, "observed-data").get("object_refs")).hasSize(2);
        assertThat(bundle.toString()).doesNotContain("administrator");
    }

    @Test
    void mixedAddressFamiliesGetOneObservationEach() {
        Alert alert = bruteForce("user.name", "svc", events("192.0.2.5", "2001:db8::1"));
        ObjectNode bundle = mapper.toBundle(alert);
        assertValid(bundle);
        assertThat(only(bundle, "indicator").get("pattern").asText())
                .isEqualTo("[ipv4-addr:value = '192.0.2.5'] OR [ipv6-addr:value = '2001:db8::1']");
    }

    @Test
    void withoutAnyAttackerValueTheSightingIsOfTheAttackPatternAndAKeptUserIsObservedOnly() {
        StixBundleMapper keeping = StixBundleMapper.builder().identityName("Test Province SOC")
                .policy(SharingPolicy.builder().internalUsers(InternalValueHandling.KEEP).build()).build();
        Alert alert = bruteForce("user.name", "o'brien\\x", events((String) null));
        ObjectNode bundle = keeping.toBundle(alert);
        assertValid(bundle);
        assertThat(types(bundle)).containsExactly("marking-definition", "identity", "user-account", "user-account",
                "attack-pattern", "observed-data", "sighting");
        assertThat(bundle.at("/objects/2/user_id").asText()).as("the entity first").isEqualTo("o'brien\\x");
        assertThat(bundle.at("/objects/3/user_id").asText()).as("then the evidence's user").isEqualTo("root");
        assertThat(only(bundle, "sighting").get("sighting_of_ref")).isEqualTo(only(bundle, "attack-pattern").get("id"));

        // Removed (the default without a key), nothing is left to observe: no observed-data, still a valid sighting.
        ObjectNode removed = mapper.toBundle(alert);
        assertValid(removed);
        assertThat(types(removed)).containsExactly("marking-definition", "identity", "attack-pattern", "sighting");
        assertThat(only(removed, "sighting").has("observed_data_refs")).isFalse();
    }

    @Test
    void externalDomainsUrlsAndFileHashesBecomeTheIndicator() {
        SecurityEvent download = SecurityEvent.builder().id("dl-1").timestamp(T0)
                .put("source.ip", "10.20.0.7")
                .put("destination.ip", ATTACKER)
                .put("destination.domain", "Evil.Example.NET")
                .put("url.original", "http://evil.example.net/drop/payload.exe")
                .put("file.hash.sha256", SHA256)
                .put("file.hash.md5", "not-a-hash")
                .build();
        Alert alert = bruteForce("source.ip", "10.20.0.7", List.of(download));
        ObjectNode bundle = mapper.toBundle(alert);
        assertValid(bundle);
        assertThat(only(bundle, "indicator").get("pattern").asText()).isEqualTo(
                "[ipv4-addr:value = '203.0.113.7'] OR [domain-name:value = 'evil.example.net'] OR "
                        + "[url:value = 'http://evil.example.net/drop/payload.exe'] OR [file:hashes.'SHA-256' = '" + SHA256 + "']");
        assertThat(only(bundle, "file").at("/hashes/SHA-256").asText()).isEqualTo(SHA256);
        assertThat(bundle.toString()).as("the internal source is removed without a key").doesNotContain("10.20.0.7");
    }

    @Test
    void aPublicAddressOfAnInventoryAssetIsInternal() {
        SecurityEvent probe = SecurityEvent.builder().id("p-1").timestamp(T0)
                .put("source.ip", ATTACKER)
                .put("destination.ip", "198.51.100.80")
                .put("vigil.destination.asset.name", "web-portal")
                .build();
        ObjectNode bundle = mapper.toBundle(bruteForce("source.ip", ATTACKER, List.of(probe)));
        assertValid(bundle);
        assertThat(only(bundle, "indicator").get("pattern").asText()).isEqualTo("[ipv4-addr:value = '203.0.113.7']");
        assertThat(bundle.toString()).doesNotContain("198.51.100.80");
    }

    @Test
    void alertWithoutTacticsOrTechniquesOrDescriptionIsStillValid() {
        Alert alert = bruteForce("source.ip", ATTACKER, events(ATTACKER)).toBuilder()
                .tacticIds(List.of("TA9999")).techniqueIds(List.of()).ruleDescription("").build();
        ObjectNode bundle = mapper.toBundle(alert);
        assertValid(bundle);
        JsonNode indicator = only(bundle, "indicator");
        assertThat(indicator.has("kill_chain_phases")).isFalse();
        assertThat(indicator.has("external_references")).isFalse();
        assertThat(indicator.has("description")).isFalse();
        // No technique to describe: the rule version's own attack-pattern, so the indicator still indicates something.
        JsonNode rulePattern = only(bundle, "attack-pattern");
        assertThat(rulePattern.get("name").asText()).isEqualTo("SSH brute force");
        assertThat(rulePattern.get("id").asText()).isEqualTo("attack-pattern--"
                + NameBasedUuid.v5(StixBundleMapper.VIGIL_NAMESPACE, "attack-pattern/rule/cred.ssh-bruteforce/v2"));
        assertThat(only(bundle, "relationship").get("target_ref")).isEqualTo(rulePattern.get("id"));
    }

    @Test
    void theAttackPatternOfATechniqueIsOneObjectWhicheverRuleOrAlertSendsIt() {
        Alert ssh = bruteForce("source.ip", ATTACKER, events(ATTACKER, ATTACKER));
        Alert rdp = bruteForce("source.ip", "198.51.100.44", events("198.51.100.44")).toBuilder()
                .ruleId("cred.rdp-spray").ruleVersion(7).ruleName("RDP password spray").ruleDescription("Spray.")
                .tacticIds(List.of("TA0001")).techniqueIds(List.of(" t1110.001 ")).build();
        ObjectNode a = mapper.toBundle(ssh);
        ObjectNode b = mapper.toBundle(rdp);
        assertValid(b);
        assertThat(only(b, "attack-pattern")).as("same id and same version, so the same content")
                .isEqualTo(only(a, "attack-pattern"));
        assertThat(only(a, "attack-pattern").get("created").asText()).isEqualTo("2024-01-01T00:00:00.000Z");
        assertThat(only(a, "attack-pattern").get("modified").asText()).isEqualTo("2024-01-01T00:00:00.000Z");
        assertThat(only(b, "indicator").get("name").asText()).isEqualTo("RDP password spray");
        assertThat(only(b, "indicator").at("/kill_chain_phases/0/phase_name").asText()).isEqualTo("initial-access");
        assertThat(only(b, "relationship").get("id")).as("the relationship is the alert's")
                .isNotEqualTo(only(a, "relationship").get("id"));
    }

    @Test
    void eachTechniqueOfTheRuleIsAnAttackPatternTheIndicatorIndicates() {
        Alert alert = bruteForce("source.ip", ATTACKER, events(ATTACKER)).toBuilder()
                .techniqueIds(List.of("T1110.001", "T1078", "T1110.001")).build();
        ObjectNode bundle = mapper.toBundle(alert);
        assertValid(bundle);
        assertThat(types(bundle)).containsExactly("marking-definition", "identity", "ipv4-addr", "attack-pattern",
                "attack-pattern", "indicator", "relationship", "relationship", "observed-data", "sighting");
        List<String> patterns = idsOf(bundle, "attack-pattern");
        assertThat(patterns).containsExactly(StixBundleMapper.attackPatternId("T1110.001"),
                StixBundleMapper.attackPatternId("T1078"));
        String indicator = only(bundle, "indicator").get("id").asText();
        List<JsonNode> relationships = objectsOf(bundle, "relationship");
        assertThat(relationships).allSatisfy(r -> assertThat(r.get("source_ref").asText()).isEqualTo(indicator));
        assertThat(relationships).extracting(r -> r.get("target_ref").asText()).containsExactlyElementsOf(patterns);
        assertThat(relationships.get(0).get("id")).isNotEqualTo(relationships.get(1).get("id"));

        // Without an indicator the sighting is of the rule's first technique.
        Alert internalOnly = bruteForce("user.name", "svc", events((String) null)).toBuilder()
                .techniqueIds(List.of("T1110.001", "T1078")).build();
        ObjectNode sightingOnly = mapper.toBundle(internalOnly);
        assertValid(sightingOnly);
        assertThat(only(sightingOnly, "sighting").get("sighting_of_ref").asText()).isEqualTo(patterns.get(0));
    }

    @Test
    void countsIncludeEvidenceBeyondTheKeptEvents() {
        List<SecurityEvent> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(event("e" + i, T0.plusSeconds(i), ATTACKER));
        }
        Alert alert = base("source.ip", ATTACKER).triggeringEvents(five, 2).timestampMillis(T0.plusSeconds(4).toEpochMilli()).build();
        ObjectNode bundle = mapper.toBundle(alert);
        assertValid(bundle);
        assertThat(only(bundle, "observed-data").get("number_observed").asInt()).isEqualTo(5);
        assertThat(only(bundle, "sighting").get("count").asInt()).isEqualTo(1);
        assertThat(only(bundle, "sighting").get("last_seen").asText()).isEqualTo("2025-03-14T02:10:04.123Z");
    }

    @Test
    void timestampsAreMillisecondUtcAndDerivedFromEventTime() {
        ObjectNode bundle = mapper.toBundle(bruteForce("source.ip", ATTACKER, events(ATTACKER, ATTACKER)));
        for (String type : List.of("indicator", "relationship", "observed-data", "sighting")) {
            JsonNode o = only(bundle, type);
            assertThat(o.get("created").asText()).as(type).isEqualTo("2025-03-14T02:10:00.123Z");
            assertThat(o.get("modified").asText()).as(type).isEqualTo("2025-03-14T02:10:20.000Z");
        }
        assertThat(only(bundle, "identity").get("created").asText()).isEqualTo("2024-01-01T00:00:00.000Z");
        assertThat(only(bundle, "attack-pattern").get("modified").asText()).isEqualTo("2024-01-01T00:00:00.000Z");
    }

    @Test
    void sameAlertGivesTheSameBundle() {
        Alert alert = bruteForce("source.ip", ATTACKER, events(ATTACKER, ATTACKER));
        Alert rebuilt = bruteForce("source.ip", ATTACKER, events(ATTACKER, ATTACKER));
        String json = mapper.toJson(alert);
        assertThat(StixBundleMapper.builder().identityName("Test Province SOC").build().toJson(rebuilt)).isEqualTo(json);
        assertThat(mapper.toJson(alert)).isEqualTo(json);
    }

    @Test
    void differentAlertsGetDifferentObjectIdsButShareTheSocTheObservableAndTheTechnique() {
        Alert a = bruteForce("source.ip", ATTACKER, events(ATTACKER, ATTACKER));
        Alert b = bruteForce("source.ip", ATTACKER, events(ATTACKER)); // other triggering events, other alert id
        assertThat(a.id()).isNotEqualTo(b.id());
        ObjectNode bundleA = mapper.toBundle(a);
        ObjectNode bundleB = mapper.toBundle(b);
        assertThat(bundleA.get("id")).isNotEqualTo(bundleB.get("id"));
        for (String type : List.of("indicator", "relationship", "observed-data", "sighting")) {
            assertThat(only(bundleA, type).get("id")).as(type).isNotEqualTo(only(bundleB, type).get("id"));
        }
        for (String type : List.of("identity", "marking-definition", "ipv4-addr", "attack-pattern")) {
            assertThat(only(bundleA, type).get("id")).as(type).isEqualTo(only(bundleB, type).get("id"));
        }
        Set<String> ids = new HashSet<>();
        bundleA.get("objects").forEach(o -> ids.add(o.get("id").asText()));
        assertThat(ids).hasSize(bundleA.get("objects").size());
    }

    @Test
    void sdoIdsAreVersion5UuidsOfTheAlertIdAndType() {
        Alert alert = bruteForce("source.ip", ATTACKER, events(ATTACKER));
        String expected = "indicator--" + NameBasedUuid.v5(StixBundleMapper.VIGIL_NAMESPACE, alert.id() + "/indicator");
        assertThat(only(mapper.toBundle(alert), "indicator").get("id").asText()).isEqualTo(expected);
        assertThat(expected).matches("indicator--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void uuidV5MatchesTheRfcAlgorithm() {
        // Reference values from Python's uuid.uuid5, an independent implementation of RFC 4122.
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        assertThat(NameBasedUuid.v5(dns, "python.org")).hasToString("886313e1-3b8a-5372-9b90-0c9aee199e5d");
        assertThat(StixObservable.ipAddress("198.51.100.3").orElseThrow().id())
                .isEqualTo("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "host.example", "256.1.1.1", "1.2.3", "10.0.0.1/33", "fe80::1%eth0", "::g"})
    void nonAddressesAreNotIpObservables(String text) {
        assertThat(StixObservable.ipAddress(text)).isEmpty();
    }

    @Test
    void matchesTheGoldenBundle() throws IOException {
        Alert alert = bruteForce("source.ip", ATTACKER, events(ATTACKER, ATTACKER, ATTACKER));
        assertGolden(mapper.toBundle(alert), "golden-bundle-source-ip.json");
    }

    // --- validator sanity: it must accept the published examples and reject the pre-2.1 drafts ---

    @ParameterizedTest
    @ValueSource(strings = {"indicator-for-c2-ip-address.json", "infrastructure.json",
            "malicious-email-indicator-with-attachment.json", "indicators-for-C2-with-COA.json"})
    void validatorAcceptsPublishedExamples(String file) throws IOException {
        JsonNode bundle = JSON.readTree(stixData().resolve("examples").resolve(file).toFile());
        assertThat(validator.schemaErrors(bundle)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sighting-of-an-indicator.json", "sighting-of-observed-data.json",
            "using-marking-definitions.json", "using-granular-markings.json"})
    void validatorRejectsRemovedDraftExamples(String file) throws IOException {
        JsonNode bundle = JSON.readTree(stixData().resolve("examples-removed-2018").resolve(file).toFile());
        assertThat(validator.problems(bundle)).isNotEmpty();
    }

    @Test
    void validatorCatchesWhatSchemasCannot() {
        ObjectNode bundle = mapper.toBundle(bruteForce("source.ip", ATTACKER, events(ATTACKER)));
        ObjectNode sighting = (ObjectNode) only(bundle, "sighting");
        sighting.put("modified", "2000-01-01T00:00:00.000Z");
        sighting.put("sighting_of_ref", only(bundle, "ipv4-addr").get("id").asText());
        sighting.putArray("where_sighted_refs").add("identity--00000000-0000-5000-8000-000000000000");
        assertThat(validator.schemaErrors(bundle)).isEmpty();
        assertThat(validator.consistencyErrors(bundle)).hasSize(3)
                .anyMatch(p -> p.contains("modified"))
                .anyMatch(p -> p.contains("sighting_of_ref") && p.contains("points to a ipv4-addr"))
                .anyMatch(p -> p.contains("where_sighted_refs") && p.contains("not in the bundle"));
    }

    @Test
    void validatorRejectsAMalformedIndicator() {
        ObjectNode bundle = mapper.toBundle(bruteForce("source.ip", ATTACKER, events(ATTACKER)));
        ((ObjectNode) only(bundle, "indicator")).remove("pattern_type");
        ((ObjectNode) only(bundle, "ipv4-addr")).put("value", "not-an-ip");
        assertThat(validator.schemaErrors(bundle)).anyMatch(p -> p.startsWith("indicator"))
                .anyMatch(p -> p.startsWith("ipv4-addr"));
    }

    // --- fixtures ---

    static void assertValid(JsonNode bundle) {
        assertThat(validator.problems(bundle)).as(bundle.toPrettyString()).isEmpty();
    }

    private static Path stixData() {
        return StixTestData.stixData();
    }

    /**
     * The bundle is valid and equals the golden file; a mismatch writes the actual bundle to
     * {@code target/golden-actual/} to review and copy.
     */
    static void assertGolden(JsonNode bundle, String file) throws IOException {
        assertValid(bundle);
        JsonNode golden = null;
        try (InputStream in = StixBundleMapperTest.class.getResourceAsStream("/stix/" + file)) {
            if (in != null) {
                golden = JSON.readTree(in);
            }
        }
        if (!bundle.equals(golden)) {
            Path actual = Path.of("target/golden-actual").resolve(file);
            java.nio.file.Files.createDirectories(actual.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(actual.toFile(), bundle);
        }
        assertThat(golden).as("golden file " + file).isNotNull();
        assertThat(bundle).as(file).isEqualTo(golden);
    }

    static List<String> types(JsonNode bundle) {
        return StreamSupport.stream(bundle.get("objects").spliterator(), false).map(o -> o.get("type").asText()).toList();
    }

    static List<JsonNode> objectsOf(JsonNode bundle, String type) {
        return StreamSupport.stream(bundle.get("objects").spliterator(), false)
                .filter(o -> o.get("type").asText().equals(type)).toList();
    }

    static List<String> idsOf(JsonNode bundle, String type) {
        return objectsOf(bundle, type).stream().map(o -> o.get("id").asText()).toList();
    }

    static JsonNode only(JsonNode bundle, String type) {
        List<JsonNode> found = StreamSupport.stream(bundle.get("objects").spliterator(), false)
                .filter(o -> o.get("type").asText().equals(type)).toList();
        assertThat(found).as("objects of type " + type).hasSize(1);
        return found.get(0);
    }

    /** Evidence at T0, T1, T2 (then one second apart), each from the given source address (null for none). */
    static List<SecurityEvent> events(String... sourceIps) {
        List<Instant> times = List.of(T0, T1, T2);
        List<SecurityEvent> events = new ArrayList<>();
        for (int i = 0; i < sourceIps.length; i++) {
            Instant at = i < times.size() ? times.get(i) : T2.plusSeconds(i);
            events.add(event("evt-" + i, at, sourceIps[i]));
        }
        return events;
    }

    static SecurityEvent event(String id, Instant at, String sourceIp) {
        return SecurityEvent.builder().id(id).timestamp(at)
                .put("event.category", List.of("authentication"))
                .put("event.outcome", "failure")
                .put("source.ip", sourceIp)
                .put("user.name", "root")
                .build();
    }

    static Alert bruteForce(String field, String value, List<SecurityEvent> evidence) {
        return base(field, value).triggeringEvents(evidence, 10).timestampMillis(T1.toEpochMilli()).build();
    }

    static Alert.Builder base(String field, String value) {
        return Alert.builder()
                .ruleId("cred.ssh-bruteforce")
                .ruleVersion(2)
                .ruleName("SSH brute force")
                .ruleDescription("Many failed SSH logins from one source.")
                .severity(Severity.HIGH)
                .tacticIds(List.of("TA0006"))
                .techniqueIds(List.of("T1110.001"))
                .partition(field, value)
                .status(Alert.Status.VERIFIED)
                .detail("failures", 3L);
    }
}
