package org.vigil.correlate;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.runtime.client.DeploymentOptions;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleMetadata;

/**
 * Runs a set of rules over routed events with Esper: one runtime per rule (so a rule can be deployed,
 * warmed up and swapped without touching the others), an external clock advanced from event time, and the
 * {@code alert} statements' rows turned into {@link Alert}s. An event routed under a partition field goes
 * to each rule partitioned by that field once.
 *
 * <p>Callers feed events in event-time order; each call returns the alerts it completed. Not thread-safe.
 */
public final class EntityCorrelator implements AutoCloseable {
    /** A deployed rule: its own Esper runtime and the rule it runs. */
    private record RuleRuntime(RuleDefinition rule, EPRuntime runtime) {}

    private final Map<String, RuleRuntime> byRuleId = new TreeMap<>();
    private final Map<String, List<RuleRuntime>> byField = new TreeMap<>();
    private final List<Alert> completed = new ArrayList<>();
    private final int maxEvidence;
    private final RuleCompiler compiler = new RuleCompiler();
    private long currentTime = Long.MIN_VALUE;

    /** Compiles and deploys the rules; a rule that does not compile is refused with its file and line. */
    public EntityCorrelator(List<RuleDefinition> rules, int maxEvidence) throws RuleException {
        this.maxEvidence = maxEvidence;
        try {
            for (RuleDefinition rule : rules) {
                deploy(rule, List.of());
            }
        } catch (RuleException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Deploys {@code rule}, replacing the running rule of the same id only once the new one is compiled,
     * deployed and warmed up: {@code warmUp} (events already correlated under the rule's partition field,
     * any order) is fed to the new rule alone with its output discarded, so it joins attacks in progress.
     * On failure the running rule is left as it was.
     */
    public void deploy(RuleDefinition rule, List<RoutedEvent> warmUp) throws RuleException {
        EPCompiled compiled = compiler.compile(rule);
        EPRuntime runtime = newRuntime(compiler);
        try {
            deploy(runtime, compiled, rule);
            List<RoutedEvent> ordered = new ArrayList<>(warmUp);
            ordered.sort(REPLAY_ORDER);
            for (RoutedEvent r : ordered) {
                runtime.getEventService().advanceTime(r.event.timestampMillis());
                runtime.getEventService().sendEventMap(EsperEventType.toEsper(r.event, r.value), EsperEventType.NAME);
            }
            if (currentTime != Long.MIN_VALUE) {
                runtime.getEventService().advanceTime(currentTime);
            }
        } catch (RuleException | RuntimeException e) {
            runtime.destroy();
            completed.clear();
            throw e;
        }
        // What the warm-up completed happened before the deployment: the new rule reports only what follows.
        completed.clear();
        RuleRuntime replaced = byRuleId.put(rule.id(), new RuleRuntime(rule, runtime));
        if (replaced != null) {
            replaced.runtime().destroy();
        }
        rebuildFieldIndex();
    }

    /** Removes the rule with this id; false when none runs. */
    public boolean undeploy(String ruleId) {
        RuleRuntime removed = byRuleId.remove(ruleId);
        if (removed == null) {
            return false;
        }
        removed.runtime().destroy();
        rebuildFieldIndex();
        return true;
    }

    private void rebuildFieldIndex() {
        byField.clear();
        for (RuleRuntime r : byRuleId.values()) {
            byField.computeIfAbsent(r.rule().metadata().partitionField(), f -> new ArrayList<>()).add(r);
        }
    }

    /** Replay and warm-up order: event time, then key, then event id, as the job first processed them. */
    static final java.util.Comparator<RoutedEvent> REPLAY_ORDER = java.util.Comparator
            .<RoutedEvent>comparingLong(r -> r.event.timestampMillis())
            .thenComparing((RoutedEvent r) -> r.key()).thenComparing((RoutedEvent r) -> r.event.id());

    private static EPRuntime newRuntime(RuleCompiler compiler) {
        // A unique URI: several operator instances share one JVM in a MiniCluster.
        EPRuntime runtime = EPRuntimeProvider.getRuntime("vigil-" + UUID.randomUUID(), compiler.runtimeConfiguration());
        try {
            runtime.getDeploymentService().deploy(compiler.base());
        } catch (EPDeployException e) {
            runtime.destroy();
            throw new IllegalStateException("cannot deploy Vigil's base module: " + e.getMessage(), e);
        }
        return runtime;
    }

    /**
     * Whether rows of this type can name their entity: they carry the partition key or a column that can hold
     * events (a pattern tag, {@code window(*)}'s maps, a collection); only all-scalar rows are sure not to.
     */
    private static boolean namesEntity(com.espertech.esper.common.client.EventType type) {
        for (com.espertech.esper.common.client.EventPropertyDescriptor p : type.getPropertyDescriptors()) {
            if (EsperEventType.PARTITION_KEY.equals(p.getPropertyName()) || p.isFragment()) {
                return true;
            }
            Class<?> t = p.getPropertyType();
            Class<?> element = t != null && t.isArray() ? t.getComponentType() : t;
            if (element == null || element == Object.class || Map.class.isAssignableFrom(element)
                    || Collection.class.isAssignableFrom(element) || EventBean.class.isAssignableFrom(element)
                    || SecurityEvent.class.isAssignableFrom(element)) {
                return true;
            }
        }
        return false;
    }

    private void deploy(EPRuntime runtime, EPCompiled compiled, RuleDefinition rule) throws RuleException {
        try {
            EPDeployment deployment = runtime.getDeploymentService().deploy(compiled, new DeploymentOptions().setDeploymentId(rule.id()));
            for (EPStatement statement : deployment.getStatements()) {
                if (RuleCompiler.ALERT_STATEMENT.equals(statement.getName())) {
                    RuleMetadata metadata = rule.metadata();
                    List<String> columns = List.of(statement.getEventType().getPropertyNames());
                    if (!namesEntity(statement.getEventType())) {
                        // Its rows could not say which entity alerted: refuse it rather than drop them at run time.
                        runtime.getDeploymentService().undeploy(deployment.getDeploymentId());
                        throw new RuleException(rule.sourceFile(), 0, "the alert statement selects neither the"
                                + " events that trigger it (a pattern tag, window(*)) nor '" + EsperEventType.PARTITION_KEY
                                + "', so its alerts would name no entity; it has " + columns);
                    }
                    for (String column : metadata.suppression().perColumns()) {
                        if (!columns.contains(column)) {
                            runtime.getDeploymentService().undeploy(deployment.getDeploymentId());
                            throw new RuleException(rule.sourceFile(), 0, "@suppress ... per " + column
                                    + ": the alert statement has no column '" + column + "' (it has " + columns + ")");
                        }
                    }
                    statement.addListener((newEvents, oldEvents, stmt, rt) -> onAlertRows(metadata, newEvents));
                }
            }
        } catch (EPDeployException | com.espertech.esper.runtime.client.EPUndeployException e) {
            throw new RuleException(rule.sourceFile(), 0, "cannot deploy: " + e.getMessage(), e);
        }
    }

    /** How many {@code PerEntity} context partitions the rule's runtime holds now (for tests and benchmarks). */
    int contextPartitions(String ruleId) {
        RuleRuntime r = byRuleId.get(ruleId);
        if (r == null) {
            throw new IllegalArgumentException("no rule " + ruleId);
        }
        int count = 0;
        for (String deploymentId : r.runtime().getDeploymentService().getDeployments()) {
            for (EPStatement statement : r.runtime().getDeploymentService().getDeployment(deploymentId).getStatements()) {
                if (RuleCompiler.CONTEXT_STATEMENT.equals(statement.getName())) {
                    count += r.runtime().getContextPartitionService().getContextPartitionIds(deploymentId,
                            RuleCompiler.CONTEXT, com.espertech.esper.common.client.context.ContextPartitionSelectorAll.INSTANCE).size();
                }
            }
        }
        return count;
    }

    /** The partition fields the rules use; events are routed once per field. */
    public java.util.Set<String> partitionFields() {
        return java.util.Collections.unmodifiableSet(byField.keySet());
    }

    /** True when at least one rule is partitioned by {@code partitionField}. */
    public boolean handles(String partitionField) {
        return byField.containsKey(partitionField);
    }

    /** Current event time of the Esper clocks, epoch millis. */
    public long currentTime() {
        return currentTime;
    }

    /** Moves every runtime's clock forward to {@code timeMillis}, firing time-based output; returns completed alerts. */
    public List<Alert> advanceTo(long timeMillis) {
        if (timeMillis > currentTime) {
            currentTime = timeMillis;
            for (RuleRuntime r : byRuleId.values()) {
                r.runtime().getEventService().advanceTime(timeMillis);
            }
        }
        return drain();
    }

    /** Feeds one event routed under {@code partitionField} = {@code partitionValue}; returns completed alerts. */
    public List<Alert> process(String partitionField, String partitionValue, SecurityEvent event) {
        List<RuleRuntime> rules = byField.get(partitionField);
        if (rules == null) {
            throw new IllegalArgumentException("no rule is partitioned by " + partitionField);
        }
        // Matches that time completes up to this event (an absence, a window's end) come out before its own.
        List<Alert> completedByTime = advanceTo(event.timestampMillis());
        Map<String, Object> esperEvent = EsperEventType.toEsper(event, partitionValue);
        for (RuleRuntime r : rules) {
            r.runtime().getEventService().sendEventMap(esperEvent, EsperEventType.NAME);
        }
        List<Alert> completedByEvent = drain();
        if (completedByTime.isEmpty()) {
            return completedByEvent;
        }
        List<Alert> all = new ArrayList<>(completedByTime);
        all.addAll(completedByEvent);
        return all;
    }

    /**
     * Ends the {@code PerEntity} partitions of {@code partitionField} = {@code partitionValue} in every rule partitioned by
     * that field, dropping their windows, patterns and timers; the entity's next event starts fresh ones. A key without
     * a partition gets none (see {@link RuleCompiler#contextDeclaration}), so ending it again, or in a runtime that
     * serves several rules of the field, changes nothing. Time-based output up to now must have been taken first
     * ({@link #advanceTo}); returns what the end itself completed, which for Vigil's rules is nothing (output on a
     * partition's end needs output rate limiting, which rules may not use).
     */
    public List<Alert> endEntity(String partitionField, String partitionValue) {
        List<RuleRuntime> rules = byField.get(partitionField);
        if (rules != null) {
            Map<String, Object> end = Map.of(EsperEventType.PARTITION_KEY, partitionValue);
            for (RuleRuntime r : rules) {
                r.runtime().getEventService().sendEventMap(end, RuleCompiler.ENTITY_END);
            }
        }
        return drain();
    }

    private List<Alert> drain() {
        if (completed.isEmpty()) {
            return List.of();
        }
        List<Alert> out = List.copyOf(completed);
        completed.clear();
        return out;
    }

    private void onAlertRows(RuleMetadata rule, EventBean[] rows) {
        if (rows == null) {
            return;
        }
        for (EventBean row : rows) {
            completed.add(toAlert(rule, row));
        }
    }

    private Alert toAlert(RuleMetadata rule, EventBean row) {
        List<SecurityEvent> evidence = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        String partitionValue = null;
        for (String column : row.getEventType().getPropertyNames()) {
            Object value = row.get(column);
            if (EsperEventType.PARTITION_KEY.equals(column) && value != null) {
                partitionValue = String.valueOf(value);
            } else if (!collectEvents(value, evidence)) {
                details.put(column, plainValue(value));
            }
        }
        if (partitionValue == null) {
            partitionValue = evidence.stream().map(e -> entityOf(e, rule.partitionField()))
                    .filter(v -> v != null).findFirst().orElse(null);
        }
        if (partitionValue == null) {
            throw new IllegalStateException("rule " + rule.id() + ": the alert row names no entity; select the events"
                    + " that triggered it or '" + EsperEventType.PARTITION_KEY + "'");
        }
        List<SecurityEvent> distinct = evidence.stream().distinct().toList();
        return Alert.builder()
                .ruleId(rule.id())
                .ruleVersion(rule.version())
                .ruleName(rule.name())
                .ruleDescription(rule.description())
                .severity(rule.severity())
                .riskScore(rule.riskScore())
                .verificationPolicy(rule.verification())
                .tacticIds(rule.tacticIds())
                .techniqueIds(rule.techniqueIds())
                .partition(rule.partitionField(), partitionValue)
                .timestampMillis(currentTime)
                .triggeringEvents(distinct, maxEvidence)
                .details(details)
                .build();
    }

    private static String entityOf(SecurityEvent e, String field) {
        return e.getString(field);
    }

    /** Adds the events in an output column to {@code out}; false when the column holds no events. */
    private static boolean collectEvents(Object value, List<SecurityEvent> out) {
        if (value instanceof EventBean bean) {
            return collectEvents(bean.getUnderlying(), out);
        }
        if (value instanceof Map<?, ?> map && map.get(EsperEventType.ORIGINAL) instanceof SecurityEvent e) {
            out.add(e);
            return true;
        }
        if (value instanceof SecurityEvent e) {
            out.add(e);
            return true;
        }
        if (value instanceof Object[] array && array.length > 0) {
            boolean any = false;
            for (Object element : array) {
                any |= collectEvents(element, out);
            }
            return any;
        }
        if (value instanceof Collection<?> collection && !collection.isEmpty()) {
            boolean any = false;
            for (Object element : collection) {
                any |= collectEvents(element, out);
            }
            return any;
        }
        return false;
    }

    private static Object plainValue(Object value) {
        if (value instanceof Object[] array) {
            List<Object> list = new ArrayList<>();
            for (Object o : array) {
                list.add(plainValue(o));
            }
            return list;
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(EntityCorrelator::plainValue).toList();
        }
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        return String.valueOf(value);
    }

    @Override
    public void close() {
        for (RuleRuntime r : byRuleId.values()) {
            r.runtime().destroy();
        }
        byRuleId.clear();
        byField.clear();
    }
}
