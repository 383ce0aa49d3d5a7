package org.vigil.correlate;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.util.StateMigrationException;
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
        function.usePendingState(pendingState());
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

    /**
     * The pending events with the event timestamp as namespace. A checkpoint of the earlier layout (a map of lists by
     * timestamp under the same name) is refused here by Flink's state compatibility check rather than read wrongly.
     */
    @SuppressWarnings("unchecked")
    private InternalListState<String, Long, SecurityEvent> pendingState() throws Exception {
        ListState<SecurityEvent> state;
        try {
            state = getOrCreateKeyedState(LongSerializer.INSTANCE, CorrelateFunction.pendingDescriptor());
        } catch (StateMigrationException e) {
            throw new StateMigrationException("the restored checkpoint keeps " + CorrelateFunction.pendingDescriptor().getName()
                    + " in the layout of an earlier Vigil version (a map of event lists by timestamp), which this version"
                    + " cannot read; start it without that state (README, \"Failure and recovery\": upgrading)", e);
        }
        return (InternalListState<String, Long, SecurityEvent>) state;
    }
}
