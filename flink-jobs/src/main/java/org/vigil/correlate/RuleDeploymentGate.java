package org.vigil.correlate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.rules.DeployedRuleSet;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleRecord;
import org.vigil.rules.RuleStatus;

/**
 * Decides, once for the whole job (parallelism 1), what each record of the rules topic does: parses and
 * compiles the rule and deploys it on a scratch Esper runtime, applies the version order of
 * {@link DeployedRuleSet}, emits the accepted changes for broadcast to every router and correlator, and one
 * {@link RuleStatus} per record on {@link #STATUS}. A refused rule never reaches the correlators, so the
 * version running before keeps running.
 */
public final class RuleDeploymentGate extends ProcessFunction<PublishedRule, RuleChange> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RuleDeploymentGate.class);
    /** The gate's task name in status records. */
    public static final String TASK = "rule-deployment-gate";

    /** One status record per rules-topic record. */
    public static final OutputTag<RuleStatus> STATUS =
            new OutputTag<>("rule-status", new org.vigil.job.JavaSerializedTypeInfo<>(RuleStatus.class));

    /** First element of the state list, so a restored empty rule set differs from state written before hot deploy. */
    private static final String STATE_HEADER = "vigil-deployed-rules-v1";

    private final List<RuleDefinition> initialRules;
    private final Clock clock;
    private transient DeployedRuleSet deployed;
    private transient ListState<String> state;
    private transient RuleStatus.Reporter reporter;

    /** {@code rules}: the rules in force when the job starts without state. */
    public RuleDeploymentGate(List<RuleDefinition> rules) {
        this(rules, Clock.systemUTC());
    }

    RuleDeploymentGate(List<RuleDefinition> rules, Clock clock) {
        this.initialRules = List.copyOf(rules);
        this.clock = clock;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("deployed-rules", Types.STRING));
        List<RuleDefinition> restored = null;
        if (context.isRestored()) {
            List<String> entries = new ArrayList<>();
            state.get().forEach(entries::add);
            if (!entries.isEmpty() && entries.get(0).equals(STATE_HEADER)) {
                restored = new ArrayList<>();
                for (String json : entries.subList(1, entries.size())) {
                    restored.add(RuleRecord.parse(json).definition());
                }
            }
        }
        deployed = new DeployedRuleSet(restored != null ? restored : initialRules);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<String> entries = new ArrayList<>();
        entries.add(STATE_HEADER);
        deployed.rules().forEach(r -> entries.add(RuleRecord.of(r).toJson()));
        state.update(entries);
    }

    @Override
    public void open(OpenContext openContext) {
        reporter = new RuleStatus.Reporter(getRuntimeContext().getJobInfo().getJobId().toString(), TASK,
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    }

    @Override
    public void processElement(PublishedRule published, Context ctx, Collector<RuleChange> out) {
        DeployedRuleSet.Decision d = deployed.apply(published.ruleId, published.value, RuleDeploymentGate::trialDeploy);
        if (d.outcome() == org.vigil.rules.RuleOutcome.DEPLOYED || d.outcome() == org.vigil.rules.RuleOutcome.REPLACED) {
            out.collect(RuleChange.deploy(d.rule()));
        } else if (d.outcome() == org.vigil.rules.RuleOutcome.UNDEPLOYED) {
            out.collect(RuleChange.undeploy(d.ruleId()));
        }
        RuleStatus status = new RuleStatus(d.ruleId(), d.version(), d.previousVersion(), d.outcome(), d.error(),
                clock.instant(), reporter, new RuleStatus.Source(published.topic, published.partition, published.offset));
        LOG.info("rules topic {}: {}", published, status.describe());
        ctx.output(STATUS, status);
    }

    /** Compiles the rule and deploys it on a scratch runtime, which runs every check a correlator runs. */
    public static void trialDeploy(RuleDefinition rule) throws RuleException {
        new EntityCorrelator(List.of(rule), 1).close();
    }
}
