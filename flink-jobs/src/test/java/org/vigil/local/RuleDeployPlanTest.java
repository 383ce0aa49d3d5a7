package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleFileParser;
import org.vigil.rules.RuleRecord;

/** What {@code vigil rules deploy} publishes for a rules directory against the latest records of the rules topic. */
class RuleDeployPlanTest {
    private static RuleDefinition rule(String id, int version, String body) throws RuleException {
        return RuleFileParser.parse(id + ".epl", """
                /**
                 * @id        %s
                 * @version   %d
                 * @name      A rule
                 * @severity  low
                 * @tactic    TA0006
                 * @technique T1110
                 * @partition source.ip
                 * @horizon   PT1M
                 */
                %s
                """.formatted(id, version, body));
    }

    private static String published(RuleDefinition rule) {
        return RuleRecord.of(rule).toJson();
    }

    @Test
    void publishesNewAndChangedRulesAndLeavesTheSameTextAlone() throws Exception {
        RuleDefinition same = rule("vigil-same", 1, "a");
        RuleDefinition changed = rule("vigil-changed", 2, "b v2");
        RuleDefinition fresh = rule("vigil-new", 1, "c");
        RuleDeployPlan plan = RuleDeployPlan.of(List.of(same, changed, fresh), Map.of(
                "vigil-same", published(same),
                "vigil-changed", published(rule("vigil-changed", 1, "b v1"))));
        assertThat(plan.publish()).extracting(RuleDefinition::id).containsExactly("vigil-changed", "vigil-new");
        assertThat(plan.unchanged()).containsExactly("vigil-same");
        assertThat(plan.undeploy()).isEmpty();
        assertThat(plan.problems()).isEmpty();
    }

    @Test
    void sameTextUnderAnotherFileNameIsUnchanged() throws Exception {
        RuleDefinition local = rule("vigil-moved", 1, "a");
        String elsewhere = new RuleRecord("old-folder/vigil-moved.epl", local.epl()).toJson();
        assertThat(RuleDeployPlan.of(List.of(local), Map.of("vigil-moved", elsewhere)).isEmpty()).isTrue();
    }

    @Test
    void rulesOnTheTopicButNoLongerInTheDirectoryAreUndeployed() throws Exception {
        RuleDefinition kept = rule("vigil-kept", 1, "a");
        RuleDeployPlan plan = RuleDeployPlan.of(List.of(kept), Map.of(
                "vigil-kept", published(kept), "vigil-removed", published(rule("vigil-removed", 3, "x"))));
        assertThat(plan.undeploy()).containsExactly("vigil-removed");
        assertThat(plan.publish()).isEmpty();
        assertThat(plan.isEmpty()).isFalse();
    }

    @Test
    void aChangedRuleThatKeepsOrLowersThePublishedVersionIsAProblemNotAPublication() throws Exception {
        RuleDeployPlan plan = RuleDeployPlan.of(List.of(rule("vigil-x", 2, "new logic"), rule("vigil-y", 1, "new logic")),
                Map.of("vigil-x", published(rule("vigil-x", 2, "old logic")), "vigil-y", published(rule("vigil-y", 4, "old"))));
        assertThat(plan.publish()).isEmpty();
        assertThat(plan.problems()).hasSize(2);
        assertThat(plan.problems().get(0)).startsWith("vigil-x.epl:").contains("raise @version above 2");
        assertThat(plan.problems().get(1)).startsWith("vigil-y.epl:").contains("raise @version above 4");
    }

    @Test
    void anUnreadableRecordOnTheTopicIsReplaced() throws Exception {
        RuleDefinition local = rule("vigil-x", 1, "a");
        RuleDeployPlan plan = RuleDeployPlan.of(List.of(local), Map.of("vigil-x", "not a rule record"));
        assertThat(plan.publish()).containsExactly(local);
        assertThat(plan.problems()).isEmpty();
    }
}
