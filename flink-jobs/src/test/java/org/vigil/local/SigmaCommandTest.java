package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleLoader;
import org.vigil.rules.RulePackLint;

/** {@code vigil sigma convert}: files written where the rule loader and the lint read them, summary and exit status. */
class SigmaCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return new SigmaCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(List.of(args));
    }

    private Path sigma(String name, String text) throws Exception {
        Path file = dir.resolve("sigma").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void convertsADirectoryIntoRulesTheLoaderAndTheLintAccept() throws Exception {
        sigma("whoami.yml", """
                title: Whoami
                id: 11111111-2222-3333-4444-555555555555
                tags: [attack.discovery, attack.t1033]
                logsource: {product: windows, category: process_creation}
                detection: {selection: {Image|endswith: '\\\\whoami.exe'}, condition: selection}
                """);
        sigma("nested/brute.yml", """
                title: Failed logons
                name: failed
                tags: [attack.credential-access, attack.t1110]
                logsource: {product: windows, service: security}
                detection: {selection: {EventID: 4625}, condition: selection}
                ---
                title: Many failed logons per source
                id: 22222222-2222-3333-4444-555555555555
                correlation: {type: event_count, rules: [failed], group-by: [IpAddress], timespan: 10m, condition: {gte: 5}}
                """);
        sigma("broken.yml", """
                title: Unknown log source
                id: 33333333-2222-3333-4444-555555555555
                tags: [attack.discovery, attack.t1033]
                logsource: {product: windows, category: driver_load}
                detection: {selection: {ImageLoaded|endswith: '.sys'}, condition: selection}
                """);
        Path rules = dir.resolve("rules-sigma");

        int status = run("convert", dir.resolve("sigma").toString(), "--out", rules.toString());

        assertThat(status).as("a refusal makes the exit status 1").isEqualTo(1);
        assertThat(out.toString()).contains("4 Sigma documents").contains("2 Vigil rules written").contains("1 refused")
                .contains("unmapped_logsource");
        assertThat(err.toString()).contains("REFUSED " + dir.resolve("sigma/broken.yml") + ": Unknown log source: unmapped_logsource");
        assertThat(rules.resolve("discovery/sigma-11111111-2222-3333-4444-555555555555.epl")).exists();
        assertThat(rules.resolve("credential-access/sigma-22222222-2222-3333-4444-555555555555.epl")).exists();

        List<RuleException> problems = new ArrayList<>();
        List<RuleDefinition> loaded = RuleLoader.loadAll(rules, problems);
        assertThat(problems).isEmpty();
        assertThat(loaded).extracting(RuleDefinition::id).containsExactlyInAnyOrder(
                "sigma-11111111-2222-3333-4444-555555555555", "sigma-22222222-2222-3333-4444-555555555555");
        assertThat(RulePackLint.lint(rules, loaded)).as("only the fixtures a converted rule lacks")
                .allSatisfy(f -> assertThat(f.getMessage()).contains("no fixtures")).hasSize(2);
    }

    @Test
    void usageErrorsExitWithTwoAndHelpWithZero() throws Exception {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("usage: vigil sigma convert");
        assertThat(run("convert", "x.yml")).isEqualTo(2);
        assertThat(err.toString()).contains("--out DIR");
        assertThat(run("convert", dir.resolve("missing.yml").toString(), "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file or directory");
        assertThat(run("convert", dir.toString(), "--out", dir.toString(), "--attack", "execution")).isEqualTo(2);
        assertThat(err.toString()).contains("--attack takes ATT&CK ids");
    }
}
