package org.vigil.correlate;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;

/**
 * Runs {@link CorrelateFunction} and, when the operator is restored from a checkpoint or savepoint (also at
 * another parallelism), rebuilds Esper's in-memory state from the retained events of all its keys before
 * the first new event, so a restored job raises exactly the alerts an uninterrupted one would.
 */
public final class CorrelateOperator extends KeyedProcessOperator<String, RoutedEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private transient boolean restored;

    public CorrelateOperator(CorrelateFunction function) {
        super(function);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
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
        ((CorrelateFunction) userFunction).replay(events);
    }
}
