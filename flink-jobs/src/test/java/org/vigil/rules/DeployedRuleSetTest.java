package org.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.correlate.RuleDeploymentGate;

/** How records of the rules topic change the rules in force: version order, refusals, tombstones. */
class DeployedRuleSetTest {
    private static final String ID = "vigil-test-account-failures";
    private static final String FILE = "credential-access/account-failures.epl";

    static String rule(int version, int threshold, boolean broken) {
        return """
                /**
                 * @id        %s
                 * @version   %d
                 * @name      Failed logons for one account
                 * @severity  medium
                 * @tactic    TA0006
                 * @technique T1110
                 * @partition user.name
                 * @horizon   PT5M
                 */
                module vigil.test.account_failures;

                @Name('alert')
                context PerEntity
                select window(*) as failures, count(*) as failed_logons%s
                from SecurityEvent('authentication' in (event.category) and event.outcome = 'failure')#time(5 minutes)
                having count(*) >= %d;
                """.formatted(ID, version, broken ? ", no_such_field as broken" : "", threshold);
    }

    private static String record(String text) {
        return new RuleRecord(FILE, text).toJson();
    }

    private static DeployedRuleSet.Decision apply(DeployedRuleSet set, String value) {
        return set.apply(ID, value, RuleDeploymentGate::trialDeploy);
    }

    @Test
    void aNewRuleIsDeployedAndANewerVersionReplacesIt() {
        DeployedRuleSet set = new DeployedRuleSet(List.of());
        DeployedRuleSet.Decision first = apply(set, record(rule(1, 3, false)));
        assertThat(first.outcome()).isEqualTo(RuleOutcome.DEPLOYED);
        assertThat(first.changesRules()).isTrue();
        assertThat(first.previousVersion()).isNull();

        DeployedRuleSet.Decision second = apply(set, record(rule(2, 4, false)));
        assertThat(second.outcome()).isEqualTo(RuleOutcome.REPLACED);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.previousVersion()).isEqualTo(1);
        assertThat(set.rules()).extracting(r -> r.metadata().version()).containsExactly(2);
    }

    @Test
    void aVersionThatDoesNotCompileIsRefusedWithFileAndLineAndTheRunningVersionStays() {
        DeployedRuleSet set = new DeployedRuleSet(List.of());
        apply(set, record(rule(1, 3, false)));
        DeployedRuleSet.Decision broken = apply(set, record(rule(2, 3, true)));
        assertThat(broken.outcome()).isEqualTo(RuleOutcome.REFUSED);
        assertThat(broken.changesRules()).isFalse();
        assertThat(broken.error().file()).isEqualTo(FILE);
        List<String> lines = rule(2, 3, true).lines().toList();
        assertThat(broken.error().line()).as("the line naming the unknown field")
                .isEqualTo(lines.indexOf(lines.stream().filter(l -> l.contains("no_such_field")).findFirst().orElseThrow()) + 1);
        assertThat(broken.error().reason()).contains("no_such_field");
        assertThat(set.rules()).extracting(r -> r.metadata().version()).containsExactly(1);
    }

    @Test
    void versionsOnlyMoveForward() {
        DeployedRuleSet set = new DeployedRuleSet(List.of());
        apply(set, record(rule(2, 3, false)));
        assertThat(apply(set, record(rule(2, 3, false))).outcome()).as("same version, same text").isEqualTo(RuleOutcome.UNCHANGED);
        DeployedRuleSet.Decision sameVersionOtherText = apply(set, record(rule(2, 5, false)));
        assertThat(sameVersionOtherText.outcome()).isEqualTo(RuleOutcome.REFUSED);
        assertThat(sameVersionOtherText.error().reason()).contains("raise @version");
        DeployedRuleSet.Decision older = apply(set, record(rule(1, 3, false)));
        assertThat(older.outcome()).isEqualTo(RuleOutcome.REFUSED);
        assertThat(older.error().reason()).contains("older than the running version 2");
        assertThat(set.rules()).extracting(r -> r.epl()).containsExactly(rule(2, 3, false));
    }

    @Test
    void aTombstoneUndeploysAndAfterItAnyVersionMayBeDeployed() {
        DeployedRuleSet set = new DeployedRuleSet(List.of());
        apply(set, record(rule(3, 3, false)));
        DeployedRuleSet.Decision undeployed = apply(set, null);
        assertThat(undeployed.outcome()).isEqualTo(RuleOutcome.UNDEPLOYED);
        assertThat(undeployed.previousVersion()).isEqualTo(3);
        assertThat(set.rules()).isEmpty();
        assertThat(apply(set, null).outcome()).as("nothing to undeploy").isEqualTo(RuleOutcome.UNCHANGED);
        assertThat(apply(set, record(rule(1, 3, false))).outcome()).isEqualTo(RuleOutcome.DEPLOYED);
    }

    @Test
    void recordsThatAreNotRulesOrUnderAnotherKeyAreRefused() {
        DeployedRuleSet set = new DeployedRuleSet(List.of());
        assertThat(apply(set, "not json").error().reason()).contains("not JSON");
        assertThat(apply(set, "{\"file\": \"x.epl\"}").error().reason()).contains("\"text\"");
        assertThat(apply(set, record("no header")).error().reason()).contains("metadata header");
        DeployedRuleSet.Decision otherKey = set.apply("vigil-other", record(rule(1, 3, false)), RuleDeploymentGate::trialDeploy);
        assertThat(otherKey.outcome()).isEqualTo(RuleOutcome.REFUSED);
        assertThat(otherKey.error().reason()).contains("'vigil-other' is not the rule's @id '" + ID + "'");
        assertThat(set.rules()).isEmpty();
    }
}
