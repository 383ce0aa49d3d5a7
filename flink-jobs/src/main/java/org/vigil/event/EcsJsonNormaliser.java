package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Reads ECS JSON as Beats and Elastic Agent send it, with nested objects, dotted keys or both, keeping every field.
 */
public final class EcsJsonNormaliser implements Normaliser {

    static final String TIMESTAMP_FIELD = "@timestamp";

    @Override
    public EventFormat format() {
        return EventFormat.ECS_JSON;
    }

    @Override
    public void normalise(JsonNode root, SecurityEvent.Builder event) throws RejectedEventException {
        event.timestampMillis(EventTime.parse(root.get(TIMESTAMP_FIELD), TIMESTAMP_FIELD));
        FieldFlattener.flatten("", root, (field, value) -> {
            if (!TIMESTAMP_FIELD.equals(field)) {
                event.put(field, singleValued(field, value));
            }
        });
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
