package org.vigil.correlate;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;

/**
 * Runs {@link CorrelateFunction} with the rule changes on its broadcast input and, when the operator is
 * restored from a checkpoint or savepoint (also at another parallelism), reinstates the rules that were in
 * force at that checkpoint and rebuilds Esper's in-memory state from the retained events of all its keys
 * before the first new event, so a restored job raises exactly the alerts an uninterrupted one would.
 */
public final class CorrelateOperator extends CoBroadcastWithKeyedOperator<String, RoutedEvent, RuleChange, Alert> {
    private static final long serialVersionUID = 1L;
    private transient boolean restored;

    public CorrelateOperator(CorrelateFunction function) {
        super(function, List.of(CorrelateFunction.DEPLOYED_RULES));
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        CorrelateFunction function = (CorrelateFunction) userFunction;
        function.useKeyContext(this);
        BroadcastState<String, String> deployed = getOperatorStateBackend().getBroadcastState(CorrelateFunction.DEPLOYED_RULES);
        List<RuleDefinition> atCheckpoint = restored ? CorrelateFunction.stored(deployed) : null;
        if (atCheckpoint != null) {
            function.restoreRules(atCheckpoint);
        } else {
            // Started without state, or from a checkpoint taken before rules were kept in it.
            CorrelateFunction.store(deployed, function.initialRules());
        }
        super.open();
        if (!restored) {
            return;
        }
        List<RoutedEvent> events = new ArrayList<>();
        this.<String>getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                CorrelateFunction.retainedDescriptor(), (key, state) -> {
                    for (List<SecurityEvent> atTimestamp : state.values()) {
                        for (SecurityEvent event : atTimestamp) {
                            events.add(new RoutedEvent(RoutedEvent.fieldOfKey(key), RoutedEvent.valueOfKey(key), event));
                        }
                    }
                });
        function.replay(events);
    }
}
