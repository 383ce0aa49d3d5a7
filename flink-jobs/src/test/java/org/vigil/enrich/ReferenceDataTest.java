package org.vigil.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReferenceDataTest {
    private static final Instant NOV_1 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant NOV_20 = Instant.parse("2026-11-20T00:00:00Z");
    private static final long BEFORE_EXPIRY = Instant.parse("2026-11-30T23:59:59Z").toEpochMilli();
    private static final long AT_EXPIRY = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    private static final Asset PROVINCE = new Asset("10.0.0.0/8", "Province network", "Sở TT&TT", SystemType.OTHER, 2,
            Criticality.MEDIUM);
    private static final Asset PORTAL = new Asset("10.20.0.0/16", "Public-service portal", "Văn phòng UBND",
            SystemType.PUBLIC_SERVICE_PORTAL, 3, Criticality.HIGH);
    private static final Asset MAIL = new Asset("mail.province.gov.vn", "Mail", "Sở TT&TT", SystemType.MAIL, 4,
            Criticality.CRITICAL);

    private static BotnetEntry bot(String ip, String version) {
        return new BotnetEntry(ip, "Mirai", NOV_1, NOV_20, version);
    }

    @Test
    void topicRecordsRoundTripThroughTheCodec() {
        List<ReferenceRecord> records = List.of(PORTAL, MAIL, bot("198.51.100.7", "2026-11"),
                new BotnetListVersion("2026-11", 1),
                new Ioc(IocType.URL, "http://evil.example/a?b=1", "feed", 70, Instant.parse("2026-12-01T00:00:00Z")),
                new Ioc(IocType.IP, "2001:db8:0:0:0:0:0:0/32", "feed", 10, null),
                new Vulnerability("2001:db8:0:0:0:0:0:1", "CVE-2024-21413", 9.8, true, false));
        for (ReferenceRecord r : records) {
            assertThat(ReferenceRecordCodec.decode(r.key(), ReferenceRecordCodec.encode(r))).isEqualTo(r);
        }
        assertThat(new String(ReferenceRecordCodec.encode(PORTAL), StandardCharsets.UTF_8)).isEqualTo(
                "{\"asset\":\"10.20.0.0/16\",\"system_name\":\"Public-service portal\",\"agency\":\"Văn phòng UBND\","
                        + "\"system_type\":\"public-service-portal\",\"security_level\":\"3\",\"criticality\":\"high\"}");
    }

    @Test
    void aBadTopicRecordIsRefusedWithTheReasonAndChangesNothing() {
        ReferenceData data = new ReferenceData();
        data.put(PORTAL);
        assertThatThrownBy(() -> data.apply("asset:10.20.0.0/16", "{\"asset\":\"10.20.0.0/16\"}".getBytes()))
                .hasMessageContaining("reference record asset:10.20.0.0/16: system_name: required");
        assertThatThrownBy(() -> data.apply("asset:10.30.0.0/16", ReferenceRecordCodec.encode(PORTAL)))
                .hasMessageContaining("its fields give the key asset:10.20.0.0/16");
        assertThatThrownBy(() -> data.apply("thing:1", "{}".getBytes())).hasMessageContaining("no known kind prefix");
        assertThatThrownBy(() -> data.apply("asset:x", "[1]".getBytes())).hasMessageContaining("not a JSON object");
        assertThat(data.assetForIp("10.20.1.1")).isEqualTo(PORTAL);
        assertThat(data.size()).isEqualTo(1);
    }

    @Test
    void assetsMatchByLongestPrefixOrExactHostNameAndTombstonesRemoveThem() {
        ReferenceData data = ReferenceData.ofRecords(List.of(PROVINCE, PORTAL, MAIL));
        assertThat(data.assetForIp("10.20.3.4")).isEqualTo(PORTAL);
        assertThat(data.assetForIp("10.21.3.4")).isEqualTo(PROVINCE);
        assertThat(data.assetForIp("::ffff:10.20.3.4")).isEqualTo(PORTAL);
        assertThat(data.assetForIp("192.168.1.1")).isNull();
        assertThat(data.assetForIp("not-an-ip")).isNull();
        assertThat(data.assetForHost("MAIL.province.gov.vn.")).isEqualTo(MAIL);
        assertThat(data.assetForHost("mail")).isNull();
        assertThat(data.assetForHost("x.mail.province.gov.vn")).isNull();

        ReferenceChange change = data.apply("asset:10.20.0.0/16", null);
        assertThat(change.previous()).isEqualTo(PORTAL);
        assertThat(data.assetForIp("10.20.3.4")).isEqualTo(PROVINCE);
        data.apply("asset:mail.province.gov.vn", null);
        assertThat(data.assetForHost("mail.province.gov.vn")).isNull();
    }

    @Test
    void expiredIocsStopMatchingByEventTime() {
        Ioc domain = new Ioc(IocType.DOMAIN, "evil.example", "feed", 80, Instant.ofEpochMilli(AT_EXPIRY));
        Ioc hash = new Ioc(IocType.HASH, "d41d8cd98f00b204e9800998ecf8427e", "feed", 50, Instant.ofEpochMilli(AT_EXPIRY));
        Ioc url = new Ioc(IocType.URL, "http://evil.example/payload", "feed", 50, Instant.ofEpochMilli(AT_EXPIRY));
        Ioc net = new Ioc(IocType.IP, "203.0.113.0/24", "feed", 40, null);
        Ioc host = new Ioc(IocType.IP, "203.0.113.9", "feed", 90, Instant.ofEpochMilli(AT_EXPIRY));
        ReferenceData data = ReferenceData.ofRecords(List.of(domain, hash, url, net, host));

        assertThat(data.iocForDomain("WWW.Evil.Example", BEFORE_EXPIRY)).isEqualTo(domain);
        assertThat(data.iocForDomain("evil.example", AT_EXPIRY)).isNull();
        assertThat(data.iocForDomain("notevil.example", BEFORE_EXPIRY)).isNull();
        assertThat(data.iocForHash("D41D8CD98F00B204E9800998ECF8427E", BEFORE_EXPIRY)).isEqualTo(hash);
        assertThat(data.iocForHash("d41d8cd98f00b204e9800998ecf8427e", AT_EXPIRY)).isNull();
        assertThat(data.iocForUrl("http://evil.example/payload", BEFORE_EXPIRY)).isEqualTo(url);
        assertThat(data.iocForUrl("http://evil.example/payload?x", BEFORE_EXPIRY)).isNull();
        // The /32 is the longest match until it expires; then the /24 that never expires still matches.
        assertThat(data.iocForIp("203.0.113.9", BEFORE_EXPIRY)).isEqualTo(host);
        assertThat(data.iocForIp("203.0.113.9", AT_EXPIRY)).isEqualTo(net);
    }

    @Test
    void aMoreSpecificDomainIndicatorWinsOverItsParent() {
        Ioc parent = new Ioc(IocType.DOMAIN, "evil.example", "feed", 40, null);
        Ioc child = new Ioc(IocType.DOMAIN, "cdn.evil.example", "other", 90, null);
        ReferenceData data = ReferenceData.ofRecords(List.of(parent, child));
        assertThat(data.iocForDomain("a.cdn.evil.example", 0)).isEqualTo(child);
        assertThat(data.iocForDomain("www.evil.example", 0)).isEqualTo(parent);
    }

    @Test
    void vulnerabilitiesOfEveryContainingPrefixApply() {
        Vulnerability subnet = new Vulnerability("10.20.0.0/16", "CVE-2023-4966", 9.4, true, false);
        Vulnerability one = new Vulnerability("10.20.0.5", "CVE-2024-21413", 9.8, true, false);
        Vulnerability named = new Vulnerability("mail.province.gov.vn", "CVE-2024-21410", 9.8, true, true);
        ReferenceData data = ReferenceData.ofRecords(List.of(subnet, one, named));
        assertThat(data.vulnerabilitiesForIp("10.20.0.5")).containsExactly(subnet, one);
        assertThat(data.vulnerabilitiesForIp("10.20.0.6")).containsExactly(subnet);
        assertThat(data.vulnerabilitiesForHost("Mail.Province.gov.vn")).containsExactly(named);
        data.remove(subnet.key());
        assertThat(data.vulnerabilitiesForIp("10.20.0.5")).containsExactly(one);
        data.remove(one.key());
        assertThat(data.vulnerabilitiesForIp("10.20.0.5")).isEmpty();
    }

    @Test
    void aBotnetVersionBecomesCurrentOnlyWhenAnnouncedAndComplete() {
        ReferenceData data = new ReferenceData();
        data.put(bot("198.51.100.7", "2026-11"));
        assertThat(data.botnetEntry("198.51.100.7")).as("not announced yet").isNull();
        ReferenceChange announced = data.put(new BotnetListVersion("2026-11", 1));
        assertThat(announced.botnetListSwitched()).isTrue();
        assertThat(data.activeBotnetVersion()).isEqualTo("2026-11");
        assertThat(data.botnetEntry("198.51.100.7").family()).isEqualTo("Mirai");

        // December is announced with two entries but only one has arrived: November stays current.
        data.put(new BotnetListVersion("2026-12", 2));
        ReferenceChange first = data.put(bot("203.0.113.5", "2026-12"));
        assertThat(first.botnetListSwitched()).isFalse();
        assertThat(data.activeBotnetVersion()).isEqualTo("2026-11");
        assertThat(data.botnetEntry("203.0.113.5")).isNull();
        ReferenceChange second = data.put(bot("203.0.113.6", "2026-12"));
        assertThat(second.botnetListSwitched()).isTrue();
        assertThat(second.botnetVersionAfter()).isEqualTo("2026-12");
        assertThat(data.botnetEntry("198.51.100.7")).as("not on December's list").isNull();
        assertThat(data.botnetEntry("203.0.113.5").listVersion()).isEqualTo("2026-12");
        assertThat(data.activeBotnetEntries()).extracting(BotnetEntry::ip)
                .containsExactlyInAnyOrder("203.0.113.5", "203.0.113.6");

        // The loader then tombstones November's records; December stays.
        data.remove(bot("198.51.100.7", "2026-11").key());
        data.remove("botnet-list:2026-11");
        assertThat(data.activeBotnetVersion()).isEqualTo("2026-12");
    }

    @Test
    void theResultDoesNotDependOnTheOrderRecordsArriveIn() {
        List<ReferenceRecord> records = new ArrayList<>(List.of(PROVINCE, PORTAL, MAIL,
                bot("198.51.100.7", "2026-11"), new BotnetListVersion("2026-11", 1),
                bot("203.0.113.5", "2026-12"), bot("203.0.113.6", "2026-12"), new BotnetListVersion("2026-12", 3),
                new Ioc(IocType.IP, "203.0.113.0/24", "feed", 40, null)));
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(records, random);
            List<Map.Entry<String, byte[]>> topic = records.stream()
                    .map(r -> (Map.Entry<String, byte[]>) new SimpleEntry<>(r.key(), ReferenceRecordCodec.encode(r)))
                    .toList();
            ReferenceData data = ReferenceData.of(topic);
            // December announces three entries and has two: November is current whatever the order.
            assertThat(data.activeBotnetVersion()).isEqualTo("2026-11");
            assertThat(data.assetForIp("10.20.0.1")).isEqualTo(PORTAL);
            assertThat(data.iocForIp("203.0.113.5", 0).confidence()).isEqualTo(40);
        }
    }
}
