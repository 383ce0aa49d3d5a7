package org.vigil.taxii;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A TAXII API root: its information resource, its collections (in a fixed order) and the status resources of its POSTs. */
public final class ApiRoot {
    private static final int MAX_STATUSES = 10_000;

    private final String name;
    private final ObjectNode information;
    private final Map<String, TaxiiCollection> collections = new LinkedHashMap<>();
    // POST statuses are kept in memory, the most recent ones only: a client reads its status right after the POST.
    private final Map<String, ObjectNode> statuses = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > MAX_STATUSES;
        }
    });
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

    ObjectNode status(String id) {
        return statuses.get(id);
    }

    void putStatus(String id, ObjectNode status) {
        statuses.put(id, status);
    }
}
