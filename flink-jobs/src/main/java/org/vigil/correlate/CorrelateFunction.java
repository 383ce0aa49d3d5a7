package org.vigil.correlate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.event.SecurityEventTypeInfo;
import org.vigil.rules.RuleDefinition;

/**
 * Correlates routed events with Esper in event time: each key's events wait in Flink state until the
 * watermark passes them, then go to this instance's {@link EntityCorrelator} in timestamp order (ties by
 * event id), so the alerts do not depend on arrival order. Events already behind the watermark go to
 * {@link #LATE_EVENTS}.
 *
 * <p>Flink state is the source of truth: released events stay in {@code retained-events} for their rules'
 * horizon, so that {@link CorrelateOperator} can rebuild Esper's windows and patterns after a restore.
 */
public final class CorrelateFunction extends KeyedProcessFunction<String, RoutedEvent, Alert> {
    private static final long serialVersionUID = 1L;

    /** Events that arrived after the watermark passed their timestamp; counted and written out, never dropped. */
    public static final OutputTag<SecurityEvent> LATE_EVENTS = new OutputTag<>("late-events", SecurityEventTypeInfo.INSTANCE);

    private final List<RuleDefinition> rules;
    private final int maxEvidence;
    private final Map<String, Long> horizonMillisByField = new HashMap<>();

    private transient EntityCorrelator correlator;
    private transient AlertSuppressor suppressor;
    private transient MapState<String, Long> suppressedUntil;
    private transient AlertSuppressor.Deadlines deadlines;
    /** The timer service of the timer being handled; a suppression deadline also schedules its clean-up. */
    private transient TimerService timers;
    private transient MapState<Long, List<SecurityEvent>> pending;
    private transient MapState<Long, List<SecurityEvent>> retained;
    private transient Counter lateEvents;
    private transient Counter correlatedEvents;
    private transient Counter alerts;
    private transient Counter suppressedMatches;

    public CorrelateFunction(List<RuleDefinition> rules, int maxEvidence) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("rules must not be empty");
        }
        if (maxEvidence < 1) {
            throw new IllegalArgumentException("maxEvidence must be at least 1, got " + maxEvidence);
        }
        this.rules = List.copyOf(rules);
        this.maxEvidence = maxEvidence;
        for (RuleDefinition rule : rules) {
            horizonMillisByField.merge(rule.metadata().partitionField(), rule.metadata().horizon().toMillis(), Math::max);
        }
    }

    /** Events waiting for the watermark, by timestamp. */
    static MapStateDescriptor<Long, List<SecurityEvent>> pendingDescriptor() {
        return new MapStateDescriptor<>("pending-events", Types.LONG, Types.LIST(SecurityEventTypeInfo.INSTANCE));
    }

    /** Events already given to Esper and still inside their rules' horizon, by timestamp. */
    static MapStateDescriptor<Long, List<SecurityEvent>> retainedDescriptor() {
        return new MapStateDescriptor<>("retained-events", Types.LONG, Types.LIST(SecurityEventTypeInfo.INSTANCE));
    }

    /** Per key and rule (and 'per' columns): the event time until which repeats are suppressed. */
    static MapStateDescriptor<String, Long> suppressionDescriptor() {
        return new MapStateDescriptor<>("suppressed-until", Types.STRING, Types.LONG);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        correlator = new EntityCorrelator(rules, maxEvidence);
        suppressor = new AlertSuppressor(rules);
        pending = getRuntimeContext().getMapState(pendingDescriptor());
        retained = getRuntimeContext().getMapState(retainedDescriptor());
        suppressedUntil = getRuntimeContext().getMapState(suppressionDescriptor());
        deadlines = new AlertSuppressor.Deadlines() {
            @Override
            public Long get(String key) throws Exception {
                return suppressedUntil.get(key);
            }

            @Override
            public void put(String key, long untilMillis) throws Exception {
                suppressedUntil.put(key, untilMillis);
                timers.registerEventTimeTimer(untilMillis);
            }
        };
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
        correlatedEvents = getRuntimeContext().getMetricGroup().counter("correlatedEvents");
        alerts = getRuntimeContext().getMetricGroup().counter("alerts");
        suppressedMatches = getRuntimeContext().getMetricGroup().counter("suppressedMatches");
    }

    @Override
    public void processElement(RoutedEvent routed, Context ctx, Collector<Alert> out) throws Exception {
        long timestamp = routed.event.timestampMillis();
        if (timestamp <= ctx.timerService().currentWatermark()) {
            lateEvents.inc();
            ctx.output(LATE_EVENTS, routed.event);
            return;
        }
        append(pending, timestamp, routed.event);
        ctx.timerService().registerEventTimeTimer(timestamp);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        timers = ctx.timerService();
        String key = ctx.getCurrentKey();
        String field = RoutedEvent.fieldOfKey(key);
        long horizon = horizonMillisByField.get(field);
        // A timer at t also ends the horizon of the events released at t - horizon; one without events due is
        // the end of a suppression period.
        retained.remove(timestamp - horizon);

        List<SecurityEvent> due = pending.get(timestamp);
        if (due == null) {
            forgetSuppressionsDueBy(timestamp);
            // Output that time alone completes (an absence, a guard running out) must not wait for a later event,
            // which after a quiet key or at the end of a bounded input never comes.
            for (Alert alert : correlator.advanceTo(timestamp)) {
                emit(alert, out);
            }
            return;
        }
        pending.remove(timestamp);
        List<SecurityEvent> ordered = new ArrayList<>(due);
        ordered.sort(Comparator.comparing(SecurityEvent::id));
        retained.put(timestamp, ordered);
        ctx.timerService().registerEventTimeTimer(timestamp + horizon);
        String value = RoutedEvent.valueOfKey(key);
        for (SecurityEvent event : ordered) {
            correlatedEvents.inc();
            for (Alert alert : correlator.process(field, value, event)) {
                emit(alert, out);
            }
        }
    }

    private void emit(Alert alert, Collector<Alert> out) throws Exception {
        if (!suppressor.admit(alert, deadlines)) {
            suppressedMatches.inc();
            return;
        }
        alerts.inc();
        out.collect(alert);
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
        }
    }

    /**
     * Rebuilds Esper's state after a restore from the retained events of every key of this instance, in the
     * order they were first processed; their alerts were emitted before the checkpoint, so none is emitted now.
     */
    void replay(List<RoutedEvent> retainedEvents) {
        List<RoutedEvent> ordered = new ArrayList<>(retainedEvents);
        ordered.sort(Comparator.<RoutedEvent>comparingLong(r -> r.event.timestampMillis())
                .thenComparing((RoutedEvent r) -> r.key()).thenComparing((RoutedEvent r) -> r.event.id()));
        for (RoutedEvent r : ordered) {
            correlator.process(r.field, r.value, r.event);
        }
    }

    @Override
    public void close() throws Exception {
        if (correlator != null) {
            correlator.close();
        }
    }

    private static void append(MapState<Long, List<SecurityEvent>> state, long timestamp, SecurityEvent event) throws Exception {
        List<SecurityEvent> atTimestamp = state.get(timestamp);
        List<SecurityEvent> updated = atTimestamp == null ? new ArrayList<>(1) : new ArrayList<>(atTimestamp);
        updated.add(event);
        state.put(timestamp, updated);
    }
}
