package org.vigil.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFileParser;

/**
 * The per-rule {@code PerEntity} context filter: derived from every stream that reads events, never narrower than what
 * a statement needs, and an event no statement of the rule can use creates no context partition.
 */
class RuleInputFilterTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String HEADER = """
            /**
             * @id          test-rule
             * @name        Test rule
             * @severity    low
             * @tactic      TA0003
             * @technique   T1136
             * @partition   host.name
             * @horizon     PT15M
             */
            module test.rule;
            """;

    /** A pattern whose second event differs from the first, and whose second filter also names the first event's tag. */
    private static final String TWO_STEP_PATTERN = HEADER + """
            @Name('alert')
            context PerEntity
            select created, added
            from pattern [every created=SecurityEvent(event.action = 'user-created')
                          -> added=SecurityEvent(event.action = 'added-to-group' and user.name = created.user.name)
                          where timer:within(15 minutes)];
            """;

    private final RuleCompiler compiler = new RuleCompiler();

    @Test
    void theUnionCoversEveryStepOfAPatternAndDropsOnlyTheConjunctThatNamesATag() throws Exception {
        RuleInputFilter filter = compiler.compileRule(RuleFileParser.parse("t.epl", TWO_STEP_PATTERN)).inputFilter();
        assertThat(filter.isFiltered()).isTrue();
        assertThat(filter.epl()).contains("'user-created'").contains("'added-to-group'").doesNotContain("created.user");
    }

    @Test
    void aPatternWhoseSecondEventDiffersFromTheFirstStillAlerts() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", TWO_STEP_PATTERN);
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(rule), 10)) {
            List<Alert> alerts = new ArrayList<>();
            alerts.addAll(feed(correlator, event(T0, "e1", "pc-01", "user-created", "mallory")));
            alerts.addAll(feed(correlator, event(T0.plusSeconds(5), "e2", "pc-01", "logon", "mallory")));
            alerts.addAll(feed(correlator, event(T0.plusSeconds(60), "e3", "pc-01", "added-to-group", "mallory")));
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).evidence()).extracting(SecurityEvent::id).containsExactlyInAnyOrder("e1", "e3");
        }
    }

    @Test
    void anEventNoStatementCanUseCreatesNoContextPartition() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", TWO_STEP_PATTERN);
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(rule), 10)) {
            feed(correlator, event(T0, "e1", "pc-01", "logon", "alice"));
            feed(correlator, event(T0.plusSeconds(1), "e2", "pc-02", "logon", "bob"));
            assertThat(correlator.contextPartitions("test-rule")).isZero();
            feed(correlator, event(T0.plusSeconds(2), "e3", "pc-02", "user-created", "bob"));
            assertThat(correlator.contextPartitions("test-rule")).isEqualTo(1);
        }
    }

    @Test
    void anUnfilteredRuleStillMakesAPartitionPerEntityAsBefore() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER + """
                @Name('alert') context PerEntity
                select window(*) as events from SecurityEvent#time(1 minute) having count(*) >= 100;
                """);
        assertThat(compiler.compileRule(rule).inputFilter().isFiltered()).isFalse();
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(rule), 10)) {
            feed(correlator, event(T0, "e1", "pc-01", "logon", "alice"));
            feed(correlator, event(T0.plusSeconds(1), "e2", "pc-02", "logon", "bob"));
            assertThat(correlator.contextPartitions("test-rule")).isEqualTo(2);
        }
    }

    @Test
    void aPatternThatStartsATimerWithItsPartitionIsNotFiltered() throws Exception {
        // The guard starts when the partition does; a filtered context would start it at a later event.
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER + """
                @Name('alert') context PerEntity
                select a, b from pattern [(a=SecurityEvent(event.action = 'x') -> b=SecurityEvent(event.action = 'y'))
                                          where timer:within(10 minutes)];
                """);
        assertThat(compiler.compileRule(rule).inputFilter().unfilteredReason()).contains("timer");
    }

    @Test
    void aStatementOutsideTheContextOrAFilterOnAVariableIsNotFiltered() throws Exception {
        assertThat(compiler.compileRule(RuleFileParser.parse("t.epl", HEADER + """
                create variable string wanted = 'x';
                @Name('alert') context PerEntity
                select e from SecurityEvent(event.action = wanted) as e;
                """)).inputFilter().isFiltered()).isFalse();
        assertThat(compiler.compileRule(RuleFileParser.parse("t.epl", HEADER + """
                @Name('alert') context PerEntity
                select e from SecurityEvent(event.action = 'x') as e where (select count(*) from SecurityEvent#lastevent) > 0;
                """)).inputFilter().isFiltered()).isFalse();
    }

    @Test
    void literalsWithBackslashesQuotesAndNonAsciiKeepTheirMeaning() throws Exception {
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER + """
                @Name('alert') context PerEntity
                select e from SecurityEvent(process.command_line regexp '(?i).*\\\\\\\\temp\\\\\\\\[a-z]+\\\\.exe\\\\s\\u2013x.*'
                                            and user.name != 'o\\'brien') as e;
                """);
        RuleInputFilter filter = compiler.compileRule(rule).inputFilter();
        assertThat(filter.isFiltered()).isTrue();
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(rule), 10)) {
            SecurityEvent matching = SecurityEvent.builder().timestamp(T0).id("m").put("host.name", "pc-01")
                    .put("process.command_line", "C:\\Temp\\evil.exe \u2013x").put("user.name", "alice").build();
            SecurityEvent quoted = SecurityEvent.builder().timestamp(T0.plusSeconds(1)).id("q").put("host.name", "pc-01")
                    .put("process.command_line", "C:\\Temp\\evil.exe \u2013x").put("user.name", "o'brien").build();
            assertThat(feed(correlator, matching)).hasSize(1);
            assertThat(feed(correlator, quoted)).isEmpty();
        }
    }

    @Test
    void anEventMatchingTwoStatementsFiltersIsInsertedOnce() throws Exception {
        // Esper planned an 'or' context filter as one path per disjunct and delivered such an event once per path.
        RuleDefinition rule = RuleFileParser.parse("t.epl", HEADER + """
                context PerEntity create window Recent#time(10 minutes) as SecurityEvent;
                context PerEntity insert into Recent select * from SecurityEvent(event.action = 'upload');
                @Name('alert') context PerEntity
                select e, (select count(*) from Recent) as uploads from SecurityEvent(user.name = 'mallory') as e;
                """);
        assertThat(compiler.compileRule(rule).inputFilter().epl()).contains(" or ");
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(rule), 10)) {
            feed(correlator, event(T0, "e1", "pc-01", "upload", "mallory"));
            List<Alert> alerts = feed(correlator, event(T0.plusSeconds(1), "e2", "pc-01", "logon", "mallory"));
            assertThat(alerts).singleElement().satisfies(a -> assertThat(a.details()).containsEntry("uploads", 1L));
        }
    }

    @Test
    void theContextIsDeclaredOnTheModuleLineSoLinesStayTheSame() {
        String epl = HEADER + "@Name('alert') context PerEntity select * from SecurityEvent(event.action = 'x');\n";
        String withContext = RuleCompiler.withOwnContext(epl, "event.action = 'x'");
        assertThat(withContext.lines().count()).isEqualTo(epl.lines().count());
        assertThat(withContext.lines().toList().get(9)).startsWith("module test.rule; @Name('vigil-per-entity') create context PerEntity");
        String noModule = epl.replace("module test.rule;\n", "");
        assertThat(RuleCompiler.withOwnContext(noModule, "true").lines().toList().get(9))
                .startsWith("@Name('vigil-per-entity') create context PerEntity partition by partitionKey from SecurityEvent(true),"
                        + " partitionKey from EntityEnd initiated by SecurityEvent(true) terminated by EntityEnd; @Name('alert')");
    }

    private static List<Alert> feed(EntityCorrelator correlator, SecurityEvent e) {
        return correlator.process("host.name", e.getString("host.name"), e);
    }

    private static SecurityEvent event(Instant at, String id, String host, String action, String user) {
        return SecurityEvent.builder().timestamp(at).id(id).put("host.name", host).put("event.action", action)
                .put("user.name", user).build();
    }
}
