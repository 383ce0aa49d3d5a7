package org.vigil.taxii;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A TAXII API root: its information resource, its collections (in a fixed order) and the status resources of its POSTs. */
public final class ApiRoot {
    private final String name;
    private final ObjectNode information;
    private final Map<String, TaxiiCollection> collections = new LinkedHashMap<>();
    // The status resources a fixture file holds (read-only, loaded once); POST statuses live in their collection.
    private final Map<String, ObjectNode> fixtureStatuses = new java.util.concurrent.ConcurrentHashMap<>();
    private final boolean listsEveryCollection;

    /**
     * @param name                 the path segment, e.g. {@code vigil} for {@code /vigil/}
     * @param information          the API root resource (title, description, versions, max_content_length)
     * @param collections          its collections, listed in this order
     * @param listsEveryCollection true to list collections a user can neither read nor write (as the reference
     *                             server does); false lists only the user's own
     */
    ApiRoot(String name, ObjectNode information, List<TaxiiCollection> collections, boolean listsEveryCollection) {
        this.name = name;
        this.information = information;
        collections.forEach(c -> this.collections.put(c.id(), c));
        this.listsEveryCollection = listsEveryCollection;
    }

    public String name() {
        return name;
    }

    ObjectNode information() {
        return information;
    }

    public TaxiiCollection collection(String id) {
        return collections.get(id);
    }

    List<TaxiiCollection> collectionsVisibleTo(String user) {
        return collections.values().stream()
                .filter(c -> listsEveryCollection || c.access().canRead(user) || c.access().canWrite(user))
                .toList();
    }

    List<TaxiiCollection> collections() {
        return List.copyOf(collections.values());
    }

    long maxContentLength() {
        return information.path("max_content_length").asLong(Long.MAX_VALUE);
    }

    /**
     * A POST's status resource; each collection keeps (and persists) those of the POSTs to it. A status names the
     * objects posted, so only users who may read or write its collection get it.
     */
    ObjectNode status(String id, String user) throws TaxiiException {
        for (TaxiiCollection c : collections.values()) {
            ObjectNode status = c.status(id);
            if (status != null) {
                if (!c.access().canRead(user) && !c.access().canWrite(user)) {
                    throw new TaxiiException(403, "Forbidden", "user " + user
                            + " may neither read nor write the collection this status belongs to");
                }
                return status;
            }
        }
        return fixtureStatuses.get(id);
    }

    /** Adds a status resource read from a fixture file. */
    void putFixtureStatus(String id, ObjectNode status) {
        fixtureStatuses.put(id, status);
    }
}
