package org.vigil.taxii;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One version of a STIX object in a collection, with the TAXII metadata the server keeps for it.
 *
 * @param sequence    position in the collection, strictly increasing in date_added order; paging tokens refer to it
 * @param dateAdded   when the collection received this version
 * @param id          the STIX id
 * @param version     the version as the object writes it ({@code modified}, else {@code created}, else date_added)
 * @param versionTime {@code version} as an instant, for ordering and {@code match[version]=<timestamp>}
 * @param specVersion the STIX spec version ({@code spec_version}, "2.0" when absent)
 * @param object      the STIX object itself, never modified after it is stored
 */
public record StoredObject(
        long sequence, Instant dateAdded, String id, String version, Instant versionTime, String specVersion,
        ObjectNode object) {

    public String type() {
        return object.path("type").asText();
    }

    public String mediaType() {
        return MediaTypes.STIX + ";version=" + specVersion;
    }

    /** Same id and same declared version: posting it again adds nothing (objects without a version: same id). */
    public String versionKey() {
        return versionKeyOf(object);
    }

    /** The dedup key of an object as posted: its id and its {@code modified}, else {@code created}, else none. */
    static String versionKeyOf(ObjectNode object) {
        String declared = declaredVersion(object);
        return object.path("id").asText() + "|" + (declared == null ? "-" : TaxiiTimestamps.parse(declared));
    }

    /** The object's version as it writes it: {@code modified}, else {@code created}, else null (e.g. cyber-observables). */
    static String declaredVersion(ObjectNode object) {
        if (object.hasNonNull("modified")) {
            return object.get("modified").asText();
        }
        return object.hasNonNull("created") ? object.get("created").asText() : null;
    }
}
