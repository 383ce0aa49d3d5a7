package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.enrich.Asset;
import org.vigil.enrich.BotnetEntry;
import org.vigil.enrich.Criticality;
import org.vigil.enrich.Ioc;
import org.vigil.enrich.IocType;
import org.vigil.enrich.ReferenceData;
import org.vigil.enrich.ReferenceRecord;
import org.vigil.enrich.ReferenceRecordCodec;
import org.vigil.enrich.SystemType;
import org.vigil.enrich.Vulnerability;
import org.vigil.job.ReferencePreload;
import org.vigil.job.VigilConfig;
import org.vigil.job.VigilOptions;

/** {@code vigil intel load} against a real broker: what lands on the compacted topics, tombstones included. */
class IntelLoadIT {
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        kafka.createCompactedTopics("vigil.intel.assets", "vigil.intel.botnet", "vigil.intel.iocs", "vigil.intel.vulns");
        kafka.createTopics("plain.topic");
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The output and exit status of one command. */
    private record Run(int status, String out, String err) {}

    private Run intel(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--bootstrap-servers");
        a.add(kafka.bootstrapServers());
        int status = new IntelCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(a);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** Every record on the topic in offset order, as key and value (null for a tombstone). */
    private static List<Map.Entry<String, byte[]>> readTopic(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(new SimpleEntry<>(new String(r.key(), StandardCharsets.UTF_8), r.value()));
                }
            }
        }
        return records;
    }

    /** The topic as a compacted topic ends up: the latest value per key, tombstoned keys gone. */
    private static Map<String, byte[]> latest(String topic) {
        Map<String, byte[]> latest = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> r : readTopic(topic)) {
            if (r.getValue() == null) {
                latest.remove(r.getKey());
            } else {
                latest.put(r.getKey(), r.getValue());
            }
        }
        return latest;
    }

    @Test
    void assetsArePublishedByKeyAndReplaceTombstonesWhatTheFileDropped() throws Exception {
        Path first = file("assets.csv", """
                asset,system_name,agency,system_type,security_level,criticality
                10.20.0.0/16,Public-service portal,Văn phòng UBND,public-service-portal,3,high
                mail.province.gov.vn,Mail,Sở TT&TT,mail,4,critical
                """);
        Run run = intel("load", "--kind", "assets", first.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("2 assets records, all valid", "published 2 records and 0 tombstones to vigil.intel.assets");

        List<Map.Entry<String, byte[]>> records = readTopic("vigil.intel.assets");
        assertThat(records).extracting(Map.Entry::getKey).containsExactly("asset:10.20.0.0/16", "asset:mail.province.gov.vn");
        assertThat(ReferenceRecordCodec.decode("asset:10.20.0.0/16", records.get(0).getValue())).isEqualTo(
                new Asset("10.20.0.0/16", "Public-service portal", "Văn phòng UBND", SystemType.PUBLIC_SERVICE_PORTAL, 3,
                        Criticality.HIGH));

        Path second = file("assets2.json", """
                [{"asset": "10.20.0.0/16", "system_name": "Public-service portal", "agency": "Văn phòng UBND",
                  "system_type": "public-service-portal", "security_level": 4, "criticality": "critical"}]
                """);
        run = intel("load", "--kind", "assets", "--replace", second.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("published 1 records and 1 tombstones");

        records = readTopic("vigil.intel.assets");
        assertThat(records).hasSize(4);
        assertThat(records.get(3).getKey()).isEqualTo("asset:mail.province.gov.vn");
        assertThat(records.get(3).getValue()).as("tombstone").isNull();
        ReferenceData data = ReferenceData.of(latest("vigil.intel.assets").entrySet());
        assertThat(data.assetForIp("10.20.1.1").securityLevel()).isEqualTo(4);
        assertThat(data.assetForHost("mail.province.gov.vn")).isNull();
    }

    @Test
    void aNewBotnetListVersionReplacesTheOldOneOnTheTopic() throws Exception {
        Path november = file("botnet-2026-11.csv", """
                ip,family,first_seen,last_seen,list_version
                198.51.100.7,Mirai,2026-10-02,2026-11-20,2026-11
                198.51.100.8,Emotet,2026-10-05,2026-11-21,2026-11
                """);
        Run run = intel("load", "--kind", "botnet", november.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("published 3 records and 0 tombstones", "botnet list version 2026-11");
        assertThat(ReferenceData.of(latest("vigil.intel.botnet").entrySet()).activeBotnetVersion()).isEqualTo("2026-11");

        Path december = file("botnet-2026-12.jsonl", """
                {"ip": "198.51.100.8", "family": "Emotet", "first_seen": "2026-10-05", "last_seen": "2026-12-20", "list_version": "2026-12"}
                {"ip": "10.50.3.7", "family": "Mirai", "first_seen": "2026-12-01", "last_seen": "2026-12-19", "list_version": "2026-12"}
                """);
        run = intel("load", "--kind", "botnet", december.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("published 3 records and 3 tombstones");

        List<Map.Entry<String, byte[]>> records = readTopic("vigil.intel.botnet");
        assertThat(records.subList(3, 9)).extracting(Map.Entry::getKey).containsExactly(
                "botnet:2026-12:198.51.100.8", "botnet:2026-12:10.50.3.7", "botnet-list:2026-12",
                "botnet-list:2026-11", "botnet:2026-11:198.51.100.7", "botnet:2026-11:198.51.100.8");
        assertThat(records.subList(6, 9)).allSatisfy(r -> assertThat(r.getValue()).isNull());

        Map<String, byte[]> compacted = latest("vigil.intel.botnet");
        assertThat(compacted.keySet()).containsExactlyInAnyOrder(
                "botnet:2026-12:198.51.100.8", "botnet:2026-12:10.50.3.7", "botnet-list:2026-12");
        ReferenceData data = ReferenceData.of(compacted.entrySet());
        assertThat(data.activeBotnetVersion()).isEqualTo("2026-12");
        assertThat(data.botnetEntry("198.51.100.7")).isNull();
        assertThat(data.botnetEntry("10.50.3.7")).isEqualTo(new BotnetEntry("10.50.3.7", "Mirai",
                Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-19T00:00:00Z"), "2026-12"));
    }

    @Test
    void iocsAndVulnerabilitiesFromJson() throws Exception {
        Path iocs = file("iocs.jsonl", """
                {"type": "domain", "value": "evil.example", "source": "VNCERT", "confidence": 80, "expires": "2026-12-31T00:00:00Z"}
                {"type": "hash", "value": "D41D8CD98F00B204E9800998ECF8427E", "source": "feed", "confidence": 50}
                """);
        assertThat(intel("load", "--kind", "iocs", iocs.toString()).status()).isZero();
        assertThat(latest("vigil.intel.iocs").keySet())
                .containsExactly("ioc:domain:evil.example", "ioc:hash:d41d8cd98f00b204e9800998ecf8427e");
        assertThat(ReferenceRecordCodec.decode("ioc:domain:evil.example", latest("vigil.intel.iocs").get("ioc:domain:evil.example")))
                .isEqualTo(new Ioc(IocType.DOMAIN, "evil.example", "VNCERT", 80, Instant.parse("2026-12-31T00:00:00Z")));

        Path vulns = file("vulns.json", """
                [{"asset": "10.20.0.5", "cve": "CVE-2024-21413", "cvss": 9.8, "known_exploited": true, "patched": false}]
                """);
        assertThat(intel("load", "--kind", "vulns", vulns.toString()).status()).isZero();
        Map<String, byte[]> v = latest("vigil.intel.vulns");
        assertThat(v.keySet()).containsExactly("vuln:CVE-2024-21413@10.20.0.5");
        assertThat(ReferenceRecordCodec.decode("vuln:CVE-2024-21413@10.20.0.5", v.get("vuln:CVE-2024-21413@10.20.0.5")))
                .isEqualTo(new Vulnerability("10.20.0.5", "CVE-2024-21413", 9.8, true, false));
    }

    @Test
    void aFileWithAnyBadLinePublishesNothingAndSaysWhere() throws Exception {
        long before = readTopic("vigil.intel.iocs").size();
        Path bad = file("bad-iocs.csv", """
                type,value,source,confidence,expires
                domain,good.example,feed,70,
                domain,bad..example,feed,70,
                ip,203.0.113.0/24,feed,high,
                """);
        Run run = intel("load", "--kind", "iocs", bad.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains(
                bad + ":3: value: 'bad..example' is not a host or domain name",
                bad + ":4: confidence: must be a whole number between 0 and 100, got 'high'",
                "2 problem(s) in " + bad + "; nothing was published");
        assertThat(readTopic("vigil.intel.iocs")).hasSize((int) before);

        Run check = intel("load", "--kind", "iocs", "--check", file("ok.csv", "type,value,source,confidence\nurl,http://x.example/a,feed,10\n").toString());
        assertThat(check.status()).isZero();
        assertThat(check.out()).doesNotContain("published");
        assertThat(readTopic("vigil.intel.iocs")).hasSize((int) before);
    }

    @Test
    void refusesATopicThatIsNotCompactedOrDoesNotExist() throws Exception {
        Path assets = file("a.csv", "asset,system_name,agency,system_type,security_level,criticality\n10.0.0.1,X,Y,other,1,low\n");
        Run plain = intel("load", "--kind", "assets", "--topic", "plain.topic", assets.toString());
        assertThat(plain.status()).isEqualTo(1);
        assertThat(plain.err()).contains("topic plain.topic has cleanup.policy=delete", "cleanup.policy=compact");
        assertThat(readTopic("plain.topic")).isEmpty();

        Run missing = intel("load", "--kind", "assets", "--topic", "no.such.topic", assets.toString());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("topic no.such.topic does not exist");

        Run usage = intel("load", "--kind", "things", assets.toString());
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.err()).contains("unknown reference-data kind 'things'");
    }

    @Test
    void aFreshJobPreloadsTheLiveValidRecordsOfTheFourTopics() throws Exception {
        kafka.createCompactedTopics("preload.assets", "preload.botnet", "preload.iocs", "preload.vulns");
        VigilConfig config = VigilConfig.defaults()
                .with(VigilOptions.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .with(VigilOptions.INTEL_TOPIC_ASSETS, "preload.assets")
                .with(VigilOptions.INTEL_TOPIC_BOTNET, "preload.botnet")
                .with(VigilOptions.INTEL_TOPIC_IOCS, "preload.iocs")
                .with(VigilOptions.INTEL_TOPIC_VULNS, "preload.vulns");
        String header = "asset,system_name,agency,system_type,security_level,criticality\n";
        Run run = intel("load", "--kind", "assets", "--topic", "preload.assets", file("p1.csv", header
                + "10.20.0.0/16,Portal,UBND,public-service-portal,3,high\nmail.province.gov.vn,Mail,Sở TT&TT,mail,4,critical\n").toString());
        assertThat(run.status()).as(run.err()).isZero();
        // The mail system is dropped again (a tombstone), and a record the publisher would refuse is written past it.
        run = intel("load", "--kind", "assets", "--topic", "preload.assets", "--replace", file("p2.csv", header
                + "10.20.0.0/16,Portal,UBND,public-service-portal,3,high\n").toString());
        assertThat(run.status()).as(run.err()).isZero();
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p,
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("preload.assets", "asset:10.99.0.0/16",
                    "{\"asset\":\"10.99.0.0/16\",\"security_level\":\"9\"}")).get();
        }
        run = intel("load", "--kind", "botnet", "--topic", "preload.botnet", file("b.csv",
                "ip,family,first_seen,last_seen,list_version\n10.50.3.7,Emotet,2026-11-01,2026-11-19,2026-11\n").toString());
        assertThat(run.status()).as(run.err()).isZero();

        List<ReferenceRecord> preloaded = ReferencePreload.read(config);
        assertThat(preloaded).extracting(ReferenceRecord::key).containsExactlyInAnyOrder(
                "asset:10.20.0.0/16", "botnet:2026-11:10.50.3.7", "botnet-list:2026-11");
        ReferenceData data = ReferenceData.ofRecords(preloaded);
        assertThat(data.assetForIp("10.20.1.1").systemName()).isEqualTo("Portal");
        assertThat(data.activeBotnetVersion()).isEqualTo("2026-11");
    }
}
