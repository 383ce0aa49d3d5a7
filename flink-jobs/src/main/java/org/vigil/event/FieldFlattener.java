package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** Turns nested JSON objects into ECS dotted field names with plain Java values. */
final class FieldFlattener {

    private FieldFlattener() {}

    /**
     * Hands every leaf under {@code node} to {@code sink} as (dotted name, value): objects are descended,
     * arrays become a {@code List<String>} (objects inside them as compact JSON text, so no data is lost), and
     * nulls, empty objects and empty arrays are skipped.
     *
     * @throws IllegalArgumentException when a field {@link EventSchema} knows holds an object, or an array of
     *     objects or arrays: its value would otherwise vanish under other names, or become JSON text
     */
    static void flatten(String prefix, JsonNode node, BiConsumer<String, Object> sink) {
        if (node.isObject()) {
            if (EventSchema.isKnown(prefix)) {
                throw notAValue(prefix, "an object");
            }
            for (Map.Entry<String, JsonNode> child : node.properties()) {
                String key = child.getKey();
                if (key.isEmpty()) {
                    continue;
                }
                String name = prefix.isEmpty() ? key : prefix + "." + key;
                if (key.indexOf('.') >= 0) {
                    rejectKnownParent(name, prefix.length() + 1);
                }
                flatten(name, child.getValue(), sink);
            }
        } else if (node.isArray()) {
            boolean known = EventSchema.isKnown(prefix);
            List<String> values = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                if (element.isNull()) {
                    continue;
                }
                if (element.isValueNode()) {
                    values.add(element.asText());
                } else if (element.isContainerNode()) {
                    if (known) {
                        throw notAValue(prefix, element.isObject() ? "an array holding an object"
                                : "an array holding an array");
                    }
                    values.add(element.toString());
                }
            }
            if (!values.isEmpty()) {
                sink.accept(prefix, Collections.unmodifiableList(values));
            }
        } else {
            Object value = scalar(node);
            if (value != null) {
                sink.accept(prefix, value);
            }
        }
    }

    // A dotted key such as "ip.v4" under "source" puts a value below source.ip as surely as nesting does.
    private static void rejectKnownParent(String name, int from) {
        for (int dot = name.indexOf('.', from); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            String parent = name.substring(0, dot);
            if (EventSchema.isKnown(parent)) {
                throw notAValue(parent, "an object");
            }
        }
    }

    private static IllegalArgumentException notAValue(String field, String what) {
        return new IllegalArgumentException("field " + field + " must be a value or a list of values, got " + what);
    }

    /** The plain value of a JSON scalar: String, Long, Double or Boolean; null for JSON null or containers. */
    static Object scalar(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainerNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            // Integers beyond long range stay exact as text rather than wrapping around.
            return node.canConvertToLong() ? (Object) node.longValue() : node.asText();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asText();
    }

    /** The value as text, or null when absent, JSON null or a container. */
    static String text(JsonNode node) {
        Object value = scalar(node);
        return value == null ? null : String.valueOf(value);
    }
}
