package org.vigil.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The incident-response drill: three attacks (a brute force that succeeds, a port scan, a burst of
 * exploit alerts against the e-portal) mixed into benign logons, flows and low-severity IDS alerts, plus
 * malformed records that must reach the dead-letter topic. Deterministic for a given start time and seed.
 */
public final class DemoScenario {
    public static final String ECS_TOPIC = "soc.events.ecs";
    public static final String SURICATA_TOPIC = "soc.events.suricata";

    /** One record to produce, and the dead-letter reason it must get (null for a good record). */
    public record Record(String topic, byte[] value, String expectedDeadLetterReason) {}

    /** An alert the drill must raise: the rule and the entity it names. */
    public record ExpectedAlert(String ruleId, String entity) {}

    public static final String BRUTE_FORCE_SOURCE = "203.0.113.7";
    public static final String EXPLOIT_SOURCE = "192.0.2.66";
    /** The exploit source scans first, so its scan and exploit alerts corroborate each other (verified). */
    public static final String SCANNER = EXPLOIT_SOURCE;
    public static final String E_PORTAL = "10.10.5.20";

    public static final List<ExpectedAlert> EXPECTED_ALERTS = List.of(
            new ExpectedAlert("vigil-brute-force-then-success", BRUTE_FORCE_SOURCE),
            new ExpectedAlert("vigil-network-service-scan", SCANNER),
            new ExpectedAlert("vigil-ids-alert-burst", EXPLOIT_SOURCE));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SURICATA_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ").withZone(ZoneOffset.UTC);

    private final Instant start;
    private final Random random;
    private final List<Record> records = new ArrayList<>();

    private DemoScenario(Instant start, long seed) {
        this.start = start;
        this.random = new Random(seed);
    }

    /** The drill's records in production order (roughly event time, shuffled within short spans). */
    public static List<Record> records(Instant start, long seed) {
        DemoScenario s = new DemoScenario(start, seed);
        s.background();
        s.bruteForce();
        s.portScan();
        s.exploitBurst();
        s.malformed();
        return s.inProductionOrder();
    }

    /** The well-formed records only. */
    public static long goodRecordCount(List<Record> records) {
        return records.stream().filter(r -> r.expectedDeadLetterReason() == null).count();
    }

    private void background() {
        String[] users = {"an.nguyen", "binh.tran", "chi.le", "dung.pham", "hoa.vo"};
        for (int i = 0; i < 120; i++) {
            Instant t = start.plusSeconds(i * 5L);
            String user = users[i % users.length];
            String client = "10.30.0." + (10 + i % 40);
            // Ordinary staff logons, with the odd mistyped password.
            records.add(ecs(logon(t, client, user, i % 17 == 0 ? "failure" : "success", "mail-01")));
            records.add(suricata(flow(t.plusMillis(300), client, "10.10.5.20", 443)));
            if (i % 10 == 0) {
                records.add(suricata(dns(t.plusMillis(600), client, "portal.example.gov.vn")));
                records.add(suricata(idsAlert(t.plusMillis(700), "192.0.2." + (100 + i % 50), E_PORTAL, 3,
                        "ET INFO Observed DNS Query to .cloud TLD")));
            }
        }
        // A monitoring host polling a few ports all day: repeated, not distinct enough to be a scan.
        for (int i = 0; i < 60; i++) {
            records.add(suricata(flow(start.plusSeconds(i * 9L), "10.30.0.250", "10.10.5." + (20 + i % 3), 443 + i % 2)));
        }
    }

    private void bruteForce() {
        Instant t = start.plus(Duration.ofMinutes(3));
        for (int i = 0; i < 8; i++) {
            records.add(ecs(logon(t.plusSeconds(i * 7L), BRUTE_FORCE_SOURCE, "admin", "failure", "mail-01")));
        }
        records.add(ecs(logon(t.plusSeconds(70), BRUTE_FORCE_SOURCE, "admin", "success", "mail-01")));
    }

    private void portScan() {
        Instant t = start.plus(Duration.ofMinutes(5));
        int[] ports = {21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 389, 443, 445, 993, 995, 1433, 1521,
                3306, 3389, 5432, 5900, 8080, 8443, 9200};
        for (int i = 0; i < ports.length; i++) {
            records.add(suricata(flow(t.plusMillis(i * 400L), SCANNER, "10.10.5.21", ports[i])));
        }
    }

    private void exploitBurst() {
        Instant t = start.plus(Duration.ofMinutes(7));
        String[] signatures = {
            "ET EXPLOIT Apache log4j RCE Attempt (CVE-2021-44228)",
            "ET EXPLOIT Possible Microsoft Exchange RCE Attempt (CVE-2021-26855)",
            "ET WEB_SERVER ColdFusion administrator access",
            "ET EXPLOIT Apache log4j RCE Attempt - lower/upper TCP Bypass (CVE-2021-44228)"};
        for (int i = 0; i < signatures.length; i++) {
            records.add(suricata(idsAlert(t.plusSeconds(i * 20L), EXPLOIT_SOURCE, E_PORTAL, 1, signatures[i])));
        }
    }

    private void malformed() {
        add(SURICATA_TOPIC, "{\"timestamp\": \"2026-03-02T08:00:00.000000+0000\", \"event_type\": \"alert\", ", "invalid_json");
        add(ECS_TOPIC, "{\"message\": \"a log line without any time\", \"host\": {\"name\": \"web-01\"}}", "missing_timestamp");
        add(ECS_TOPIC, "{\"@timestamp\": \"yesterday at noon\", \"source\": {\"ip\": \"10.30.0.5\"}}", "bad_timestamp");
        add(ECS_TOPIC, "{\"@timestamp\": \"2026-03-02T08:01:00Z\", \"source\": {\"ip\": \"10.30.0.5\", \"port\": \"eighty\"}}", "bad_field");
        add(ECS_TOPIC, "[1, 2, 3]", "not_an_object");
        records.add(new Record(ECS_TOPIC, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xA0, (byte) 0xA1}, "invalid_utf8"));
        // A well-formed event padded past the 1 MiB record limit, as a runaway log line would be.
        add(ECS_TOPIC, "{\"@timestamp\": \"2026-03-02T08:02:00Z\", \"message\": \"" + "A".repeat(1_100_000) + "\"}", "too_large");
    }

    private void add(String topic, String text, String reason) {
        records.add(new Record(topic, text.getBytes(StandardCharsets.UTF_8), reason));
    }

    private List<Record> inProductionOrder() {
        // Shuffle, so the job's result cannot depend on the order in which a generator happened to write.
        List<Record> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, random);
        shuffled.sort((a, b) -> Long.compare(bucket(a), bucket(b)));
        return shuffled;
    }

    // Records are produced roughly in time order: shuffled within 2-second buckets, as several sensors would.
    private long bucket(Record r) {
        Instant t = timeOf(r);
        return t == null ? 0 : Duration.between(start, t).toSeconds() / 2;
    }

    private static Instant timeOf(Record r) {
        if (r.expectedDeadLetterReason() != null) {
            return null;
        }
        try {
            var node = JSON.readTree(r.value());
            String text = node.has("@timestamp") ? node.get("@timestamp").asText() : node.get("timestamp").asText();
            return text.endsWith("Z") ? Instant.parse(text) : java.time.OffsetDateTime.parse(text, SURICATA_TIME).toInstant();
        } catch (Exception e) {
            return null;
        }
    }

    private Record ecs(ObjectNode doc) {
        return new Record(ECS_TOPIC, bytes(doc), null);
    }

    private Record suricata(ObjectNode doc) {
        return new Record(SURICATA_TOPIC, bytes(doc), null);
    }

    private static byte[] bytes(ObjectNode doc) {
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode logon(Instant t, String sourceIp, String user, String outcome, String host) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", t.toString());
        ObjectNode event = doc.putObject("event");
        event.putArray("category").add("authentication");
        event.putArray("type").add("start");
        event.put("outcome", outcome);
        event.put("action", "logon");
        event.put("module", "system");
        event.put("dataset", "system.auth");
        doc.putObject("source").put("ip", sourceIp);
        doc.putObject("user").put("name", user);
        doc.putObject("host").put("name", host);
        doc.putObject("ecs").put("version", "8.11.0");
        return doc;
    }

    private ObjectNode eve(Instant t, String type, String src, String dest, int destPort) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("timestamp", SURICATA_TIME.format(t));
        doc.put("flow_id", 1_000_000_000L + random.nextInt(1_000_000_000));
        doc.put("event_type", type);
        doc.put("src_ip", src);
        doc.put("src_port", 40000 + random.nextInt(20000));
        doc.put("dest_ip", dest);
        doc.put("dest_port", destPort);
        doc.put("proto", "TCP");
        doc.put("host", "ids-dmz-01");
        return doc;
    }

    private ObjectNode flow(Instant t, String src, String dest, int port) {
        ObjectNode doc = eve(t, "flow", src, dest, port);
        ObjectNode flow = doc.putObject("flow");
        flow.put("pkts_toserver", 1 + random.nextInt(5));
        flow.put("pkts_toclient", random.nextInt(5));
        flow.put("bytes_toserver", 60 + random.nextInt(500));
        flow.put("bytes_toclient", random.nextInt(2000));
        flow.put("state", "closed");
        return doc;
    }

    private ObjectNode dns(Instant t, String src, String name) {
        ObjectNode doc = eve(t, "dns", src, "10.10.0.53", 53);
        doc.put("proto", "UDP");
        ObjectNode dns = doc.putObject("dns");
        dns.put("type", "query");
        dns.put("rrname", name);
        dns.put("rrtype", "A");
        return doc;
    }

    private ObjectNode idsAlert(Instant t, String src, String dest, int severity, String signature) {
        ObjectNode doc = eve(t, "alert", src, dest, 443);
        ObjectNode alert = doc.putObject("alert");
        alert.put("action", "allowed");
        alert.put("gid", 1);
        alert.put("signature_id", 2_034_647 + signature.length());
        alert.put("rev", 2);
        alert.put("signature", signature);
        alert.put("category", severity == 1 ? "Attempted Administrator Privilege Gain" : "Misc activity");
        alert.put("severity", severity);
        return doc;
    }
}
