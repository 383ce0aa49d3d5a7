package org.vigil.enrich;

import org.vigil.event.SecurityEvent;

/**
 * What the botnet detector remembers of one internal host: where and when it was last seen (a compact event, null
 * once that is more than a day ago) and the newest botnet-list version it has alerted for.
 *
 * <p>A public mutable POJO so Flink serializes it without Kryo.
 */
public final class KnownHost {
    public String field;
    public SecurityEvent lastSeen;
    public String alertedListVersion;

    public KnownHost() {}

    /** Whether an alert for list {@code version} is still to be raised: none yet for it or a newer one. */
    boolean alertPendingFor(String version) {
        return version != null && (alertedListVersion == null || version.compareTo(alertedListVersion) > 0);
    }
}
