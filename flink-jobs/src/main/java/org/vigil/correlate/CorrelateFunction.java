package org.vigil.correlate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
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
 */
public final class CorrelateFunction extends KeyedProcessFunction<String, RoutedEvent, Alert> {
    private static final long serialVersionUID = 1L;

    /** Events that arrived after the watermark passed their timestamp; counted and written out, never dropped. */
    public static final OutputTag<SecurityEvent> LATE_EVENTS = new OutputTag<>("late-events", SecurityEventTypeInfo.INSTANCE);

    private final List<RuleDefinition> rules;
    private final int maxEvidence;

    private transient EntityCorrelator correlator;
    private transient MapState<Long, List<SecurityEvent>> pending;
    private transient Counter lateEvents;
    private transient Counter correlatedEvents;
    private transient Counter alerts;

    public CorrelateFunction(List<RuleDefinition> rules, int maxEvidence) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("rules must not be empty");
        }
        if (maxEvidence < 1) {
            throw new IllegalArgumentException("maxEvidence must be at least 1, got " + maxEvidence);
        }
        this.rules = List.copyOf(rules);
        this.maxEvidence = maxEvidence;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        correlator = new EntityCorrelator(rules, maxEvidence);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending-events", Types.LONG, Types.LIST(SecurityEventTypeInfo.INSTANCE)));
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
        correlatedEvents = getRuntimeContext().getMetricGroup().counter("correlatedEvents");
        alerts = getRuntimeContext().getMetricGroup().counter("alerts");
    }

    @Override
    public void processElement(RoutedEvent routed, Context ctx, Collector<Alert> out) throws Exception {
        long timestamp = routed.event.timestampMillis();
        if (timestamp <= ctx.timerService().currentWatermark()) {
            lateEvents.inc();
            ctx.output(LATE_EVENTS, routed.event);
            return;
        }
        List<SecurityEvent> atTimestamp = pending.get(timestamp);
        List<SecurityEvent> updated = atTimestamp == null ? new ArrayList<>(1) : new ArrayList<>(atTimestamp);
        updated.add(routed.event);
        pending.put(timestamp, updated);
        ctx.timerService().registerEventTimeTimer(timestamp);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<SecurityEvent> due = pending.get(timestamp);
        if (due == null) {
            return;
        }
        pending.remove(timestamp);
        List<SecurityEvent> ordered = new ArrayList<>(due);
        ordered.sort(Comparator.comparing(SecurityEvent::id));
        String key = ctx.getCurrentKey();
        String field = RoutedEvent.fieldOfKey(key);
        String value = RoutedEvent.valueOfKey(key);
        for (SecurityEvent event : ordered) {
            correlatedEvents.inc();
            for (Alert alert : correlator.process(field, value, event)) {
                alerts.inc();
                out.collect(alert);
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
