package org.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lint over the shipped rule pack, and on a pack with one deliberate mistake per rule. Header syntax,
 * partition fields, horizon bounds and fixture outcomes are covered by {@link RuleFileParserTest} and
 * {@link RuleFixturesTest}.
 */
class RulePackLintTest {
    private static final String FIXTURES = """
            start: 2026-03-02T08:00:00Z
            cases:
              - name: three failures alert
                events:
                  - {at: PT0S, repeat: 3, step: PT10S, user.name: bob, event.outcome: failure}
                expect:
                  - user.name: bob
              - name: two failures do not
                events:
                  - {at: PT0S, repeat: 2, step: PT10S, user.name: bob, event.outcome: failure}
                expect: []
            """;

    @TempDir
    Path dir;

    @Test
    void theShippedRulePackPassesTheLint() {
        assertThat(RulePackLint.check(RulePaths.rulesDir())).extracting(RuleException::getMessage).isEmpty();
    }

    @Test
    void aCorrectRulePasses() throws Exception {
        writeRule("credential-access/good.epl", header("good"), FIXTURES);

        assertThat(RulePackLint.check(dir)).extracting(RuleException::getMessage).isEmpty();
    }

    @Test
    void aRuleWithoutAVerificationPolicyIsReported() throws Exception {
        writeRule("credential-access/r.epl", header("r").replace(" * @verification corroboration PT30M or intel\n", ""), FIXTURES);

        assertThat(RulePackLint.check(dir)).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("credential-access/r.epl");
            assertThat(f.reason()).startsWith("missing metadata @verification");
        });
    }

    @Test
    void anUnknownTacticIsReportedWithItsLine() throws Exception {
        writeRule("credential-access/r.epl", header("r").replace("TA0006", "TA0006, TA0099"), FIXTURES);

        assertThat(RulePackLint.check(dir)).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("credential-access/r.epl");
            assertThat(f.line()).isEqualTo(7);
            assertThat(f.reason()).contains("TA0099").contains("not an ATT&CK Enterprise tactic");
        });
    }

    @Test
    void aTechniqueOutsideTheEnterpriseMatrixIsReported() throws Exception {
        writeRule("credential-access/r.epl", header("r").replace("T1110.001", "T0859"), FIXTURES);

        assertThat(RulePackLint.check(dir)).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(8);
            assertThat(f.reason()).contains("T0859").contains("Enterprise technique");
        });
    }

    @Test
    void aRuleOutsideItsTacticsFolderIsReported() throws Exception {
        writeRule("discovery/r.epl", header("r"), FIXTURES);
        writeRule("top.epl", header("top"), FIXTURES);

        List<RuleException> findings = RulePackLint.check(dir);

        assertThat(findings).extracting(RuleException::file).containsExactly("discovery/r.epl", "top.epl");
        assertThat(findings.get(0).reason()).contains("belongs in rules/credential-access/").contains("not rules/discovery/");
        assertThat(findings.get(1).reason()).contains("not the top of the rules directory");
    }

    @Test
    void aHorizonShorterThanTheWindowIsReportedWithTheWindowsLine() throws Exception {
        writeRule("credential-access/r.epl", header("r").replace("PT10M", "PT5M"), FIXTURES);

        assertThat(RulePackLint.check(dir)).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(10);
            assertThat(f.reason()).contains("PT5M").contains("#time(10 minutes)").contains("at line 17");
        });
    }

    @Test
    void aPatternGuardCountsTowardsTheHorizon() throws Exception {
        String rule = header("r").replace("PT10M", "PT1M").replace("#time(10 minutes)", "#time(30 sec)")
                + "@Name('follow-up') context PerEntity select * from pattern [every a=SecurityEvent -> "
                + "b=SecurityEvent(event.outcome = 'success') where timer:within(1 hour 30 minutes)];\n";
        writeRule("credential-access/r.epl", rule, FIXTURES);

        assertThat(RulePackLint.check(dir)).singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("timer:within(1 hour 30 minutes)"));
    }

    @Test
    void missingDescriptionAndFalsePositiveNotesAreReported() throws Exception {
        writeRule("credential-access/r.epl", header("r").replace(" * @description  Failed logons of one user.\n", "")
                .replace(" * @false_positives A user who forgot a password.\n", ""), FIXTURES);

        assertThat(RulePackLint.check(dir)).extracting(RuleException::reason)
                .anySatisfy(r -> assertThat(r).contains("@description"))
                .anySatisfy(r -> assertThat(r).contains("@false_positives"))
                .hasSize(2);
    }

    @Test
    void missingFixturesAreReported() throws Exception {
        writeRule("credential-access/r.epl", header("r"), null);

        assertThat(RulePackLint.check(dir)).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("credential-access/r.epl");
            assertThat(f.reason()).contains("no fixtures").contains("credential-access/r.test.yaml");
        });
    }

    @Test
    void fixturesWithoutALookAlikeOrWithoutAMustAlertCaseAreReported() throws Exception {
        String onlyMustAlert = FIXTURES.substring(0, FIXTURES.indexOf("  - name: two failures"));
        String onlyLookAlike = FIXTURES.replace("expect:\n      - user.name: bob\n", "expect: []\n");
        writeRule("credential-access/a.epl", header("a"), onlyMustAlert);
        writeRule("credential-access/b.epl", header("b"), onlyLookAlike);

        List<RuleException> findings = RulePackLint.check(dir);

        assertThat(findings).extracting(f -> f.file() + ": " + f.reason()).containsExactly(
                "credential-access/a.test.yaml: no look-alike case that must not alert ('expect: []')",
                "credential-access/b.test.yaml: no case that must alert (a case with a non-empty 'expect')");
    }

    @Test
    void unreadableFixturesAreReportedUnderTheFixtureFile() throws Exception {
        writeRule("credential-access/r.epl", header("r"), "cases: []\n");

        assertThat(RulePackLint.check(dir)).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("credential-access/r.test.yaml");
            assertThat(f.reason()).contains("non-empty 'cases'");
        });
    }

    @Test
    void fixturesNoRuleRunsAreReported() throws Exception {
        writeRule("credential-access/r.epl", header("r"), FIXTURES);
        Files.writeString(dir.resolve("credential-access/r-typo.test.yaml"), FIXTURES);
        Files.writeString(dir.resolve("credential-access/r.test.yml"), FIXTURES);

        assertThat(RulePackLint.check(dir)).extracting(f -> f.file() + ": " + f.reason()).containsExactly(
                "credential-access/r-typo.test.yaml: fixtures without a rule: no r-typo.epl beside them",
                "credential-access/r.test.yml: fixture files end in .test.yaml; this one is never run");
    }

    @Test
    void loadProblemsComeWithTheLintFindings() throws Exception {
        writeRule("credential-access/a.epl", header("same-id"), FIXTURES);
        writeRule("credential-access/b.epl", header("same-id"), FIXTURES);
        writeRule("credential-access/c.epl", header("c").replace("SecurityEvent(", "NoSuchEvent("), FIXTURES);

        assertThat(RulePackLint.check(dir)).extracting(RuleException::getMessage)
                .anySatisfy(m -> assertThat(m).startsWith("credential-access/b.epl").contains("already used by credential-access/a.epl"))
                .anySatisfy(m -> assertThat(m).startsWith("credential-access/c.epl:17").contains("NoSuchEvent"))
                .hasSize(2);
    }

    @Test
    void readsEplTimePeriods() {
        assertThat(RulePackLint.timePeriod("10 minutes")).isEqualTo(Duration.ofMinutes(10));
        assertThat(RulePackLint.timePeriod("1 hour 30 min")).isEqualTo(Duration.ofMinutes(90));
        assertThat(RulePackLint.timePeriod("2 days")).isEqualTo(Duration.ofDays(2));
        assertThat(RulePackLint.timePeriod("500 msec")).isEqualTo(Duration.ofMillis(500));
        assertThat(RulePackLint.timePeriod("1.5 sec")).isEqualTo(Duration.ofMillis(1500));
        assertThat(RulePackLint.timePeriod("window_length")).isNull();
    }

    @Test
    void aBareNumberIsSecondsButNotAnExtTimedTimestamp() throws Exception {
        RuleDefinition plain = RuleFileParser.parse("r.epl", header("r").replace("#time(10 minutes)", "#time(90)"));
        RuleDefinition ext = RuleFileParser.parse("r.epl", header("r").replace("#time(10 minutes)", "#ext_timed(timestamp, 2 min)"));

        assertThat(RulePackLint.longestTimedConstruct(plain)).hasValueSatisfying(t -> assertThat(t.period()).isEqualTo(Duration.ofSeconds(90)));
        assertThat(RulePackLint.longestTimedConstruct(ext)).hasValueSatisfying(t -> assertThat(t.period()).isEqualTo(Duration.ofMinutes(2)));
    }

    /** A rule that compiles and passes the lint: window of ten minutes on line 16, horizon on line 10. */
    private static String header(String id) {
        return """
                /**
                 * @id          %s
                 * @name        Failed logons of one user
                 * @description  Failed logons of one user.
                 * @severity    medium
                 * @partition   user.name
                 * @tactic      TA0006
                 * @technique   T1110.001
                 * @false_positives A user who forgot a password.
                 * @horizon     PT10M
                 * @verification corroboration PT30M or intel
                 */
                // Comments with a #time(1 day) window must not count.
                @Name('alert')
                context PerEntity
                select partitionKey, count(*) as failures
                from SecurityEvent(event.outcome = 'failure')#time(10 minutes)
                having count(*) >= 3;
                """.formatted("rule-" + id);
    }

    private void writeRule(String relative, String epl, String fixtures) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, epl);
        if (fixtures != null) {
            Files.writeString(RuleLoader.fixtureFileOf(file), fixtures);
        }
    }
}
