package org.vigil.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Windows event log record as read from any of its JSON shapes, before it is mapped onto ECS.
 *
 * @param channel the log ({@code Security}, {@code System}, ...) as the record names it, or null
 * @param eventId the event id, or null when the record has none
 * @param provider the provider (source) name, or null
 * @param computer the computer that logged the event, or null
 * @param message the rendered message text, or null
 * @param data the event data (and user data) by name: {@code String} or {@code List<String>} values, as logged
 * @param recordFields fields about the record itself (record id, logging process), already named in ECS
 */
record WindowsEvent(String channel, Long eventId, String provider, String computer, String message,
        Map<String, Object> data, Map<String, Object> recordFields) {

    WindowsEvent {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
        recordFields = Collections.unmodifiableMap(new LinkedHashMap<>(recordFields));
    }

    /** One event data value as text (the first of a list), or null when absent. */
    String data(String name) {
        Object value = data.get(name);
        if (value instanceof List<?> list) {
            return list.isEmpty() ? null : String.valueOf(list.get(0));
        }
        return value == null ? null : String.valueOf(value);
    }

    /** The event id as a number; throws as a bad field when the record's text is not one. */
    static Long parseEventId(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        String text = String.valueOf(value).trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field winlog.event_id must be an integer, got '" + value + "'");
        }
    }
}
