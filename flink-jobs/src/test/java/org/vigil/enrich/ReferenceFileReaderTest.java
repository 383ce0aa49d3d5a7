package org.vigil.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.vigil.enrich.ReferenceFileReader.Format;

class ReferenceFileReaderTest {

    private static LoadResult csv(ReferenceKind kind, String text) {
        return ReferenceFileReader.read("in.csv", text, kind, Format.CSV);
    }

    private static LoadResult json(ReferenceKind kind, String text) {
        return ReferenceFileReader.read("in.json", text, kind, Format.JSON);
    }

    @Test
    void readsAnAssetCsvWithQuotedValues() {
        LoadResult r = csv(ReferenceKind.ASSETS, """
                asset,system_name,agency,system_type,security_level,criticality
                10.20.0.0/16,"Cổng dịch vụ công, tỉnh",Sở TT&TT,public-service-portal,3,high
                MAIL.Province.gov.vn.,Mail,Văn phòng UBND,mail,4,critical
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.records()).containsExactly(
                new Asset("10.20.0.0/16", "Cổng dịch vụ công, tỉnh", "Sở TT&TT", SystemType.PUBLIC_SERVICE_PORTAL, 3,
                        Criticality.HIGH),
                new Asset("mail.province.gov.vn", "Mail", "Văn phòng UBND", SystemType.MAIL, 4, Criticality.CRITICAL));
        assertThat(r.records().get(0).key()).isEqualTo("asset:10.20.0.0/16");
    }

    @Test
    void reportsEveryBadFieldWithFileLineAndReasonAndKeepsNoPartialRecord() {
        LoadResult r = csv(ReferenceKind.ASSETS, """
                asset,system_name,agency,system_type,security_level,criticality

                10.20.0.1/16,Portal,Agency,portal,6,high
                10.30.0.0/16,,Agency,other,2,extreme
                10.40.0.0/16,Ok,Agency,other,2
                10.50.0.0/16,Ok,Agency,other,2,low
                """);
        assertThat(r.errors()).extracting(LoadError::toString).containsExactly(
                "in.csv:3: asset: '10.20.0.1/16': host bits set beyond /16 (the network is 10.20.0.0/16)",
                "in.csv:3: system_type: must be one of e-portal, mail, public-service-portal, document-management, other, got 'portal'",
                "in.csv:3: security_level: must be between 1 and 5, got 6",
                "in.csv:4: system_name: required",
                "in.csv:4: criticality: must be one of low, medium, high, critical, got 'extreme'",
                "in.csv:5: has 5 values, the header has 6");
        assertThat(r.records()).hasSize(1);
        assertThat(r.ok()).isFalse();
    }

    @Test
    void refusesAHeaderWithUnknownOrMissingColumns() {
        LoadResult r = csv(ReferenceKind.VULNS, """
                asset,cve,cvss,exploited,patched
                10.0.0.1,CVE-2024-21413,9.8,true,false
                """);
        assertThat(r.errors()).extracting(LoadError::toString).containsExactly(
                "in.csv:1: exploited: unknown column; expected asset,cve,cvss,known_exploited,patched",
                "in.csv:1: known_exploited: column missing from the header");
        assertThat(r.records()).isEmpty();
    }

    @Test
    void refusesDuplicateKeysWithinAFile() {
        LoadResult r = csv(ReferenceKind.VULNS, """
                asset,cve,cvss,known_exploited,patched
                10.0.0.1,CVE-2024-21413,9.8,true,false
                10.0.0.1,cve-2024-21413,9.8,true,true
                """);
        assertThat(r.errors()).extracting(LoadError::toString).containsExactly(
                "in.csv:3: same key as line 2 (vuln:CVE-2024-21413@10.0.0.1)");
    }

    @Test
    void readsIocsFromAJsonArrayWithNumbersAndOptionalExpiry() {
        LoadResult r = json(ReferenceKind.IOCS, """
                [
                  {"type": "domain", "value": "Evil.Example", "source": "VNCERT", "confidence": 80,
                   "expires": "2026-12-31"},
                  {"type": "hash", "value": "D41D8CD98F00B204E9800998ECF8427E", "source": "feed", "confidence": 50},
                  {"type": "ip", "value": "203.0.113.0/24", "source": "feed", "confidence": "30", "expires": null}
                ]
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.records()).containsExactly(
                new Ioc(IocType.DOMAIN, "evil.example", "VNCERT", 80, Instant.parse("2026-12-31T00:00:00Z")),
                new Ioc(IocType.HASH, "d41d8cd98f00b204e9800998ecf8427e", "feed", 50, null),
                new Ioc(IocType.IP, "203.0.113.0/24", "feed", 30, null));
    }

    @Test
    void jsonArrayErrorsNameTheLineTheRecordStartsOn() {
        LoadResult r = json(ReferenceKind.IOCS, """
                [
                  {"type": "url", "value": "evil.example/x", "source": "feed", "confidence": 101},
                  {"type": "hash", "value": "abc", "source": "feed", "confidence": 5, "tags": ["x"]},
                  "not an object"
                ]
                """);
        assertThat(r.errors()).extracting(LoadError::toString).containsExactly(
                "in.json:2: value: must be an absolute URL such as http://host/path, got 'evil.example/x'",
                "in.json:2: confidence: must be between 0 and 100, got 101",
                "in.json:3: tags: must be text, a number or true/false, not an array",
                "in.json:4: must be a JSON object, got string");
    }

    @Test
    void readsJsonLinesAndReportsABrokenLineWithoutLosingTheOthers() {
        LoadResult r = json(ReferenceKind.BOTNET, """
                {"ip": "198.51.100.7", "family": "Mirai", "first_seen": "2026-10-02", "last_seen": "2026-11-20T10:00:00Z", "list_version": "2026-11"}
                {"ip": "198.51.100.8", "family": "Mirai", "first_seen": "2026-10-02"

                {"ip": "198.51.100.9", "family": "Emotet", "first_seen": "2026-11-02", "last_seen": "2026-11-01", "list_version": "2026-11"}
                {"ip": "198.51.100.0/24", "family": "Emotet", "first_seen": "2026-11-01", "last_seen": "2026-11-01", "list_version": "2026-12"}
                {"ip": "198.51.100.10", "family": "Emotet", "first_seen": "2026-11-01", "last_seen": "2026-11-01", "list_version": "2026-13"}
                """);
        assertThat(r.errors()).extracting(LoadError::toString).satisfiesExactly(
                e -> assertThat(e).startsWith("in.json:2: not valid JSON: "),
                e -> assertThat(e).isEqualTo("in.json:4: last_seen: is before first_seen (2026-11-01T00:00:00Z < 2026-11-02T00:00:00Z)"),
                e -> assertThat(e).isEqualTo("in.json:5: ip: must be a single address, got the prefix '198.51.100.0/24'"),
                e -> assertThat(e).isEqualTo("in.json:6: list_version: must be the list's month as YYYY-MM, e.g. 2026-11, got '2026-13'"));
        assertThat(r.records()).hasSize(1);
    }

    @Test
    void aBotnetFileHoldsOneListVersion() {
        LoadResult r = csv(ReferenceKind.BOTNET, """
                ip,family,first_seen,last_seen,list_version
                198.51.100.7,Mirai,2026-10-02,2026-11-20,2026-11
                198.51.100.8,Mirai,2026-10-02,2026-11-20,2026-12
                """);
        assertThat(r.errors()).extracting(LoadError::toString).containsExactly(
                "in.csv:3: list_version: a file holds one list version: 2026-11 (line 2), got 2026-12");
    }

    @Test
    void anEmptyFileIsAnError() {
        assertThat(csv(ReferenceKind.ASSETS, "").errors()).extracting(LoadError::toString)
                .containsExactly("in.csv:1: no header line; expected asset,system_name,agency,system_type,security_level,criticality");
        assertThat(csv(ReferenceKind.ASSETS, "asset,system_name,agency,system_type,security_level,criticality\n").errors())
                .extracting(LoadError::toString).containsExactly("in.csv:1: no records in the file");
        assertThat(json(ReferenceKind.ASSETS, "[]").errors()).extracting(LoadError::toString)
                .containsExactly("in.json:1: no records in the file");
    }

    @Test
    void unknownJsonFieldsAreErrorsNotIgnored() {
        LoadResult r = json(ReferenceKind.VULNS, """
                {"asset": "portal.gov.vn", "cve": "CVE-2024-21413", "cvss": 9.8, "known_exploited": true, "patched": false, "note": "x"}
                """);
        assertThat(r.errors()).extracting(LoadError::toString).containsExactly(
                "in.json:1: note: unknown field; expected asset, cve, cvss, known_exploited, patched");
    }

    @Test
    void theFormatComesFromTheFileName() {
        assertThat(ReferenceFileReader.formatOf(Path.of("a/assets.CSV"))).isEqualTo(Format.CSV);
        assertThat(ReferenceFileReader.formatOf(Path.of("iocs.jsonl"))).isEqualTo(Format.JSON);
        assertThatThrownBy(() -> ReferenceFileReader.formatOf(Path.of("iocs.txt")))
                .hasMessageContaining("use .csv, .json, .jsonl or .ndjson");
    }
}
