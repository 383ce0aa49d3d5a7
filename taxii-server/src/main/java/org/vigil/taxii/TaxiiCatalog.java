package org.vigil.taxii;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one server serves: the discovery resource (API roots as paths), the API roots with their collections,
 * the users, and the server's page-size limit.
 */
public final class TaxiiCatalog implements AutoCloseable {
    private final ObjectNode discovery;
    private final Map<String, ApiRoot> apiRoots = new LinkedHashMap<>();
    private final UserDirectory users;
    private final int maxPageSize;

    /**
     * @param discovery   title, description, contact; {@code default} and {@code api_roots} as absolute paths
     *                    ({@code /vigil/}), made into URLs per request from its Host header
     * @param apiRoots    the API roots
     * @param users       who may log in
     * @param maxPageSize the most objects one response carries
     */
    TaxiiCatalog(ObjectNode discovery, List<ApiRoot> apiRoots, UserDirectory users, int maxPageSize) {
        if (maxPageSize <= 0) {
            throw new IllegalArgumentException("max_page_size must be positive, got " + maxPageSize);
        }
        this.discovery = discovery;
        apiRoots.forEach(r -> this.apiRoots.put(r.name(), r));
        this.users = users;
        this.maxPageSize = maxPageSize;
    }

    ObjectNode discovery() {
        return discovery;
    }

    public ApiRoot apiRoot(String name) {
        return apiRoots.get(name);
    }

    UserDirectory users() {
        return users;
    }

    int maxPageSize() {
        return maxPageSize;
    }

    @Override
    public void close() {
        apiRoots.values().forEach(r -> r.collections().forEach(TaxiiCollection::close));
    }
}
