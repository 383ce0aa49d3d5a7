package org.vigil.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vigil.event.EventSchema;
import org.vigil.event.SecurityEvent;

class EnricherTest {
    private static final Instant T = Instant.parse("2026-11-24T09:00:00Z");
    private static final Instant EXPIRY = Instant.parse("2026-12-01T00:00:00Z");

    private static final Asset PORTAL = new Asset("10.20.0.0/16", "Public-service portal", "Văn phòng UBND",
            SystemType.PUBLIC_SERVICE_PORTAL, 3, Criticality.HIGH);
    private static final Asset WORKSTATIONS = new Asset("10.50.0.0/16", "Workstations", "Sở Tài chính",
            SystemType.OTHER, 1, Criticality.LOW);
    private static final Asset DC = new Asset("dc01.province.gov.vn", "Domain controller", "Sở TT&TT",
            SystemType.OTHER, 4, Criticality.CRITICAL);

    private final Enricher enricher = new Enricher();

    private static ReferenceData data() {
        return ReferenceData.ofRecords(List.of(PORTAL, WORKSTATIONS, DC,
                new Vulnerability("10.20.0.0/16", "CVE-2023-4966", 9.4, true, false),
                new Vulnerability("10.20.0.5", "CVE-2024-21413", 9.8, true, false),
                new Vulnerability("10.20.0.5", "CVE-2021-44228", 10.0, true, true),
                new Vulnerability("10.20.0.5", "CVE-2020-0001", 5.0, false, false),
                new Vulnerability("dc01.province.gov.vn", "CVE-2020-1472", 10.0, true, false),
                new Ioc(IocType.IP, "203.0.113.0/24", "VNCERT", 60, null),
                new Ioc(IocType.DOMAIN, "evil.example", "commercial-feed", 85, EXPIRY),
                new Ioc(IocType.HASH, "d41d8cd98f00b204e9800998ecf8427e", "VNCERT", 95, null),
                new BotnetEntry("10.50.3.7", "Mirai", Instant.parse("2026-10-01T00:00:00Z"),
                        Instant.parse("2026-11-20T00:00:00Z"), "2026-11"),
                new BotnetListVersion("2026-11", 1)));
    }

    private static SecurityEvent.Builder event(Instant at) {
        return SecurityEvent.builder().timestamp(at).id("e1").put("event.kind", "alert");
    }

    @Test
    void anAttackOnThePortalCarriesTheTargetAssetItsOpenExploitedCvesAndTheSourceIoc() {
        SecurityEvent e = enricher.enrich(event(T).put("source.ip", "203.0.113.50")
                .put("destination.ip", "10.20.0.5").put("destination.port", 443).build(), data());

        assertThat(e.fields()).contains(
                entry("vigil.destination.asset.entry", "10.20.0.0/16"),
                entry("vigil.destination.asset.name", "Public-service portal"),
                entry("vigil.destination.asset.agency", "Văn phòng UBND"),
                entry("vigil.destination.asset.type", "public-service-portal"),
                entry("vigil.destination.asset.security_level", 3L),
                entry("vigil.destination.asset.criticality", "high"),
                entry("vigil.asset.role", "destination"),
                entry("vigil.asset.name", "Public-service portal"),
                entry("vigil.asset.security_level", 3L),
                entry("vigil.asset.vulnerability.id", List.of("CVE-2023-4966", "CVE-2024-21413")),
                entry("vigil.asset.vulnerability.max_cvss", 9.8),
                entry("threat.indicator.type", "ipv4-addr"),
                entry("threat.indicator.name", "203.0.113.0/24"),
                entry("threat.indicator.provider", "VNCERT"),
                entry("threat.indicator.confidence", "Medium"),
                entry("threat.enrichments.matched.field", "source.ip"),
                entry("threat.enrichments.matched.atomic", "203.0.113.50"),
                entry("vigil.intel.confidence", 60L),
                entry("vigil.intel.matched_fields", List.of("source.ip")));
        assertThat(e.fields()).doesNotContainKeys("vigil.source.asset.name", "vigil.botnet.family");
        assertThat(e.getString("destination.port")).isEqualTo("443");
    }

    @Test
    void anInternalHostOnTheBotnetListIsTheMatchAndTheStrongestIocIsReported() {
        SecurityEvent e = enricher.enrich(event(T).put("source.ip", "10.50.3.7").put("destination.ip", "198.51.100.1")
                .put("dns.question.name", "C2.Evil.Example").put("file.hash.md5", "D41D8CD98F00B204E9800998ECF8427E")
                .build(), data());

        assertThat(e.fields()).contains(
                entry("vigil.asset.role", "source"),
                entry("vigil.asset.name", "Workstations"),
                entry("vigil.botnet.ip", "10.50.3.7"),
                entry("vigil.botnet.family", "Mirai"),
                entry("vigil.botnet.list_version", "2026-11"),
                entry("vigil.botnet.matched_field", "source.ip"),
                entry("threat.indicator.type", "file"),
                entry("threat.indicator.confidence", "High"),
                entry("threat.enrichments.matched.field", "file.hash.md5"),
                entry("vigil.intel.confidence", 95L),
                entry("vigil.intel.matched_fields", List.of("dns.question.name", "file.hash.md5", "source.ip")));
        assertThat(e.fields()).doesNotContainKey("vigil.asset.vulnerability.id");
    }

    @Test
    void aWindowsEventIsAboutItsHostFoundByName() {
        SecurityEvent e = enricher.enrich(event(T).put("host.name", "DC01.province.gov.vn")
                .put("source.ip", "10.50.9.9").put("winlog.event_id", 4625).build(), data());
        assertThat(e.fields()).contains(
                entry("vigil.host.asset.name", "Domain controller"),
                entry("vigil.source.asset.name", "Workstations"),
                entry("vigil.asset.role", "host"),
                entry("vigil.asset.entry", "dc01.province.gov.vn"),
                entry("vigil.asset.criticality", "critical"),
                entry("vigil.asset.vulnerability.id", List.of("CVE-2020-1472")));
    }

    @Test
    void anExpiredIndicatorDoesNotMatchAnEventAfterItsExpiryEvenInAReplay() {
        SecurityEvent before = event(EXPIRY.minusSeconds(1)).put("url.domain", "www.evil.example").build();
        SecurityEvent after = event(EXPIRY).put("url.domain", "www.evil.example").build();
        assertThat(enricher.enrich(before, data()).fields()).contains(entry("threat.indicator.name", "evil.example"),
                entry("threat.enrichments.matched.field", "url.domain"));
        assertThat(enricher.enrich(after, data())).isSameAs(after);
    }

    @Test
    void contextASourceSentIsRemovedNotTrusted() {
        SecurityEvent forged = event(T).put("source.ip", "192.0.2.1").put("vigil.asset.security_level", 5)
                .put("vigil.botnet.family", "none").put("threat.indicator.confidence", "High")
                .put("vigil.custom", "kept").build();
        SecurityEvent e = enricher.enrich(forged, data());
        assertThat(e.fields()).doesNotContainKeys("vigil.asset.security_level", "vigil.botnet.family",
                "threat.indicator.confidence");
        assertThat(e.fields()).contains(entry("vigil.custom", "kept"), entry("source.ip", "192.0.2.1"));
    }

    @Test
    void anEventWithNothingToAddIsReturnedAsItIs() {
        SecurityEvent plain = event(T).put("source.ip", "192.0.2.1").put("destination.ip", "192.0.2.2").build();
        assertThat(enricher.enrich(plain, data())).isSameAs(plain);
        assertThat(enricher.enrich(plain, new ReferenceData())).isSameAs(plain);
    }

    @Test
    void everyEnrichmentFieldIsInTheEventSchemaWithItsType() {
        for (Map.Entry<String, org.vigil.event.FieldType> f : Enricher.FIELDS.entrySet()) {
            assertThat(EventSchema.typeOf(f.getKey())).as(f.getKey()).isEqualTo(f.getValue());
        }
    }

    @Test
    void anEnrichedEventTravelsThroughFlinksEventSerializerUnchanged() throws Exception {
        SecurityEvent e = enricher.enrich(event(T).put("source.ip", "10.50.3.7").put("destination.ip", "10.20.0.5")
                .put("dns.question.name", "c2.evil.example").build(), data());
        org.apache.flink.core.memory.DataOutputSerializer out = new org.apache.flink.core.memory.DataOutputSerializer(256);
        org.vigil.event.SecurityEventSerializer.INSTANCE.serialize(e, out);
        SecurityEvent back = org.vigil.event.SecurityEventSerializer.INSTANCE.deserialize(
                new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isEqualTo(e);
        assertThat(back.get("vigil.asset.vulnerability.max_cvss")).isEqualTo(9.8);
    }

    @Test
    void enricherAndReferenceDataAreSerialisable() throws Exception {
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(enricher);
            out.writeObject(data());
        }
    }
}
