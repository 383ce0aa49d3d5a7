package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.alert.Alert;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFixtureRunner;
import org.vigil.rules.RuleFixtures;
import org.vigil.rules.RuleLoader;
import org.vigil.rules.RulePaths;

/**
 * Runs {@code bin/vigil backtest} in-process on a MiniCluster over recorded files: the rules' fixture events written
 * as ECS JSON lines, a Windows brute force as NXLog JSON and real Suricata alerts (a JSON array), and checks the alerts against what
 * {@link RuleFixtureRunner} raises for the same events, in any line order and split over several files.
 */
class BacktestIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each fixture case gets its own day, so cases of different rules cannot meet in one window. */
    private static final Duration CASE_SPACING = Duration.ofDays(1);
    private static final Path SURICATA = RulePaths.sharedData().resolve("suricata-eve/wrccdc-2017/alerts-only.json");
    private static final String BAD_JSON = "{\"@timestamp\": \"2026-03-02T08:00:00Z\", \"source.ip\": ";
    private static final String WINDOWS_ATTACKER = "198.18.0.9";
    private static final String NOT_AN_EVENT = "{\"hello\": \"world\"}";

    @TempDir
    static Path dir;
    private static List<byte[]> fixtureLines;
    private static List<byte[]> suricataRecords;
    /** The alerts of the fixture lines and the capture as recorded (a pretty-printed JSON array). */
    private static Set<String> expectedWithCapture;
    /** The alerts of the fixture lines and the capture's records as compact JSON lines. */
    private static Set<String> expected;

    @BeforeAll
    static void recordFilesAndExpectedAlerts() throws Exception {
        List<RuleDefinition> rules = RuleLoader.load(RulePaths.rulesDir());
        fixtureLines = new ArrayList<>();
        int caseIndex = 0;
        for (RuleDefinition rule : rules) {
            Path fixtureFile = RuleLoader.fixtureFileOf(RulePaths.rulesDir().resolve(rule.sourceFile()));
            for (RuleFixtures.Case c : RuleFixtures.read(fixtureFile).cases()) {
                Duration shift = CASE_SPACING.multipliedBy(caseIndex++);
                for (SecurityEvent e : c.events()) {
                    fixtureLines.add(ecsJsonLine(e, shift));
                }
            }
        }
        // A password-guessing attack that worked, as NXLog ships Windows Security events.
        for (int i = 0; i < 7; i++) {
            fixtureLines.add(("{\"EventTime\":\"2026-04-01 10:00:0" + i + "\",\"Hostname\":\"DC01\",\"Channel\":\"security\","
                    + "\"EventID\":" + (i < 6 ? 4625 : 4624) + ",\"TargetUserName\":\"administrator\",\"LogonType\":\"3\","
                    + "\"IpAddress\":\"::ffff:" + WINDOWS_ATTACKER + "\",\"IpPort\":\"5123" + i + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        List<byte[]> prettyPrinted = new ArrayList<>();
        try (RecordFileReader reader = RecordFileReader.open(SURICATA, EventParser.DEFAULT_MAX_RECORD_BYTES)) {
            reader.forEachRemaining(r -> prettyPrinted.add(r.value()));
        }
        // The capture's records span several lines each; as JSON lines they are written compactly (new content ids).
        suricataRecords = new ArrayList<>();
        for (byte[] record : prettyPrinted) {
            suricataRecords.add(JSON.writeValueAsBytes(JSON.readTree(record)));
        }
        expectedWithCapture = expectedAlerts(rules, concat(fixtureLines, prettyPrinted));
        expected = expectedAlerts(rules, concat(fixtureLines, suricataRecords));
        // Every rule's must-alert fixture alerts, and the real capture holds IDS bursts.
        for (RuleDefinition rule : rules) {
            assertThat(expected).as(rule.id()).anyMatch(a -> a.contains(" " + rule.id() + " "));
        }
        assertThat(expected).anyMatch(a -> a.contains("vigil-ids-alert-burst source.ip=10."))
                .anyMatch(a -> a.endsWith("vigil-brute-force-then-success source.ip=" + WINDOWS_ATTACKER));
        assertThat(expectedWithCapture).hasSameSizeAs(expected);
    }

    /** What the rules raise over the records on a bare Esper runtime, parsed as the backtest parses them. */
    private static Set<String> expectedAlerts(List<RuleDefinition> rules, List<byte[]> records) throws Exception {
        EventParser parser = EventParser.builder().maxFutureSkew(Backtest.HOLD_UNTIL_END_OF_INPUT).build();
        List<SecurityEvent> events = new ArrayList<>();
        for (byte[] record : records) {
            ParseResult result = parser.parse(record, "expected", 0, 0);
            if (result.isHeaderLine()) {
                continue;
            }
            assertThat(result.isEvent()).as(result.toString()).isTrue();
            events.add(result.event());
        }
        Set<String> alerts = new TreeSet<>();
        for (RuleDefinition rule : rules) {
            for (Alert a : RuleFixtureRunner.alertsFor(rule, events)) {
                alerts.add(a.id() + " " + a.ruleId() + " " + a.partitionField() + "=" + a.partitionValue());
            }
        }
        return alerts;
    }

    @Test
    void raisesTheAlertsOfTheFixtureRunnerAndReportsBadLinesWithFileAndLine() throws Exception {
        List<byte[]> lines = new ArrayList<>(fixtureLines);
        lines.add(2, BAD_JSON.getBytes(StandardCharsets.UTF_8));
        lines.add(5, NOT_AN_EVENT.getBytes(StandardCharsets.UTF_8));
        Path fixtures = writeLines("fixtures.jsonl", lines);

        Run run = backtest(fixtures, SURICATA);

        assertThat(run.status).as(run.err).isZero();
        assertThat(run.alerts()).isEqualTo(expectedWithCapture);
        assertThat(run.err)
                .contains(fixtures + ":3: invalid_json: ")
                .contains(fixtures + ":6: unknown_format: ")
                .contains("       1  invalid_json").contains("       1  unknown_format")
                .contains("2 dead letters, 0 header lines; " + expected.size() + " alerts");
        for (String rule : List.of("vigil-brute-force-then-success", "vigil-ids-alert-burst", "vigil-network-service-scan")) {
            long n = expectedWithCapture.stream().filter(a -> a.contains(" " + rule + " ")).count();
            assertThat(run.err).contains(String.format("  %8d  %s%n", n, rule));
        }
        // Each line is the alert index's document.
        JsonNode first = JSON.readTree(run.out.lines().findFirst().orElseThrow());
        assertThat(first.path("event").path("kind").asText()).isEqualTo("alert");
        assertThat(first.path("vigil").path("alert_id").asText()).isEqualTo(first.path("event").path("id").asText());
    }

    @Test
    void shuffledLinesGiveTheSameAlerts() throws Exception {
        Path shuffled = writeLines("shuffled.jsonl", shuffledRecords());

        Run run = backtest(shuffled);

        assertThat(run.status).as(run.err).isZero();
        assertThat(run.alerts()).isEqualTo(expected);
        assertThat(run.err).contains("dead letters: none");
    }

    @Test
    void recordsSplitOverAGzipFileAndAJsonArrayGiveTheSameAlerts() throws Exception {
        List<byte[]> records = shuffledRecords();
        int half = records.size() / 2;
        Path gzip = dir.resolve("part-1.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            for (byte[] r : records.subList(0, half)) {
                out.write(r);
                out.write('\n');
            }
        }
        Path array = dir.resolve("part-2.json");
        try (OutputStream out = Files.newOutputStream(array)) {
            out.write("[\n".getBytes(StandardCharsets.UTF_8));
            List<byte[]> rest = records.subList(half, records.size());
            for (int i = 0; i < rest.size(); i++) {
                out.write(rest.get(i));
                out.write((i + 1 < rest.size() ? ",\n" : "\n]\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        Run run = backtest(array, gzip);

        assertThat(run.status).as(run.err).isZero();
        assertThat(run.alerts()).isEqualTo(expected);
        assertThat(run.err).contains("dead letters: none");
    }

    @Test
    void rawLogLinesOfApacheIisAndZeekAlertAsTheFixtureRunnerSays() throws Exception {
        List<byte[]> apache = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            apache.add(line("45.77.10.20 - - [02/Mar/2026:14:00:0" + i + " +0000] \"GET /tracuu/hoso?id=1%20UNION%20ALL%20SELECT"
                    + "%20NULL,table_name%20FROM%20information_schema.tables--" + i + " HTTP/1.1\" 200 512 \"-\" \"sqlmap/1.7\""));
        }
        List<byte[]> iis = new ArrayList<>(List.of(line("#Software: Microsoft Internet Information Services 10.0"),
                line("#Version: 1.0"), line("#Date: 2026-03-02 15:00:00"),
                line("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent)"
                        + " cs(Referer) sc-status sc-substatus sc-win32-status time-taken")));
        for (int i = 0; i < 6; i++) {
            iis.add(line("2026-03-02 15:00:0" + i + " 10.20.0.8 GET /download file=../../../../windows/win.ini&n=" + i
                    + " 443 - 198.51.100.66 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 15"));
        }
        List<byte[]> zeek = new ArrayList<>(List.of(line("#separator \\x09"), line("#set_separator\t,"),
                line("#empty_field\t(empty)"), line("#unset_field\t-"), line("#path\tconn"),
                line(String.join("\t", "#fields", "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
                        "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp",
                        "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents")),
                line(String.join("\t", "#types", "time", "string", "addr", "port", "addr", "port", "enum", "string",
                        "interval", "count", "count", "string", "bool", "bool", "count", "string", "count", "count", "count",
                        "count", "set[string]"))));
        for (int i = 0; i < 25; i++) {
            // A scanner rejected on 25 ports of one server within 25 seconds (2026-03-02T08:00:00Z on).
            zeek.add(line(String.join("\t", (1772438400L + i) + ".000000", "CR" + i, "198.51.100.23", String.valueOf(40200 + i),
                    "10.20.0.5", String.valueOf(20 + i), "tcp", "-", "-", "-", "-", "REJ", "F", "T", "0", "Sr", "1", "44", "1",
                    "40", "-")));
        }
        Set<String> want = expectedAlerts(RuleLoader.load(RulePaths.rulesDir()), concat(concat(apache, iis), zeek));
        assertThat(want).anyMatch(a -> a.endsWith("vigil-web-injection-burst-answered source.ip=45.77.10.20"))
                .anyMatch(a -> a.endsWith("vigil-web-injection-burst-answered source.ip=198.51.100.66"))
                .anyMatch(a -> a.endsWith("vigil-network-service-scan source.ip=198.51.100.23"));

        Run run = backtest(writeLines("access.log", apache), writeLines("u_ex260302.log", iis), writeLines("conn.log", zeek));

        assertThat(run.status).as(run.err).isZero();
        assertThat(run.alerts()).isEqualTo(want);
        assertThat(run.err).contains("dead letters: none").contains("0 dead letters, 11 header lines");
    }

    private static byte[] line(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> shuffledRecords() {
        List<byte[]> records = new ArrayList<>(concat(fixtureLines, suricataRecords));
        Collections.shuffle(records, new Random(4));
        return records;
    }

    /** One backtest's exit status and output. */
    private record Run(int status, String out, String err) {
        /** Each printed alert as "id rule field=value". */
        Set<String> alerts() throws IOException {
            Set<String> alerts = new TreeSet<>();
            for (String line : out.lines().toList()) {
                JsonNode doc = JSON.readTree(line);
                JsonNode entity = doc.path("vigil").path("entity");
                assertThat(alerts.add(doc.path("event").path("id").asText() + " " + doc.path("rule").path("id").asText()
                        + " " + entity.path("field").asText() + "=" + entity.path("value").asText())).as("printed once: " + line).isTrue();
            }
            return alerts;
        }
    }

    private static Run backtest(Path... inputs) {
        List<String> args = new ArrayList<>(List.of("--rules", RulePaths.rulesDir().toString(), "--input"));
        for (Path input : inputs) {
            args.add(input.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Backtest.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The event as one line of ECS JSON with dotted keys, moved later by {@code shift}. */
    private static byte[] ecsJsonLine(SecurityEvent e, Duration shift) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("@timestamp", e.timestamp().plus(shift).toString());
        doc.putAll(e.fields());
        return JSON.writeValueAsBytes(doc);
    }

    private static Path writeLines(String name, List<byte[]> lines) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (byte[] line : lines) {
                out.write(line);
                out.write('\n');
            }
        }
        return file;
    }

    private static List<byte[]> concat(List<byte[]> a, List<byte[]> b) {
        List<byte[]> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
