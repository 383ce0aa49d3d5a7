package org.vigil.sink.stix;

import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audit record of one STIX object shared: what (id, type, spec version, modified), for which alert, to which
 * collection or topic, and when it was handed to the feed.
 */
public record ShareAudit(String objectId, String type, String specVersion, String modified, String alertId,
                         String collection, long sharedAtMillis) implements Serializable {

    /**
     * The document id: the object version, so a replay of the same share overwrites its record rather than adding
     * one, while an escalation (a later {@code modified}) adds one.
     */
    public String documentId() {
        return objectId + "@" + (modified == null ? "-" : modified) + "/" + alertId;
    }

    /** The audit document's fields. */
    public Map<String, Object> toDocument() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("@timestamp", Instant.ofEpochMilli(sharedAtMillis).toString());
        doc.put("stix.id", objectId);
        doc.put("stix.type", type);
        doc.put("stix.spec_version", specVersion);
        doc.put("stix.modified", modified);
        doc.put("vigil.alert.id", alertId);
        doc.put("vigil.share.collection", collection);
        return doc;
    }
}
