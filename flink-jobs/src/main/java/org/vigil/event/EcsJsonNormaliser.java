package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads ECS JSON as Beats and Elastic Agent send it, with nested objects, dotted keys or both, keeping every field
 * (and adding the Windows mapping to Winlogbeat records).
 */
public final class EcsJsonNormaliser implements Normaliser {

    static final String TIMESTAMP_FIELD = "@timestamp";

    /** Fields outside {@code winlog.*} that the Windows mapping of a Winlogbeat record reads. */
    private static final Set<String> WINLOGBEAT_CONTEXT = Set.of("message", "event.provider");

    @Override
    public EventFormat format() {
        return EventFormat.ECS_JSON;
    }

    @Override
    public void normalise(JsonNode root, SecurityEvent.Builder event) throws RejectedEventException {
        event.timestampMillis(EventTime.parse(root.get(TIMESTAMP_FIELD), TIMESTAMP_FIELD));
        Map<String, Object> windowsFields = new HashMap<>();
        boolean keepsEventId = FilebeatZeekFields.keepsEventId(root);
        FieldFlattener.flatten("", root, (field, value) -> {
            if (!TIMESTAMP_FIELD.equals(field) && (keepsEventId || !"event.id".equals(field))) {
                Object single = singleValued(field, value);
                event.put(field, single);
                if (field.startsWith(WindowsEventReader.WINLOG_PREFIX) || WINLOGBEAT_CONTEXT.contains(field)) {
                    windowsFields.put(field, single);
                }
            }
        });
        // Winlogbeat sends raw Windows events as ECS; they get the same mapping as Windows events in other shapes.
        WindowsEventNormaliser.completeWinlogbeat(windowsFields, event);
        FilebeatZeekFields.complete(root, event);
    }

    /**
     * Unwraps a one-element array for a field the schema declares single-valued, as Elasticsearch treats
     * {@code [x]} like {@code x}; refuses more than one value, since a rule could only ever see one of them.
     */
    private static Object singleValued(String field, Object value) {
        FieldType type = EventSchema.typeOf(field);
        if (!(value instanceof List<?> list) || type == null || type == FieldType.STRING_LIST) {
            return value;
        }
        if (list.size() == 1) {
            return list.get(0);
        }
        throw new IllegalArgumentException("field " + field + " must have a single value, got " + list.size() + ": "
                + list);
    }
}
