package org.vigil.correlate;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.vigil.event.SecurityEvent;

/**
 * Emits an event once per partition field in use that it has a value for, so each rule sees it exactly
 * once, in the state of the entity it correlates on.
 */
public final class PartitionRouter implements FlatMapFunction<SecurityEvent, RoutedEvent> {
    private static final long serialVersionUID = 1L;
    private final List<String> fields;

    public PartitionRouter(Set<String> partitionFields) {
        this.fields = List.copyOf(new TreeSet<>(partitionFields));
    }

    @Override
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
