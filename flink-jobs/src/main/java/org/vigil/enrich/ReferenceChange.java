package org.vigil.enrich;

/**
 * What applying one topic record to {@link ReferenceData} changed: the record it replaced or removed (null when
 * none), the record now stored under the key (null after a tombstone), and the current botnet-list version before and
 * after (equal unless this record completed a newer version or removed the current one).
 */
public record ReferenceChange(String key, ReferenceRecord previous, ReferenceRecord current,
        String botnetVersionBefore, String botnetVersionAfter) {

    /** Whether the current botnet list changed version with this record: the moment to re-check recently seen hosts. */
    public boolean botnetListSwitched() {
        return !java.util.Objects.equals(botnetVersionBefore, botnetVersionAfter);
    }
}
