package org.vigil.alert;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vigil.event.SecurityEvent;

/**
 * The latest repeat merged into an alert: the repeating match's own id, time, details and its kept evidence events
 * (bounded like the evidence), so an analyst can reach it without a document of its own and the verify stage can
 * verify the alert by what the repeat saw.
 */
public record Repeat(String matchId, long timestampMillis, Map<String, Object> details, List<SecurityEvent> evidence,
                     int eventCount) implements Serializable {
    public Repeat {
        Objects.requireNonNull(matchId, "matchId");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        evidence = List.copyOf(evidence);
    }

    /** The repeat a match makes: its id, time, details and evidence (the evidence limit already applied). */
    public static Repeat of(Alert match) {
        return new Repeat(match.id(), match.timestampMillis(), match.details(), match.evidence(), match.evidenceCount());
    }

    /**
     * This repeat without its evidence events (id, time, details and event count stay): what a suppression period keeps
     * of its latest repeat, since only the alert emitted for the repeat needs the events.
     */
    public Repeat withoutEvidence() {
        return evidence.isEmpty() ? this : new Repeat(matchId, timestampMillis, details, List.of(), eventCount);
    }

    /** The ids of the kept evidence events. */
    public List<String> eventIds() {
        return evidence.stream().map(SecurityEvent::id).toList();
    }

    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMillis);
    }
}
