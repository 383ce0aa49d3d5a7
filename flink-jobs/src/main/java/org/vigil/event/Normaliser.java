package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;

/** Maps one parsed record of a source format onto ECS fields of a {@link SecurityEvent}. */
public interface Normaliser {

    /** The format this normaliser reads. */
    EventFormat format();

    /**
     * Fills the event's timestamp and fields from the record; sets the id only when the record carries
     * {@code event.id}.
     *
     * @throws RejectedEventException when the record lacks what every event needs, such as a valid timestamp
     * @throws IllegalArgumentException when a field has the wrong type for {@link EventSchema}
     */
    void normalise(JsonNode root, SecurityEvent.Builder event) throws RejectedEventException;
}
