package org.vigil.event;

/** The value type of one event field, as rules see it. */
public enum FieldType {
    STRING(String.class),
    LONG(Long.class),
    DOUBLE(Double.class),
    BOOLEAN(Boolean.class),
    /** A multi-valued keyword such as {@code event.category}; rules see a {@code String[]}. */
    STRING_LIST(String[].class);

    private final Class<?> esperType;

    FieldType(Class<?> esperType) {
        this.esperType = esperType;
    }

    /** The Java type Esper declares for this field. */
    public Class<?> esperType() {
        return esperType;
    }
}
