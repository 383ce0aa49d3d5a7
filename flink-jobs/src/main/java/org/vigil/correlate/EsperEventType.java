package org.vigil.correlate;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vigil.event.EventSchema;
import org.vigil.event.FieldType;
import org.vigil.event.SecurityEvent;

/**
 * The {@code SecurityEvent} type as rules see it in Esper: nested maps following the ECS dotted names of
 * {@link EventSchema}, plus {@code timestamp}, the routing {@code partitionKey} and the original event.
 */
public final class EsperEventType {
    /** Event type name used in EPL: {@code from SecurityEvent(...)}. */
    public static final String NAME = "SecurityEvent";
    /** Value of the partition field the event was routed by; the {@code PerEntity} context partitions on it. */
    public static final String PARTITION_KEY = "partitionKey";
    /** Event time in epoch milliseconds. */
    public static final String TIMESTAMP = "timestamp";
    /** The {@link SecurityEvent} itself, so alerts can carry their evidence. */
    public static final String ORIGINAL = "vigilEvent";

    /**
     * A Windows event's raw event data ({@code winlog.event_data.*}) as one map, read as {@code winlog.event_data('Name')}:
     * Sigma's Windows rules name event data fields as the log writes them, and these are too many to declare one by one.
     */
    public static final String EVENT_DATA = "winlog.event_data";
    private static final String EVENT_DATA_PREFIX = EVENT_DATA + ".";
    private static final String[] EVENT_DATA_PATH = EVENT_DATA.split("\\.");

    /** Each schema field's dotted name split once, since every event passes through {@link #toEsper}. */
    private static final Map<String, String[]> PATHS = new HashMap<>();

    static {
        EventSchema.fields().keySet().forEach(f -> PATHS.put(f, f.split("\\.")));
    }

    private EsperEventType() {}

    /** The Esper map-type definition: property name to class, or to a nested definition. */
    public static Map<String, Object> definition() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put(TIMESTAMP, Long.class);
        root.put(PARTITION_KEY, String.class);
        root.put(ORIGINAL, Object.class);
        for (Map.Entry<String, FieldType> f : EventSchema.fields().entrySet()) {
            putNested(root, PATHS.get(f.getKey()), f.getValue().esperType());
        }
        putNested(root, EVENT_DATA_PATH, Map.class);
        return root;
    }

    /** The Esper representation of one routed event. */
    public static Map<String, Object> toEsper(SecurityEvent event, String partitionKey) {
        Map<String, Object> root = new HashMap<>();
        root.put(TIMESTAMP, event.timestampMillis());
        root.put(PARTITION_KEY, partitionKey);
        root.put(ORIGINAL, event);
        Map<String, Object> eventData = null;
        for (Map.Entry<String, Object> f : event.fields().entrySet()) {
            FieldType type = EventSchema.typeOf(f.getKey());
            if (type == null) {
                if (f.getKey().startsWith(EVENT_DATA_PREFIX)) {
                    if (eventData == null) {
                        eventData = new HashMap<>();
                    }
                    eventData.put(f.getKey().substring(EVENT_DATA_PREFIX.length()), f.getValue());
                }
                continue;
            }
            Object value = f.getValue();
            if (type == FieldType.STRING_LIST && value instanceof List<?> list) {
                value = list.stream().map(String::valueOf).toArray(String[]::new);
            }
            putNested(root, PATHS.get(f.getKey()), value);
        }
        if (eventData != null) {
            putNested(root, EVENT_DATA_PATH, eventData);
        }
        return root;
    }

    @SuppressWarnings("unchecked")
    private static void putNested(Map<String, Object> root, String[] parts, Object value) {
        Map<String, Object> node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], value);
    }
}
