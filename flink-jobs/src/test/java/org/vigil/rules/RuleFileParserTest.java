package org.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Severity;
import org.vigil.correlate.RuleCompiler;

class RuleFileParserTest {
    private static final String HEADER = """
            /**
             * @id         test-rule
             * @name       A test rule
             * @description First line
             *              second line.
             * @severity   critical
             * @tactic     TA0006
             * @technique  T1110.001, T1078
             * @partition  user.name
             * @horizon    PT5M
             */
            """;
    private static final String BODY = "@Name('alert') context PerEntity select * from SecurityEvent(event.outcome = 'failure');\n";

    @Test
    void readsTheMetadataHeader() throws Exception {
        RuleMetadata m = RuleFileParser.parse("t.epl", HEADER + BODY).metadata();
        assertThat(m.id()).isEqualTo("test-rule");
        assertThat(m.description()).isEqualTo("First line second line.");
        assertThat(m.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(m.riskScore()).isEqualTo(Severity.CRITICAL.defaultRiskScore());
        assertThat(m.techniqueIds()).containsExactly("T1110.001", "T1078");
        assertThat(m.partitionField()).isEqualTo("user.name");
        assertThat(m.horizon()).isEqualTo(Duration.ofMinutes(5));
        assertThat(m.version()).isEqualTo(1);
    }

    @Test
    void refusesAMissingTagNamingIt() {
        assertThatThrownBy(() -> RuleFileParser.parse("t.epl", HEADER.replace(" * @horizon    PT5M\n", "") + BODY))
                .isInstanceOf(RuleException.class).hasMessageContaining("t.epl").hasMessageContaining("missing metadata @horizon");
    }

    @Test
    void refusesAMalformedTechniqueWithItsLine() {
        assertThatThrownBy(() -> RuleFileParser.parse("t.epl", HEADER.replace("T1110.001", "T111") + BODY))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.line()).isEqualTo(8);
                    assertThat(e.reason()).contains("T111").contains("technique");
                });
    }

    @Test
    void refusesAnUnknownPartitionField() {
        assertThatThrownBy(() -> RuleFileParser.parse("t.epl", HEADER.replace("user.name", "user.shoe_size") + BODY))
                .isInstanceOf(RuleException.class).hasMessageContaining("user.shoe_size");
    }

    @Test
    void refusesAnUnboundedHorizon() {
        assertThatThrownBy(() -> RuleFileParser.parse("t.epl", HEADER.replace("PT5M", "P30D") + BODY))
                .isInstanceOf(RuleException.class).hasMessageContaining("@horizon");
    }

    @Test
    void refusesEplThatDoesNotCompileWithTheLine() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER + "@Name('alert') context PerEntity\nselect * from NoSuchEvent;\n");
        assertThatThrownBy(() -> new RuleCompiler().compile(rule))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.file()).isEqualTo("t.epl");
                    assertThat(e.line()).isEqualTo(13);
                    assertThat(e.reason()).contains("NoSuchEvent");
                });
    }

    @Test
    void refusesARuleWithoutAnAlertStatement() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER + "@Name('x') context PerEntity select * from SecurityEvent;\n");
        assertThatThrownBy(() -> new RuleCompiler().compile(rule)).hasMessageContaining("@Name('alert')");
    }

    @Test
    void readsASuppressionPolicyAndDefaultsToNone() throws Exception {
        assertThat(RuleFileParser.parse("t.epl", HEADER + BODY).metadata().suppression().isNone()).isTrue();
        Suppression s = RuleFileParser.parse("t.epl", HEADER.replace(" */", " * @suppress   PT15M per target, user_name\n */") + BODY)
                .metadata().suppression();
        assertThat(s.period()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.perColumns()).containsExactly("target", "user_name");
    }

    @Test
    void refusesAMalformedSuppressionWithItsLine() {
        assertThatThrownBy(() -> RuleFileParser.parse("t.epl", HEADER.replace(" */", " * @suppress   ten minutes\n */") + BODY))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.line()).isEqualTo(11);
                    assertThat(e.reason()).contains("ISO-8601");
                });
    }

    @Test
    void refusesASuppressionPeriodLongerThanADay() throws Exception {
        assertThat(RuleFileParser.parse("t.epl", HEADER.replace(" */", " * @suppress   PT24H\n */") + BODY)
                .metadata().suppression().period()).isEqualTo(java.time.Duration.ofHours(24));
        assertThatThrownBy(() -> RuleFileParser.parse("t.epl", HEADER.replace(" */", " * @suppress   P2D\n */") + BODY))
                .isInstanceOfSatisfying(RuleException.class, e -> assertThat(e.reason()).contains("at most PT24H"));
    }

    @Test
    void refusesOutputRateLimitingWithTheLineAndTheAlternative() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER + "@Name('alert') context PerEntity\n"
                + "select count(*) from SecurityEvent#time(1 min)\noutput first every 10 minutes;\n");
        assertThatThrownBy(() -> new RuleCompiler().compile(rule))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.line()).isEqualTo(12);
                    assertThat(e.reason()).contains("@suppress");
                });
    }

    @Test
    void refusesASuppressionByAColumnTheAlertDoesNotHave() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER.replace(" */", " * @suppress   PT15M per target\n */") + BODY);
        assertThatThrownBy(() -> new org.vigil.correlate.EntityCorrelator(java.util.List.of(rule), 10))
                .isInstanceOf(RuleException.class).hasMessageContaining("no column 'target'");
    }

    @Test
    void refusesAnAlertStatementWhoseRowsNameNoEntity() throws Exception {
        String countOnly = "@Name('alert') context PerEntity select count(*) as failures"
                + " from SecurityEvent(event.outcome = 'failure')#time(5 min) having count(*) >= 5;\n";
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER + countOnly);
        assertThatThrownBy(() -> new org.vigil.correlate.EntityCorrelator(java.util.List.of(rule), 10))
                .isInstanceOf(RuleException.class).hasMessageContaining("name no entity");
        // Selecting the partition key, or the events themselves, names it.
        for (String select : new String[] {"partitionKey, count(*) as failures", "window(*) as failures"}) {
            RuleDefinition named = RuleFileParser.parse("t.epl", HEADER + countOnly.replace("count(*) as failures", select));
            new org.vigil.correlate.EntityCorrelator(java.util.List.of(named), 10).close();
        }
    }
}
