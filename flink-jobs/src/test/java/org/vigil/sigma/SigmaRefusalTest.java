package org.vigil.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.sigma.SigmaTestRules.processCreation;
import static org.vigil.sigma.SigmaTestRules.refusal;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What Vigil cannot express exactly is refused with the reason and the feature, never converted differently. */
class SigmaRefusalTest {

    private static void refused(String yaml, SigmaRefusal reason, String detail) {
        SigmaConverter.Refused r = refusal(yaml);
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.detail()).contains(detail);
        assertThat(r.location()).startsWith("test.yml");
        assertThat(r.message()).startsWith(r.location() + ": test rule: " + reason.code() + ": ");
    }

    @Test
    void unmappedLogSourceAndField() {
        refused(processCreation("{selection: {Image: x}, condition: selection}").replace("process_creation", "driver_load"),
                SigmaRefusal.UNMAPPED_LOGSOURCE, "{product: windows, category: driver_load}");
        refused("""
                title: test rule
                tags: [attack.initial-access, attack.t1190]
                logsource: {category: webserver}
                detection: {selection: {cs-cookie|contains: x}, condition: selection}
                """, SigmaRefusal.UNMAPPED_FIELD, "'cs-cookie'");
    }

    @Test
    void modifiersVigilDoesNotImplementOrCannotMatchExactly() {
        refused(processCreation("{selection: {Image|somethingnew: x}, condition: selection}"),
                SigmaRefusal.UNSUPPORTED_MODIFIER, "|somethingnew");
        refused(processCreation("{selection: {CommandLine|wide|contains: x}, condition: selection}"),
                SigmaRefusal.UNSUPPORTED_MODIFIER, "|wide");
        refused(processCreation("{selection: {CommandLine|base64: 'a*b'}, condition: selection}"),
                SigmaRefusal.UNSUPPORTED_MODIFIER, "wildcards");
        refused(processCreation("{selection: {CommandLine|i: x}, condition: selection}"),
                SigmaRefusal.UNSUPPORTED_MODIFIER, "flag of |re");
    }

    @Test
    void invalidValues() {
        refused(processCreation("{selection: {CommandLine|re: '(unclosed'}, condition: selection}"),
                SigmaRefusal.INVALID_VALUE, "not a regular expression");
        refused(processCreation("{selection: {DestinationIp|cidr: '10.0.0.1/8'}, condition: selection}"),
                SigmaRefusal.INVALID_VALUE, "host bits");
        refused(processCreation("{selection: {User: ['', null]}, condition: selection}"),
                SigmaRefusal.INVALID_VALUE, "null cannot be part of a list");
        refused(processCreation("{selection: {Size|gt: big}, condition: selection}"),
                SigmaRefusal.INVALID_VALUE, "needs a number");
    }

    @Test
    void obsoleteAggregationsAndBrokenConditions() {
        refused(processCreation("{selection: {Image: x}, condition: 'selection | count() by User > 5'}"),
                SigmaRefusal.DEPRECATED_AGGREGATION, "correlation rule");
        refused(processCreation("{selection: {Image: x}, condition: selection and nothere}"),
                SigmaRefusal.INVALID_RULE, "'nothere'");
        refused(processCreation("{selection: {Image: x}, condition: 1 of filter_*}"),
                SigmaRefusal.INVALID_RULE, "matches no search identifier");
        refused(processCreation("{selection: {Image: x}, condition: (selection}"),
                SigmaRefusal.INVALID_RULE, "missing ')'");
    }

    @Test
    void keywordsNeedAMessageFieldAndRulesNeedAttackTags() {
        refused(processCreation("{keywords: [mimikatz], condition: keywords}"), SigmaRefusal.KEYWORDS_WITHOUT_FIELD,
                "no message field");
        refused(processCreation("{selection: {Image: x}, condition: selection}").replace("attack.execution, ", ""),
                SigmaRefusal.MISSING_ATTACK_TAGS, "no ATT&CK tactic tag");
    }

    @Test
    void correlationsOverUnknownRulesOrWithoutPartitionableGroupsAreRefused() {
        String correlation = """
                title: test rule
                tags: [attack.execution, attack.t1059]
                correlation: {type: event_count, rules: [missing_rule], group-by: [ComputerName], timespan: 5m, condition: {gte: 3}}
                """;
        refused(correlation, SigmaRefusal.UNKNOWN_RULE_REFERENCE, "'missing_rule'");
        String base = processCreation("{selection: {Image: x}, condition: selection}").replace("title: test rule", "title: base")
                .replace("id: 11111111-2222-3333-4444-555555555555", "name: base_rule");
        refused(base + "---\n" + correlation.replace("missing_rule", "base_rule").replace("ComputerName", "CommandLine"),
                SigmaRefusal.GROUP_BY_NOT_PARTITIONABLE, "CommandLine (winlog.event_data.CommandLine, not a partition field)");
        refused(base + "---\n" + correlation.replace("missing_rule", "base_rule").replace("event_count", "value_percentile"),
                SigmaRefusal.UNSUPPORTED_CORRELATION, "value_percentile");
        refused(base + "---\n" + correlation.replace("missing_rule", "base_rule").replace("event_count", "temporal")
                .replace("gte: 3", "lt: 2"), SigmaRefusal.UPPER_BOUND_CONDITION, "upper bound");
        refused(base + "---\n" + correlation.replace("missing_rule", "base_rule").replace("timespan: 5m", "timespan: 2d"),
                SigmaRefusal.TIMESPAN_OVER_A_DAY, "PT48H");
    }

    @Test
    void aRefusedRuleDoesNotStopTheOthers() {
        String good = processCreation("{selection: {Image: x}, condition: selection}");
        String bad = good.replace("11111111", "99999999").replace("Image: x", "Image|nope: x");
        SigmaConverter.Result r = SigmaTestRules.convert(good + "---\n" + bad, FieldMapping.shipped());
        assertThat(r.converted()).hasSize(1);
        assertThat(r.refused()).extracting(SigmaConverter.Refused::location).containsExactly("test.yml (document 2)");
    }

    @Test
    void theMappingFileIsCheckedWhenItIsRead() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FieldMapping.parse("m.yml", """
                logsources:
                  - name: x
                    logsource: {category: x}
                    partition: host.name
                    variants: [{name: v, fields: {A: no.such.field}}]
                """, null)).hasMessageContaining("'no.such.field' is neither a Vigil event field");
        FieldMapping extended = FieldMapping.parse("m.yml", """
                logsources:
                  - name: webserver
                    logsource: {category: webserver}
                    partition: source.ip
                    variants: [{name: v, where: {event.category: web}, fields: {cs-cookie: url.query}}]
                """, FieldMapping.shipped());
        assertThat(extended.logSources()).extracting(FieldMapping.LogSource::name).contains("webserver", "windows-process-creation");
        assertThat(extended.logSources().stream().filter(s -> s.name().equals("webserver")).findFirst().orElseThrow()
                .variants().get(0).target("cs-cookie")).isEqualTo("url.query");
        assertThat(List.of(SigmaRefusal.values())).extracting(SigmaRefusal::code).doesNotHaveDuplicates();
    }
}
