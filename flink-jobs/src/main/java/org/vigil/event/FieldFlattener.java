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
     */
    static void flatten(String prefix, JsonNode node, BiConsumer<String, Object> sink) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> child : node.properties()) {
                if (child.getKey().isEmpty()) {
                    continue;
                }
                String name = prefix.isEmpty() ? child.getKey() : prefix + "." + child.getKey();
                flatten(name, child.getValue(), sink);
            }
        } else if (node.isArray()) {
            List<String> values = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                if (element.isNull()) {
                    continue;
                }
                if (element.isValueNode()) {
                    values.add(element.asText());
                } else if (element.isContainerNode()) {
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
