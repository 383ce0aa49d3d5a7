package org.vigil.correlate;

import java.util.Objects;
import org.vigil.event.SecurityEvent;

/**
 * An event on its way to the rules partitioned by {@code field}, keyed by that field's {@code value}.
 *
 * <p>A public mutable POJO so Flink serializes it without Kryo; treat it as immutable.
 */
public final class RoutedEvent {
    /** The partition field, e.g. {@code source.ip}. */
    public String field;
    /** The entity: the event's value of {@code field}. */
    public String value;
    public SecurityEvent event;

    public RoutedEvent() {}

    public RoutedEvent(String field, String value, SecurityEvent event) {
        this.field = Objects.requireNonNull(field);
        this.value = Objects.requireNonNull(value);
        this.event = Objects.requireNonNull(event);
    }

    /** The Flink key: partition field and value, separated by a character neither can contain. */
    public String key() {
        return key(field, value);
    }

    public static String key(String field, String value) {
        return field + '\u001f' + value;
    }

    public static String fieldOfKey(String key) {
        return key.substring(0, key.indexOf('\u001f'));
    }

    public static String valueOfKey(String key) {
        return key.substring(key.indexOf('\u001f') + 1);
    }

    @Override
    public String toString() {
        return field + "=" + value + " " + event;
    }
}
