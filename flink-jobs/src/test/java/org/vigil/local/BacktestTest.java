package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.rules.RulePaths;

/** The backtest command's refusals, which happen before any job starts. */
class BacktestTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void helpDescribesTheCommandAndHowFilesAreMerged() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--input FILE...").contains("--format F")
                .contains("event time").contains("RocksDB");
    }

    @Test
    void aMissingInputFileIsAUsageErrorNamingIt() {
        assertThat(run("--input", dir.resolve("nope.jsonl").toString(), "--rules", RulePaths.rulesDir().toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("input file").contains("nope.jsonl does not exist")
                .contains("vigil backtest --help");
    }

    @Test
    void noInputAndUnknownFormatsAreUsageErrors() throws Exception {
        Path events = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        assertThat(run("--rules", RulePaths.rulesDir().toString())).isEqualTo(2);
        assertThat(run("--input", events.toString(), "--format", "xml")).isEqualTo(2);
        assertThat(run("--input", events.toString(), events.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--input FILE").contains("not an event format: 'xml'")
                .contains("given twice");
    }

    @Test
    void aMissingRulesDirectoryIsAUsageError() throws Exception {
        Path events = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        assertThat(run("--input", events.toString(), "--rules", dir.resolve("no-rules").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("rules directory").contains("no-rules does not exist");
    }

    @Test
    void aBrokenRuleStopsTheRunWithItsFileAndLine() throws Exception {
        Path events = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        Path rules = Files.createDirectories(dir.resolve("rules/discovery"));
        Files.writeString(rules.resolve("bad.epl"), "/**\n * @id bad-rule\n * @severity loud\n */\n");

        assertThat(run("--input", events.toString(), "--rules", dir.resolve("rules").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("discovery/bad.epl:1: missing metadata")
                .contains("rules validate");
    }

    private int run(String... args) {
        return Backtest.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
