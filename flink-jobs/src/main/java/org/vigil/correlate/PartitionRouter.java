package org.vigil.correlate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.CoProcessFunction;
import org.apache.flink.util.Collector;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;

/**
 * Emits an event once per partition field in use that it has a value for, so each rule sees it exactly
 * once, in the state of the entity it correlates on. The fields in use follow the deployed rules: a rule
 * deployed at run time with a field no other rule uses makes the router route by that field too, and a
 * restored router routes by the fields of the rules in force at the checkpoint.
 */
public final class PartitionRouter extends CoProcessFunction<SecurityEvent, RuleChange, RoutedEvent>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    /** Separates rule id and field in the state entries; neither can contain it. */
    private static final char SEPARATOR = '\u001f';
    /** First entry of the state, so a restored empty set differs from a checkpoint without this state. */
    private static final String STATE_HEADER = "vigil-rule-fields-v1";

    private final Map<String, String> initialFields = new TreeMap<>();
    private transient Map<String, String> fieldByRule;
    private transient List<String> fields;
    private transient ListState<String> state;

    /** Routes by the partition fields of {@code rules}, the rules in force when the job starts without state. */
    public PartitionRouter(List<RuleDefinition> rules) {
        rules.forEach(r -> initialFields.put(r.id(), r.metadata().partitionField()));
    }

    /** Routes by fixed fields (tests and benchmarks without rule changes or Flink state). */
    public static PartitionRouter forFields(Set<String> partitionFields) {
        PartitionRouter router = new PartitionRouter(List.of());
        partitionFields.forEach(f -> router.initialFields.put("field:" + f, f));
        router.fieldByRule = new TreeMap<>(router.initialFields);
        router.fields = List.copyOf(new TreeSet<>(router.initialFields.values()));
        return router;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Union state: every instance gets the (identical) entries written by subtask 0, at any parallelism.
        state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("rule-partition-fields", Types.STRING));
        fieldByRule = new TreeMap<>(initialFields);
        if (context.isRestored()) {
            List<String> entries = new ArrayList<>();
            state.get().forEach(entries::add);
            if (entries.contains(STATE_HEADER)) {
                fieldByRule.clear();
                for (String entry : entries) {
                    int at = entry.indexOf(SEPARATOR);
                    if (at > 0) {
                        fieldByRule.put(entry.substring(0, at), entry.substring(at + 1));
                    }
                }
            }
        }
        fields = List.copyOf(new TreeSet<>(fieldByRule.values()));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<String> entries = new ArrayList<>();
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            entries.add(STATE_HEADER);
            fieldByRule.forEach((rule, field) -> entries.add(rule + SEPARATOR + field));
        }
        state.update(entries);
    }

    /** A rule change, broadcast to every instance. */
    @Override
    public void processElement2(RuleChange change, Context ctx, Collector<RoutedEvent> out) {
        if (change.isUndeploy()) {
            fieldByRule.remove(change.ruleId);
        } else {
            fieldByRule.put(change.ruleId, change.partitionField);
        }
        fields = List.copyOf(new TreeSet<>(fieldByRule.values()));
    }

    @Override
    public void processElement1(SecurityEvent event, Context ctx, Collector<RoutedEvent> out) {
        flatMap(event, out);
    }

    /** Routes one event by the fields in use. */
    public void flatMap(SecurityEvent event, Collector<RoutedEvent> out) {
        for (String field : fields) {
            Object value = event.get(field);
            if (value instanceof List<?> values) {
                // A multi-valued field (host.ip): the event belongs to each entity once.
                for (String v : new TreeSet<String>(values.stream().map(String::valueOf).toList())) {
                    out.collect(new RoutedEvent(field, v, event));
                }
            } else if (value != null) {
                out.collect(new RoutedEvent(field, String.valueOf(value), event));
            }
        }
    }
}
