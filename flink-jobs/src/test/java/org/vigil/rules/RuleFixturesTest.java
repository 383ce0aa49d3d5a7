package org.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Runs every rule's fixtures: each case must raise exactly the alerts it expects ({@link RulePackLintTest} checks every rule has a must-alert and a look-alike case). */
class RuleFixturesTest {

    @TestFactory
    Stream<DynamicTest> everyFixtureCasePasses() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (RuleDefinition rule : RuleLoader.load(RulePaths.rulesDir())) {
            Path fixtureFile = RuleLoader.fixtureFileOf(RulePaths.rulesDir().resolve(rule.sourceFile()));
            RuleFixtures fixtures = RuleFixtures.read(fixtureFile);
            for (RuleFixtureRunner.CaseResult result : RuleFixtureRunner.run(rule, fixtures)) {
                tests.add(DynamicTest.dynamicTest(rule.id() + ": " + result.caseName(),
                        () -> assertThat(result.differences()).as(result.caseName()).isEmpty()));
            }
        }
        return tests.stream();
    }

    @Test
    void aMalformedOffsetIsRefusedWithTheFileTheCaseAndTheExpectedForm(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.test.yaml");
        Files.writeString(file, """
                start: 2026-03-02T08:00:00Z
                cases:
                  - name: burst
                    events:
                      - {at: PT500MS, source.ip: 203.0.113.7}
                    expect: []
                """);
        assertThatThrownBy(() -> RuleFixtures.read(file)).isInstanceOf(RuleException.class)
                .hasMessageContaining("x.test.yaml").hasMessageContaining("case 'burst'")
                .hasMessageContaining("'at' must be an ISO-8601 duration").hasMessageContaining("PT500MS");
    }
}
