package org.vigil.correlate;

import java.util.Objects;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleRecord;

/**
 * A change to the rules in force, decided by the {@link RuleDeploymentGate} and broadcast to every router
 * and correlator instance: deploy (or replace) a rule, or undeploy it when {@code text} is null.
 *
 * <p>A public mutable POJO so Flink serializes it without Kryo; treat it as immutable.
 */
public final class RuleChange {
    public String ruleId;
    /** The partition field of the rule deployed; null for an undeploy. */
    public String partitionField;
    /** The rule file's path, for messages. */
    public String file;
    /** The rule file's text; null for an undeploy. */
    public String text;

    public RuleChange() {}

    private RuleChange(String ruleId, String partitionField, String file, String text) {
        this.ruleId = Objects.requireNonNull(ruleId);
        this.partitionField = partitionField;
        this.file = file;
        this.text = text;
    }

    public static RuleChange deploy(RuleDefinition rule) {
        return new RuleChange(rule.id(), rule.metadata().partitionField(), rule.sourceFile(), rule.epl());
    }

    public static RuleChange undeploy(String ruleId) {
        return new RuleChange(ruleId, null, null, null);
    }

    public boolean isUndeploy() {
        return text == null;
    }

    /** The rule to deploy (the gate has checked it already). */
    public RuleDefinition rule() throws RuleException {
        return new RuleRecord(file, text).definition();
    }

    @Override
    public String toString() {
        return (isUndeploy() ? "undeploy " : "deploy ") + ruleId;
    }
}
