package org.vigil.rules;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules in force in a running job and how a record of the rules topic changes them. Versions only move
 * forward: a record whose {@code @version} is older than the running one is refused, the same version with
 * the same text changes nothing, the same version with other text is refused (alert ids include the
 * version, so changed logic needs a new one). A tombstone undeploys. A rule that fails its check (compile
 * and trial deployment) is refused and the running version stays.
 */
public final class DeployedRuleSet {
    /** Compiles and trial-deploys a rule; throws with file, line and reason when it cannot run. */
    @FunctionalInterface
    public interface Check {
        void check(RuleDefinition rule) throws RuleException;
    }

    /**
     * The outcome of one record.
     *
     * @param rule the rule now in force for the id when it was deployed or replaced, else null
     */
    public record Decision(String ruleId, RuleOutcome outcome, RuleDefinition rule, Integer version,
                           Integer previousVersion, RuleException error) {
        /** True when running jobs must change: a rule deployed, replaced or undeployed. */
        public boolean changesRules() {
            return outcome == RuleOutcome.DEPLOYED || outcome == RuleOutcome.REPLACED || outcome == RuleOutcome.UNDEPLOYED;
        }
    }

    private final Map<String, RuleDefinition> rules = new TreeMap<>();

    public DeployedRuleSet(Collection<RuleDefinition> initial) {
        initial.forEach(r -> rules.put(r.id(), r));
    }

    /** The rules in force, by id. */
    public List<RuleDefinition> rules() {
        return List.copyOf(rules.values());
    }

    /** Applies the record with key {@code ruleId} and value {@code value} (null: tombstone). */
    public Decision apply(String ruleId, String value, Check check) {
        String id = ruleId == null || ruleId.isBlank() ? "(no key)" : ruleId;
        RuleDefinition running = rules.get(id);
        Integer runningVersion = running == null ? null : running.metadata().version();
        if (value == null) {
            if (running == null) {
                return new Decision(id, RuleOutcome.UNCHANGED, null, null, null, null);
            }
            rules.remove(id);
            return new Decision(id, RuleOutcome.UNDEPLOYED, null, runningVersion, runningVersion, null);
        }
        RuleDefinition rule;
        try {
            rule = RuleRecord.parse(value).definition();
        } catch (RuleException e) {
            return refused(id, null, runningVersion, e);
        }
        int version = rule.metadata().version();
        if (!rule.id().equals(id)) {
            return refused(id, version, runningVersion, new RuleException(rule.sourceFile(), 0, "the record's key '" + id
                    + "' is not the rule's @id '" + rule.id() + "'; publish with 'bin/vigil rules deploy'"));
        }
        if (running != null) {
            if (version < runningVersion) {
                return refused(id, version, runningVersion, new RuleException(rule.sourceFile(), 0, "@version " + version
                        + " is older than the running version " + runningVersion + "; versions only move forward"));
            }
            if (version == runningVersion) {
                if (rule.epl().equals(running.epl())) {
                    return new Decision(id, RuleOutcome.UNCHANGED, null, version, runningVersion, null);
                }
                return refused(id, version, runningVersion, new RuleException(rule.sourceFile(), 0, "@version " + version
                        + " is already running with other text; raise @version (alert ids include it)"));
            }
        }
        try {
            check.check(rule);
        } catch (RuleException e) {
            return refused(id, version, runningVersion, e);
        }
        rules.put(id, rule);
        return new Decision(id, running == null ? RuleOutcome.DEPLOYED : RuleOutcome.REPLACED, rule, version, runningVersion, null);
    }

    private static Decision refused(String id, Integer version, Integer runningVersion, RuleException error) {
        return new Decision(id, RuleOutcome.REFUSED, null, version, runningVersion, error);
    }
}
