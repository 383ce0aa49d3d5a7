package org.vigil.event;

import java.util.Objects;

/** Thrown by a {@link Normaliser} when a record is well-formed JSON but not a usable security event. */
public final class RejectedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    public RejectedEventException(DeadLetterReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
