package org.vigil.correlate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.event.SecurityEventTypeInfo;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleRecord;

/**
 * Correlates routed events with Esper in event time: each key's events wait in Flink state until the
 * watermark passes them, then go to this instance's {@link EntityCorrelator} in timestamp order (ties by
 * event id), so the alerts do not depend on arrival order. Events already behind the watermark go to
 * {@link #LATE_EVENTS}. Rule changes arrive on the broadcast input and are swapped in while the job runs.
 *
 * <p>Flink state is the source of truth: released events stay in {@code retained-events} for their rules'
 * horizon, so that {@link CorrelateOperator} can rebuild Esper's windows and patterns after a restore and a
 * newly deployed rule can be warmed up with them; the rules in force are kept in {@link #DEPLOYED_RULES}. Once a key's
 * last retained events leave the horizon, its Esper partitions are ended too, so Esper holds no more than a restore would.
 */
public final class CorrelateFunction extends KeyedBroadcastProcessFunction<String, RoutedEvent, RuleChange, Alert> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CorrelateFunction.class);

    /** Events that arrived after the watermark passed their timestamp; counted and written out, never dropped. */
    public static final OutputTag<SecurityEvent> LATE_EVENTS = new OutputTag<>("late-events", SecurityEventTypeInfo.INSTANCE);

    /**
     * The rules in force on this instance, by id, as {@link RuleRecord} JSON, plus the entry {@link #RULE_SET_MARKER}
     * once written: a checkpoint taken before hot deploy existed has no marker and keeps the rules of the start.
     */
    public static final MapStateDescriptor<String, String> DEPLOYED_RULES =
            new MapStateDescriptor<>("deployed-rules", Types.STRING, Types.STRING);
    /** Not a valid rule id, so it cannot collide with one. */
    static final String RULE_SET_MARKER = "";

    private final List<RuleDefinition> initialRules;
    private final int maxEvidence;

    /** Set by {@link CorrelateOperator} before {@link #open} when restored: the rules of the checkpoint. */
    private transient List<RuleDefinition> restoredRules;
    private transient Map<String, RuleDefinition> rules;
    private transient Map<String, Long> horizonMillisByField;
    private transient EntityCorrelator correlator;
    private transient AlertSuppressor suppressor;
    private transient MapState<String, Long> suppressedUntil;
    private transient MapState<String, Alert> suppressedAlerts;
    private transient AlertSuppressor.Periods periods;
    /** Lets an alert's suppression period live under its own entity's key; null outside {@link CorrelateOperator}. */
    private transient KeyContext keyContext;
    /** The timer service of the timer being handled; a suppression deadline also schedules its clean-up. */
    private transient TimerService timers;
    /** Set by {@link CorrelateOperator} before {@link #open}: namespaced by event timestamp, which plain functions cannot do. */
    private transient InternalListState<String, Long, SecurityEvent> pending;
    private transient MapState<Long, List<SecurityEvent>> retained;
    private transient ValueState<Long> retainedHorizon;
    private transient Counter lateEvents;
    private transient Counter correlatedEvents;
    private transient Counter eventsWithoutRule;
    private transient Counter alerts;
    private transient Counter suppressedMatches;
    private transient Counter alertRepeats;
    private transient Counter ruleChanges;
    private transient Counter ruleChangeFailures;
    private transient Counter entitiesEnded;

    /** {@code rules}: the rules in force when the job starts without state (may be empty). */
    public CorrelateFunction(List<RuleDefinition> rules, int maxEvidence) {
        if (maxEvidence < 1) {
            throw new IllegalArgumentException("maxEvidence must be at least 1, got " + maxEvidence);
        }
        this.initialRules = List.copyOf(rules);
        this.maxEvidence = maxEvidence;
    }

    /**
     * Events waiting for the watermark: a list per key and event timestamp, the timestamp being the state's namespace
     * ({@link CorrelateOperator} registers it with a {@code Long} namespace). Adding an event neither reads nor
     * rewrites the events already waiting (RocksDB merges the addition), unlike a map of lists by timestamp, which
     * copied the whole list of the timestamp for every event: quadratic for sources with whole-second timestamps.
     */
    static ListStateDescriptor<SecurityEvent> pendingDescriptor() {
        return new ListStateDescriptor<>("pending-events", SecurityEventTypeInfo.INSTANCE);
    }

    /**
     * Events already given to Esper and still inside their rules' horizon, by timestamp, in the order they were given
     * (event id). Written once per timestamp when the watermark releases it and removed once at the end of its horizon,
     * so a list per timestamp costs no read-modify-write; an entry per event would need a scan to find a timestamp's.
     */
    static MapStateDescriptor<Long, List<SecurityEvent>> retainedDescriptor() {
        return new MapStateDescriptor<>("retained-events", Types.LONG, Types.LIST(SecurityEventTypeInfo.INSTANCE));
    }

    /**
     * The horizon (millis) the key's retained events have clean-up timers for; when rule changes alter the
     * horizon of the key's field, the next timer re-schedules them.
     */
    static ValueStateDescriptor<Long> retainedHorizonDescriptor() {
        return new ValueStateDescriptor<>("retained-horizon", Types.LONG);
    }

    /** Per key and rule (and 'per' columns): the event time until which repeats are suppressed. */
    static MapStateDescriptor<String, Long> suppressionDescriptor() {
        return new MapStateDescriptor<>("suppressed-until", Types.STRING, Types.LONG);
    }

    /**
     * Per suppression key: the alert of the open period with its repeats merged in (count, latest repeat), the
     * source of the absolute count every update carries. Kept apart from the deadlines, which the clean-up scans.
     */
    static MapStateDescriptor<String, Alert> suppressedAlertDescriptor() {
        return new MapStateDescriptor<>("suppressed-alerts", Types.STRING, TypeInformation.of(Alert.class));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        if (pending == null) {
            throw new IllegalStateException("CorrelateFunction runs inside CorrelateOperator, which provides its "
                    + pendingDescriptor().getName() + " state");
        }
        install(restoredRules != null ? restoredRules : initialRules);
        retained = getRuntimeContext().getMapState(retainedDescriptor());
        retainedHorizon = getRuntimeContext().getState(retainedHorizonDescriptor());
        suppressedUntil = getRuntimeContext().getMapState(suppressionDescriptor());
        suppressedAlerts = getRuntimeContext().getMapState(suppressedAlertDescriptor());
        periods = new AlertSuppressor.Periods() {
            @Override
            public Long until(String key) throws Exception {
                return suppressedUntil.get(key);
            }

            @Override
            public Alert alert(String key) throws Exception {
                return suppressedAlerts.get(key);
            }

            @Override
            public void start(String key, long untilMillis, Alert alert) throws Exception {
                suppressedUntil.put(key, untilMillis);
                suppressedAlerts.put(key, alert);
                timers.registerEventTimeTimer(untilMillis);
            }

            @Override
            public void update(String key, Alert alert) throws Exception {
                suppressedAlerts.put(key, alert);
            }
        };
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
        correlatedEvents = getRuntimeContext().getMetricGroup().counter("correlatedEvents");
        eventsWithoutRule = getRuntimeContext().getMetricGroup().counter("eventsWithoutRule");
        alerts = getRuntimeContext().getMetricGroup().counter("alerts");
        suppressedMatches = getRuntimeContext().getMetricGroup().counter("suppressedMatches");
        alertRepeats = getRuntimeContext().getMetricGroup().counter("alertRepeats");
        ruleChanges = getRuntimeContext().getMetricGroup().counter("ruleChanges");
        ruleChangeFailures = getRuntimeContext().getMetricGroup().counter("ruleChangeFailures");
        entitiesEnded = getRuntimeContext().getMetricGroup().counter("entitiesEnded");
    }

    /** The rules this function starts with when the job has no state. */
    List<RuleDefinition> initialRules() {
        return initialRules;
    }

    /** Called by the operator before {@link #open}: the pending events, namespaced by event timestamp. */
    void usePendingState(InternalListState<String, Long, SecurityEvent> state) {
        this.pending = state;
    }

    /** Makes {@link #open} start with the rules in force at the restored checkpoint instead of the initial ones. */
    void restoreRules(List<RuleDefinition> ruleSet) {
        restoredRules = List.copyOf(ruleSet);
    }

    /** Replaces the rules in force. */
    private void install(Collection<RuleDefinition> ruleSet) throws RuleException {
        if (correlator != null) {
            correlator.close();
        }
        rules = new LinkedHashMap<>();
        ruleSet.forEach(r -> rules.put(r.id(), r));
        correlator = new EntityCorrelator(List.copyOf(ruleSet), maxEvidence);
        rulesChanged();
    }

    private void rulesChanged() {
        horizonMillisByField = new HashMap<>();
        for (RuleDefinition rule : rules.values()) {
            horizonMillisByField.merge(rule.metadata().partitionField(), rule.metadata().horizon().toMillis(), Math::max);
        }
        suppressor = new AlertSuppressor(List.copyOf(rules.values()));
    }

    /** Writes the rules in force to the broadcast state that checkpoints carry. */
    static void store(BroadcastState<String, String> state, Collection<RuleDefinition> ruleSet) throws Exception {
        state.clear();
        state.put(RULE_SET_MARKER, "");
        for (RuleDefinition rule : ruleSet) {
            state.put(rule.id(), RuleRecord.of(rule).toJson());
        }
    }

    /** The rules kept in broadcast state, or null when it holds none (a job started, not restored, or an old checkpoint). */
    static List<RuleDefinition> stored(BroadcastState<String, String> state) throws Exception {
        if (!state.contains(RULE_SET_MARKER)) {
            return null;
        }
        List<RuleDefinition> ruleSet = new ArrayList<>();
        for (Map.Entry<String, String> e : state.entries()) {
            if (!e.getKey().equals(RULE_SET_MARKER)) {
                ruleSet.add(RuleRecord.parse(e.getValue()).definition());
            }
        }
        ruleSet.sort(Comparator.comparing(RuleDefinition::id));
        return ruleSet;
    }

    /** The rules in force on this instance, by id. */
    Collection<RuleDefinition> rules() {
        return rules.values();
    }

    /** This instance's correlator, for tests and benchmarks that look at its Esper partitions. */
    EntityCorrelator correlator() {
        return correlator;
    }

    @Override
    public void processBroadcastElement(RuleChange change, Context ctx, Collector<Alert> out) throws Exception {
        try {
            if (change.isUndeploy()) {
                correlator.undeploy(change.ruleId);
                rules.remove(change.ruleId);
            } else {
                RuleDefinition rule = change.rule();
                String field = rule.metadata().partitionField();
                // Warm the new rule up with what this instance's keys of its field retain, so a swap does not
                // forget an attack in progress. Only what the retention so far kept is there to see.
                List<RoutedEvent> warmUp = new ArrayList<>();
                ctx.applyToKeyedState(retainedDescriptor(), (key, state) -> {
                    if (RoutedEvent.fieldOfKey(key).equals(field)) {
                        for (List<SecurityEvent> atTimestamp : state.values()) {
                            for (SecurityEvent event : atTimestamp) {
                                warmUp.add(new RoutedEvent(field, RoutedEvent.valueOfKey(key), event));
                            }
                        }
                    }
                });
                correlator.deploy(rule, warmUp);
                rules.put(rule.id(), rule);
            }
        } catch (RuleException | RuntimeException e) {
            // The gate compiled and trial-deployed the rule before broadcasting it, so this is not expected;
            // failing the job would fail again on every restart, so the rule in force before stays.
            ruleChangeFailures.inc();
            LOG.error("rule change {} could not be applied on subtask {}; the rules in force before stay", change,
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), e);
            return;
        }
        ruleChanges.inc();
        rulesChanged();
        store(ctx.getBroadcastState(DEPLOYED_RULES), rules.values());
    }

    @Override
    public void processElement(RoutedEvent routed, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        long timestamp = routed.event.timestampMillis();
        if (timestamp <= ctx.timerService().currentWatermark()) {
            lateEvents.inc();
            ctx.output(LATE_EVENTS, routed.event);
            return;
        }
        pending.setCurrentNamespace(timestamp);
        pending.add(routed.event);
        ctx.timerService().registerEventTimeTimer(timestamp);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        timers = ctx.timerService();
        String key = ctx.getCurrentKey();
        String field = RoutedEvent.fieldOfKey(key);
        long horizon = horizonMillisByField.getOrDefault(field, 0L);
        Long scheduled = retainedHorizon.value();
        if (scheduled != null && scheduled != horizon) {
            rescheduleRetained(timestamp, horizon);
        } else {
            // A timer at t also ends the horizon of the events released at t - horizon.
            retained.remove(timestamp - horizon);
        }

        pending.setCurrentNamespace(timestamp);
        Iterable<SecurityEvent> waiting = pending.get();
        List<SecurityEvent> due = new ArrayList<>();
        if (waiting != null) {
            waiting.forEach(due::add);
        }
        if (due.isEmpty()) {
            // The end of a horizon or of a suppression period.
            forgetSuppressionsDueBy(timestamp);
            // Output that time alone completes (an absence, a guard running out) must not wait for a later event,
            // which after a quiet key or at the end of a bounded input never comes.
            for (Alert alert : correlator.advanceTo(timestamp)) {
                emit(alert, out);
            }
            if (scheduled != null && retained.isEmpty()) {
                retainedHorizon.clear();
                endEntity(field, RoutedEvent.valueOfKey(key), out);
            }
            return;
        }
        pending.clear();
        if (!correlator.handles(field)) {
            // The rules of this field were undeployed while the events waited; the event's other routes stay.
            eventsWithoutRule.inc(due.size());
            return;
        }
        // Stable: events with the same id stay in arrival order.
        due.sort(Comparator.comparing(SecurityEvent::id));
        retained.put(timestamp, due);
        if (scheduled == null) {
            retainedHorizon.update(horizon);
        }
        ctx.timerService().registerEventTimeTimer(timestamp + horizon);
        String value = RoutedEvent.valueOfKey(key);
        for (SecurityEvent event : due) {
            correlatedEvents.inc();
            for (Alert alert : correlator.process(field, value, event)) {
                emit(alert, out);
            }
        }
    }

    /**
     * The key's last retained events have just left its horizon: ends its Esper partitions, which otherwise stay on the
     * heap for every entity ever seen.
     *
     * <p>Why now is safe: a job restored from a checkpoint taken from here on replays this key nothing (it has no
     * retained events) and so holds no partition for it; ending the partition makes this job hold what that one holds,
     * and a job restored from an earlier checkpoint replays the same events and ends the partition at the same timer.
     * Nothing the horizon covers is lost: every event the partition saw is at least one horizon old, so windows and
     * {@code timer:within}/{@code timer:interval} no longer than the horizon have already run out, and their output
     * (an absence completing, a window emptying) came out of {@link EntityCorrelator#advanceTo} to this timer's time
     * just before. What the end drops is only output that a restore after this moment would not produce either: rules
     * whose state outlives their declared horizon. Events still waiting for the watermark have not reached Esper, so
     * they do not matter here; the first of them starts a fresh partition, as it would after a restore.
     */
    private void endEntity(String field, String value, Collector<Alert> out) throws Exception {
        if (!correlator.handles(field)) {
            return;
        }
        for (Alert alert : correlator.endEntity(field, value)) {
            emit(alert, out);
        }
        entitiesEnded.inc();
    }

    /**
     * The horizon of the key's field changed (a rule deployed or undeployed): drops retained events now
     * outside it and schedules the clean-up of the others at the new horizon.
     */
    private void rescheduleRetained(long now, long horizon) throws Exception {
        List<Long> expired = new ArrayList<>();
        for (Long at : retained.keys()) {
            if (at + horizon <= now) {
                expired.add(at);
            } else {
                timers.registerEventTimeTimer(at + horizon);
            }
        }
        for (Long at : expired) {
            retained.remove(at);
        }
        retainedHorizon.update(horizon);
    }

    /** Called by the operator before {@link #open}, so suppression can switch to the key of each alert's entity. */
    void useKeyContext(KeyContext operator) {
        this.keyContext = operator;
    }

    /** Emits a match as a new alert, or as an update of the alert of its suppression period. */
    private void emit(Alert match, Collector<Alert> out) throws Exception {
        Alert alert = suppress(match);
        if (alert == null) {
            // A period from a checkpoint taken before repeats were merged: no alert to update.
            suppressedMatches.inc();
            return;
        }
        if (alert.isFirstOccurrence()) {
            alerts.inc();
        } else {
            alertRepeats.inc();
        }
        out.collect(alert);
    }

    /**
     * The match as a new alert or merged into its period's alert ({@link AlertSuppressor#apply}), judged with the
     * periods of its own entity's key. Moving Esper's clock (for an event or timer of one key) can complete another
     * entity's match on this instance; its period must not land under, or be looked up in, the key that happened
     * to move the clock.
     */
    private Alert suppress(Alert match) throws Exception {
        Object current = keyContext == null ? null : keyContext.getCurrentKey();
        String entityKey = RoutedEvent.key(match.partitionField(), match.partitionValue());
        boolean switchKey = current != null && !entityKey.equals(current);
        if (switchKey) {
            keyContext.setCurrentKey(entityKey);
        }
        try {
            return suppressor.apply(match, periods);
        } finally {
            if (switchKey) {
                keyContext.setCurrentKey(current);
            }
        }
    }

    private void forgetSuppressionsDueBy(long timestamp) throws Exception {
        if (suppressedUntil.isEmpty()) {
            return;
        }
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Long> entry : suppressedUntil.entries()) {
            if (entry.getValue() <= timestamp) {
                due.add(entry.getKey());
            }
        }
        for (String key : due) {
            suppressedUntil.remove(key);
            suppressedAlerts.remove(key);
        }
    }

    /**
     * Rebuilds Esper's state after a restore from the retained events of every key of this instance, in the
     * order they were first processed; their alerts were emitted before the checkpoint, so none is emitted now.
     */
    void replay(List<RoutedEvent> retainedEvents) {
        List<RoutedEvent> ordered = new ArrayList<>(retainedEvents);
        ordered.sort(EntityCorrelator.REPLAY_ORDER);
        for (RoutedEvent r : ordered) {
            if (correlator.handles(r.field)) {
                correlator.process(r.field, r.value, r.event);
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (correlator != null) {
            correlator.close();
        }
    }
}
