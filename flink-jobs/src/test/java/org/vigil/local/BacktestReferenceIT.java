package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backtest --reference DIR} on a MiniCluster: the job enriches the recorded events with the files' reference
 * data, so a rule on the asset's security level alerts only on the classified system, the alert documents carry the
 * target asset, and an internal host on the botnet list alerts once.
 */
public class BacktestReferenceIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String CLASSIFIED_RULE = """
            /**
             * @id              test-ids-alert-on-classified-system
             * @version         1
             * @name            IDS alert against a classified system
             * @description     An intrusion-detection alert against an asset of security level 3 or more.
             * @severity        high
             * @tactic          TA0001
             * @technique       T1190
             * @partition       destination.ip
             * @horizon         PT1M
             * @verification    none
             * @false_positives None known.
             */
            module test.classified;

            @Name('alert')
            context PerEntity
            select attack, vigil.asset.name as target
            from SecurityEvent(event.kind = 'alert' and vigil.asset.security_level >= 3) as attack;
            """;

    public static final String ASSETS = """
            asset,system_name,agency,system_type,security_level,criticality
            10.20.0.0/16,Cổng dịch vụ công,Văn phòng UBND tỉnh,public-service-portal,3,high
            10.30.0.0/16,Trang tin thử nghiệm,Sở TT&TT,other,1,low
            10.50.0.0/16,Mạng nội bộ,Sở TT&TT,other,2,medium
            """;

    static final String BOTNET = """
            ip,family,first_seen,last_seen,list_version
            10.50.3.7,Emotet,2026-11-01,2026-11-19,2026-11
            198.51.100.7,Mirai,2026-10-02,2026-11-20,2026-11
            """;

    @TempDir
    Path dir;

    @Test
    void enrichedEventsAlertOnTheClassifiedSystemOnlyAndTheBotnetHostOnce() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules/initial-access"));
        Files.writeString(rules.resolve("classified.epl"), CLASSIFIED_RULE);
        Path reference = Files.createDirectories(dir.resolve("reference"));
        Files.writeString(reference.resolve("assets.csv"), ASSETS);
        Files.writeString(reference.resolve("botnet-2026-11.csv"), BOTNET);
        Files.writeString(reference.resolve("README.md"), "not reference data\n");
        Path events = Files.writeString(dir.resolve("events.jsonl"), String.join("\n",
                ids("2026-11-24T09:00:00Z", "i1", "10.20.0.5"),
                ids("2026-11-24T09:00:10Z", "i2", "10.30.0.5"),
                conn("2026-11-24T09:01:00Z", "c1", "10.50.3.7"),
                conn("2026-11-24T09:05:00Z", "c2", "10.50.3.7"),
                conn("2026-11-24T09:06:00Z", "c3", "10.50.3.8")) + "\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Backtest.run(List.of("--input", events.toString(), "--rules", dir.resolve("rules").toString(),
                "--reference", reference.toString()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("assets.csv (assets, 3 records)");

        List<JsonNode> alerts = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                alerts.add(JSON.readTree(line));
            }
        }
        List<JsonNode> classified = alerts.stream()
                .filter(a -> a.path("rule").path("id").asText().equals("test-ids-alert-on-classified-system")).toList();
        assertThat(classified).hasSize(1);
        JsonNode asset = classified.get(0).path("vigil").path("asset");
        assertThat(classified.get(0).path("destination").path("ip").asText()).isEqualTo("10.20.0.5");
        assertThat(asset.path("name").asText()).isEqualTo("Cổng dịch vụ công");
        assertThat(asset.path("security_level").asInt()).isEqualTo(3);
        assertThat(asset.path("role").asText()).isEqualTo("destination");

        List<JsonNode> botnet = alerts.stream().filter(a -> a.path("rule").path("id").asText().equals("vigil-botnet-host")).toList();
        assertThat(botnet).hasSize(1);
        assertThat(botnet.get(0).path("host").path("ip").asText()).isEqualTo("10.50.3.7");
        assertThat(botnet.get(0).path("vigil").path("status").asText()).isEqualTo("verified");
        assertThat(botnet.get(0).path("vigil").path("botnet").path("family").asText()).isEqualTo("Emotet");
        assertThat(botnet.get(0).path("vigil").path("asset").path("name").asText()).isEqualTo("Mạng nội bộ");
        assertThat(alerts).hasSize(2);
    }

    @Test
    void aBadReferenceFileIsRefusedWithFileAndLine() throws Exception {
        Path reference = Files.createDirectories(dir.resolve("reference"));
        Files.writeString(reference.resolve("assets.csv"), ASSETS.replace(",3,high", ",7,high"));
        Path events = Files.writeString(dir.resolve("events.jsonl"), ids("2026-11-24T09:00:00Z", "i1", "10.20.0.5") + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Backtest.run(List.of("--input", events.toString(), "--rules", org.vigil.rules.RulePaths.rulesDir().toString(),
                "--reference", reference.toString()), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("assets.csv:2: security_level");
    }

    static String ids(String time, String id, String target) {
        return "{\"@timestamp\":\"" + time + "\",\"event\":{\"id\":\"" + id + "\",\"kind\":\"alert\",\"category\":[\"intrusion_detection\"]},"
                + "\"source\":{\"ip\":\"203.0.113.50\"},\"destination\":{\"ip\":\"" + target + "\"}}";
    }

    static String conn(String time, String id, String internal) {
        return "{\"@timestamp\":\"" + time + "\",\"event\":{\"id\":\"" + id + "\",\"kind\":\"event\",\"category\":[\"network\"]},"
                + "\"source\":{\"ip\":\"" + internal + "\"},\"destination\":{\"ip\":\"198.51.100.99\",\"port\":443}}";
    }
}
