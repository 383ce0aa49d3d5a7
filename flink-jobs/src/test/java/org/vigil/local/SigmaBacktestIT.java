package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.rules.RulePaths;
import org.vigil.sigma.SigmaTestRules;

/**
 * Sigma correlation rules converted by {@code vigil sigma convert} and run by {@code vigil backtest} (the correlator
 * job on a MiniCluster) over Windows events as an evtx converter writes them, concatenated pretty-printed JSON: the
 * specification's failed-logons-then-success example and an ordered reconnaissance sequence alert where they should
 * and nowhere else.
 */
class SigmaBacktestIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    @TempDir
    Path dir;

    /** One Windows event as a pretty-printed evtx-converter document. */
    private static String evtx(String channel, int id, Instant at, String computer, String eventData) {
        return """
                {
                  "Event": {
                    "System": {
                      "EventID": %d,
                      "TimeCreated_attributes": {"SystemTime": "%s"},
                      "Channel": "%s",
                      "Computer": "%s"
                    },
                    "EventData": {%s}
                  }
                }
                """.formatted(id, at, channel, computer, eventData);
    }

    private static String logon(int id, Instant at, String user) {
        return evtx("Security", id, at, "DC01.gov.example", "\"TargetUserName\": \"" + user
                + "\", \"LogonType\": \"3\", \"IpAddress\": \"192.0.2.10\"");
    }

    private static String command(Instant at, String computer, String commandLine) {
        return evtx("Microsoft-Windows-Sysmon/Operational", 1, at, computer, "\"Image\": \"C:\\\\Windows\\\\System32\\\\cmd.exe\","
                + " \"CommandLine\": \"" + commandLine + "\", \"User\": \"CORP\\\\eve\"");
    }

    @Test
    void convertedCorrelationsAlertInTheBacktestWhereTheSpecificationSays() throws Exception {
        Path sigma = dir.resolve("sigma");
        Files.createDirectories(sigma);
        Files.copy(RulePaths.sharedData().resolve("sigma/spec-example_failed_logins_followed_by_success.yml"),
                sigma.resolve("spec-example.yml"));
        Files.writeString(sigma.resolve("recon.yml"), SigmaTestRules.RECON_RULES
                + Files.readString(RulePaths.sharedData().resolve("sigma/tests/schema/correlation/temporal_ordered.yml")));
        Path rules = dir.resolve("rules");
        ByteArrayOutputStream convertOut = new ByteArrayOutputStream();
        int converted = new SigmaCommand(new PrintStream(convertOut, true, StandardCharsets.UTF_8), System.err)
                .run(List.of("convert", sigma.toString(), "--out", rules.toString(), "--attack", "TA0006,T1110"));
        assertThat(converted).as(convertOut.toString()).isZero();

        StringBuilder events = new StringBuilder();
        for (String user : List.of("alice", "bob", "carol")) {
            int failures = user.equals("carol") ? 9 : 10;
            for (int i = 0; i < failures; i++) {
                events.append(logon(4625, T0.plusSeconds(30L * i), user));
            }
        }
        events.append(logon(4624, T0.plusSeconds(360), "alice"));   // ten failures, then a success: alert
        events.append(logon(4624, T0.plusSeconds(360), "carol"));   // nine failures, then a success: no alert
        // bob: ten failures and no success
        Instant recon = T0.plusSeconds(3600);
        events.append(command(recon, "WS01", "whoami /all"));
        events.append(command(recon.plusSeconds(60), "WS01", "net user /domain"));
        events.append(command(recon.plusSeconds(120), "WS01", "ipconfig /all"));   // in order on WS01: alert
        events.append(command(recon, "WS02", "ipconfig /all"));
        events.append(command(recon.plusSeconds(60), "WS02", "net user /domain"));
        events.append(command(recon.plusSeconds(120), "WS02", "whoami /all"));     // reversed on WS02: no alert
        Path input = dir.resolve("evtx-export.json");
        Files.writeString(input, events.toString());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Backtest.run(List.of("--rules", rules.toString(), "--input", input.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).as(err.toString()).isZero();
        assertThat(err.toString()).contains("dead letters: none");
        List<String> alerts = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                JsonNode doc = JSON.readTree(line);
                alerts.add(doc.path("rule").path("id").asText() + " " + doc.path("vigil").path("entity").path("value").asText(
                        doc.path("user").path("name").asText(doc.path("host").path("name").asText())));
            }
        }
        assertThat(alerts).hasSize(2);
        assertThat(alerts).anySatisfy(a -> assertThat(a).startsWith("sigma-b180ead8-d58f-40b2-ae54-c8940995b9b6").contains("alice"));
        assertThat(alerts).anySatisfy(a -> assertThat(a).startsWith("sigma-recon-ordered").contains("ws01"));
    }
}
