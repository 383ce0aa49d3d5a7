package org.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code @verification} grammar: each alternative, combinations, the canonical form and every refusal. */
class VerificationPolicyTest {

    @Test
    void eachAlternativeParses() {
        assertThat(VerificationPolicy.parse("none")).isEqualTo(VerificationPolicy.NONE).matches(VerificationPolicy::isNone);
        assertThat(VerificationPolicy.parse("high-fidelity").highFidelity()).isTrue();
        assertThat(VerificationPolicy.parse("corroboration PT45M").corroborationWindow()).isEqualTo(Duration.ofMinutes(45));
        assertThat(VerificationPolicy.parse("vulnerable-target").vulnerableTarget()).isTrue();
        assertThat(VerificationPolicy.parse("intel").intel()).isTrue();
    }

    @Test
    void alternativesCombineWithOrInAnyOrder() {
        VerificationPolicy p = VerificationPolicy.parse("  intel   or vulnerable-target or corroboration PT1H ");
        assertThat(p).isEqualTo(new VerificationPolicy(false, Duration.ofHours(1), true, true));
        assertThat(p).hasToString("corroboration PT1H or vulnerable-target or intel");
        assertThat(VerificationPolicy.parse(p.toString())).isEqualTo(p);
    }

    @Test
    void aBareCorroborationHasTheDefaultWindowSoOlderRuleFilesAndCheckpointsStillLoad() {
        assertThat(VerificationPolicy.parse("corroboration").corroborationWindow())
                .isEqualTo(VerificationPolicy.DEFAULT_CORROBORATION_WINDOW).isEqualTo(Duration.ofMinutes(30));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                   | is empty",
            "corroborated PT30M                   | alternative 'corroborated PT30M' is unknown",
            "high-fidelity and intel              | 'high-fidelity' takes no argument",
            "intel or intel                       | names 'intel' twice",
            "none or intel                        | 'none' cannot be combined",
            "corroboration 30 minutes             | needs a window such as PT30M",
            "corroboration PT30                   | must be an ISO-8601 duration",
            "corroboration PT0S                   | must be positive and at most PT24H",
            "corroboration P2D                    | must be positive and at most PT24H",
            "intel or                             | alternative '' is unknown",
            "High-Fidelity                        | alternative 'High-Fidelity' is unknown"})
    void malformedPoliciesAreRefusedWithAReason(String text, String reason) {
        assertThatThrownBy(() -> VerificationPolicy.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"corroboration PT30M or high-fidelty", "manual"})
    void aRuleWithAnUnknownPolicyIsRefusedAtLoadWithFileAndLine(String policy) {
        String rule = """
                /**
                 * @id           vigil-test-rule
                 * @name         Test
                 * @severity     high
                 * @tactic       TA0006
                 * @technique    T1110
                 * @partition    source.ip
                 * @horizon      PT10M
                 * @verification %s
                 */
                context PerEntity select * from SecurityEvent;
                """.formatted(policy);
        assertThatThrownBy(() -> RuleFileParser.parse("credential-access/test.epl", rule))
                .isInstanceOf(RuleException.class)
                .hasMessageStartingWith("credential-access/test.epl:9: @verification")
                .hasMessageContaining("unknown");
    }

    @Test
    void aRuleWithoutVerificationIsNeverVerified() throws RuleException {
        String rule = """
                /**
                 * @id           vigil-test-rule
                 * @name         Test
                 * @severity     high
                 * @tactic       TA0006
                 * @technique    T1110
                 * @partition    source.ip
                 * @horizon      PT10M
                 */
                context PerEntity select * from SecurityEvent;
                """;
        assertThat(RuleFileParser.parse("t.epl", rule).metadata().verification()).isEqualTo(VerificationPolicy.NONE);
    }

    @Test
    void everyShippedRuleCanBeVerified() throws RuleException {
        for (RuleDefinition rule : RuleLoader.load(RulePaths.rulesDir())) {
            assertThat(rule.metadata().verification().isNone()).as(rule.sourceFile()).isFalse();
        }
    }
}
