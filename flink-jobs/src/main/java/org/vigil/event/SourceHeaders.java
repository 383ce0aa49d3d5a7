package org.vigil.event;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The header state each line format last read on each source (Kafka topic and partition), held by one parser
 * instance; lost on restart, when the formats' defaults apply again until the next header line.
 */
final class SourceHeaders {

    private record Source(String topic, int partition, EventFormat format) {}

    // Keys come from configuration and Kafka's partitions, never from record content, so the map stays small.
    private final Map<Source, Object> states = new ConcurrentHashMap<>();

    /** The format's header state on this source: the last one it read there, or its defaults. */
    <H> H get(String topic, int partition, LineNormaliser<H> format) {
        @SuppressWarnings("unchecked") // Only put() below stores under a format's key, and only that format's H.
        H state = (H) states.get(new Source(topic, partition, format.format()));
        return state != null ? state : format.defaultHeader();
    }

    /** Remembers the format's header state on this source for the lines after it. */
    <H> void put(String topic, int partition, LineNormaliser<H> format, H state) {
        Source source = new Source(topic, partition, format.format());
        if (state == null) {
            states.remove(source);
        } else {
            states.put(source, state);
        }
    }
}
