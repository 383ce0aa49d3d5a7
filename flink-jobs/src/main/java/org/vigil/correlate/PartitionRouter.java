package org.vigil.correlate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;

/**
 * Emits an event once per partition field in use that it has a value for, so each rule sees it exactly
 * once, in the state of the entity it correlates on. The fields in use follow the deployed rules: a rule
 * deployed at run time with a field no other rule uses makes the router route by that field too.
 */
public final class PartitionRouter extends BroadcastProcessFunction<SecurityEvent, RuleChange, RoutedEvent> {
    private static final long serialVersionUID = 1L;

    /**
     * Rule changes since the job started without state: rule id to partition field, or "" once undeployed.
     * The rules of the start ({@code rules.dir}) are the constructor's; this state overrides them.
     */
    public static final MapStateDescriptor<String, String> RULE_FIELDS =
            new MapStateDescriptor<>("rule-partition-fields", Types.STRING, Types.STRING);

    private final Map<String, String> initialFields = new HashMap<>();
    private transient List<String> fields;

    /** Routes by the partition fields of {@code rules}, the rules in force when the job starts. */
    public PartitionRouter(List<RuleDefinition> rules) {
        rules.forEach(r -> initialFields.put(r.id(), r.metadata().partitionField()));
    }

    /** Routes by fixed fields (tests and benchmarks without rule changes). */
    public static PartitionRouter forFields(Set<String> partitionFields) {
        PartitionRouter router = new PartitionRouter(List.of());
        partitionFields.forEach(f -> router.initialFields.put("field:" + f, f));
        return router;
    }

    @Override
    public void processElement(SecurityEvent event, ReadOnlyContext ctx, Collector<RoutedEvent> out) throws Exception {
        if (fields == null) {
            fields = fieldsInUse(ctx.getBroadcastState(RULE_FIELDS).immutableEntries());
        }
        route(event, out);
    }

    @Override
    public void processBroadcastElement(RuleChange change, Context ctx, Collector<RoutedEvent> out) throws Exception {
        BroadcastState<String, String> changes = ctx.getBroadcastState(RULE_FIELDS);
        changes.put(change.ruleId, change.isUndeploy() ? "" : change.partitionField);
        fields = fieldsInUse(changes.immutableEntries());
    }

    private List<String> fieldsInUse(Iterable<Map.Entry<String, String>> changes) {
        Map<String, String> byRule = new HashMap<>(initialFields);
        changes.forEach(e -> byRule.put(e.getKey(), e.getValue()));
        Set<String> inUse = new TreeSet<>(byRule.values());
        inUse.remove("");
        return List.copyOf(inUse);
    }

    /** Routes with the fields given at construction, without Flink state (benchmarks). */
    public void flatMap(SecurityEvent event, Collector<RoutedEvent> out) {
        if (fields == null) {
            fields = fieldsInUse(List.of());
        }
        route(event, out);
    }

    private void route(SecurityEvent event, Collector<RoutedEvent> out) {
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
