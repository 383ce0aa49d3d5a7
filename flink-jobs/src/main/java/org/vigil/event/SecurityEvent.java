package org.vigil.event;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One normalised security event: its event time, a stable id and its ECS fields by dotted name.
 *
 * <p>Values are {@code String}, {@code Long}, {@code Double}, {@code Boolean} or an unmodifiable
 * {@code List<String>}; fields named in {@link EventSchema} carry the type it declares. The id is the
 * source's {@code event.id} when it has one, otherwise a hash of the original bytes, so the same record
 * always gets the same id however often and in whatever order it is read.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(SecurityEventTypeInfo.Factory.class)
public final class SecurityEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long timestampMillis;
    private final String id;
    private final Map<String, Object> fields;

    private SecurityEvent(Builder b) {
        this.timestampMillis = b.timestampMillis;
        this.id = Objects.requireNonNull(b.id, "event id");
        this.fields = Collections.unmodifiableMap(new TreeMap<>(b.fields));
    }

    /** Rebuilds an event from fields that are already typed, as {@link SecurityEventSerializer} reads them. */
    static SecurityEvent restore(long timestampMillis, String id, Map<String, Object> fields) {
        return new SecurityEvent(timestampMillis, id, fields);
    }

    private SecurityEvent(long timestampMillis, String id, Map<String, Object> fields) {
        this.timestampMillis = timestampMillis;
        this.id = id;
        this.fields = Collections.unmodifiableMap(fields);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.timestampMillis(timestampMillis);
        b.id = id;
        b.fields.putAll(fields);
        return b;
    }

    /** Event time ({@code @timestamp}) in epoch milliseconds. */
    public long timestampMillis() {
        return timestampMillis;
    }

    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMillis);
    }

    /** The stable id: {@code event.id}. */
    public String id() {
        return id;
    }

    /** All fields by ECS dotted name, sorted by name; includes {@code event.id}. */
    public Map<String, Object> fields() {
        return fields;
    }

    public Object get(String field) {
        return fields.get(field);
    }

    /** The field as text values: each element of a list field, the value alone otherwise; empty when absent. */
    public List<String> getStrings(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return List.of();
        }
        if (v instanceof java.util.Collection<?> many) {
            return many.stream().filter(java.util.Objects::nonNull).map(String::valueOf).toList();
        }
        return List.of(String.valueOf(v));
    }

    /** The field as text; the first element of a list field; null when absent. */
    public String getString(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> list) {
            return list.isEmpty() ? null : String.valueOf(list.get(0));
        }
        return String.valueOf(v);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SecurityEvent other)) {
            return false;
        }
        return timestampMillis == other.timestampMillis && id.equals(other.id) && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestampMillis, id, fields);
    }

    @Override
    public String toString() {
        return "SecurityEvent{" + timestamp() + ", " + fields + "}";
    }

    /** Builds a {@link SecurityEvent}; {@code null} and empty values are not stored. */
    public static final class Builder {
        private Long timestampMillisOrNull;
        private long timestampMillis;
        private String id;
        private final Map<String, Object> fields = new TreeMap<>();

        private Builder() {}

        public Builder timestamp(Instant timestamp) {
            return timestampMillis(timestamp.toEpochMilli());
        }

        public Builder timestampMillis(long millis) {
            this.timestampMillis = millis;
            this.timestampMillisOrNull = millis;
            return this;
        }

        public Builder id(String id) {
            this.id = id;
            fields.put("event.id", id);
            return this;
        }

        /** Sets a field, converting it to the type {@link EventSchema} declares; null or blank removes it. */
        public Builder put(String field, Object value) {
            Objects.requireNonNull(field, "field");
            if (value == null || (value instanceof String s && s.isEmpty())) {
                fields.remove(field);
                return this;
            }
            if ("event.id".equals(field)) {
                return id(String.valueOf(value));
            }
            fields.put(field, coerce(field, value));
            return this;
        }

        /** Adds one value to a multi-valued field. */
        public Builder add(String field, String value) {
            if (value == null || value.isEmpty()) {
                return this;
            }
            List<String> list = new ArrayList<>();
            Object existing = fields.get(field);
            if (existing instanceof List<?> l) {
                l.forEach(x -> list.add(String.valueOf(x)));
            } else if (existing != null) {
                list.add(String.valueOf(existing));
            }
            if (!list.contains(value)) {
                list.add(value);
            }
            fields.put(field, Collections.unmodifiableList(list));
            return this;
        }

        public Object get(String field) {
            return fields.get(field);
        }

        public boolean hasTimestamp() {
            return timestampMillisOrNull != null;
        }

        public boolean hasId() {
            return id != null;
        }

        public SecurityEvent build() {
            if (timestampMillisOrNull == null) {
                throw new IllegalStateException("event has no @timestamp");
            }
            if (id == null) {
                throw new IllegalStateException("event has no id");
            }
            return new SecurityEvent(this);
        }

        private static Object coerce(String field, Object value) {
            FieldType type = EventSchema.typeOf(field);
            if (type == null) {
                return plain(value);
            }
            switch (type) {
                case STRING:
                    return String.valueOf(value);
                case LONG:
                    if (value instanceof Number n) {
                        return n.longValue();
                    }
                    try {
                        return Long.parseLong(String.valueOf(value).trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "field " + field + " must be an integer, got '" + value + "'");
                    }
                case DOUBLE:
                    if (value instanceof Number n) {
                        return n.doubleValue();
                    }
                    try {
                        return Double.parseDouble(String.valueOf(value).trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "field " + field + " must be a number, got '" + value + "'");
                    }
                case BOOLEAN:
                    if (value instanceof Boolean bool) {
                        return bool;
                    }
                    String s = String.valueOf(value).trim();
                    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(s);
                    }
                    throw new IllegalArgumentException("field " + field + " must be true or false, got '" + value + "'");
                case STRING_LIST:
                    List<String> list = new ArrayList<>();
                    if (value instanceof Iterable<?> it) {
                        it.forEach(x -> {
                            if (x != null) {
                                list.add(String.valueOf(x));
                            }
                        });
                    } else {
                        list.add(String.valueOf(value));
                    }
                    return Collections.unmodifiableList(list);
                default:
                    throw new AssertionError(type);
            }
        }

        private static Object plain(Object value) {
            if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return ((Number) value).longValue();
            }
            if (value instanceof Float f) {
                return f.doubleValue();
            }
            if (value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean) {
                return value;
            }
            if (value instanceof Iterable<?> it) {
                List<String> list = new ArrayList<>();
                it.forEach(x -> list.add(String.valueOf(x)));
                return Collections.unmodifiableList(list);
            }
            return String.valueOf(value);
        }
    }
}
