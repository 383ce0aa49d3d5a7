package org.vigil.taxii;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The filters and paging of a GET on the objects, object, versions or manifest endpoint ({@code added_after},
 * {@code limit}, {@code next}, {@code match[id|type|version|spec_version]}), parsed and validated from the query.
 *
 * <p>Version selection ({@code match[spec_version]}, then {@code match[version]}) is applied to every version an
 * object has in the collection before {@code added_after}, so "last" always means the collection's latest version,
 * never the latest of those added after a time.
 */
public final class ObjectQuery {
    private static final Set<String> FIELDS = Set.of(
            "added_after", "limit", "next", "match[id]", "match[type]", "match[version]", "match[spec_version]");

    private final Instant addedAfter;
    private final Integer limit;
    private final Long next;
    private final Set<String> ids;
    private final Set<String> types;
    private final Set<String> versions;
    private final Set<String> specVersions;

    private ObjectQuery(Instant addedAfter, Integer limit, Long next, Set<String> ids, Set<String> types,
            Set<String> versions, Set<String> specVersions) {
        this.addedAfter = addedAfter;
        this.limit = limit;
        this.next = next;
        this.ids = ids;
        this.types = types;
        this.versions = versions;
        this.specVersions = specVersions;
    }

    /**
     * Parses decoded query parameters; each may occur once. {@code allowed} names the parameters the endpoint
     * supports; any other (or a malformed value) is a 400, as the standard requires for malformed parameters.
     */
    public static ObjectQuery parse(Map<String, List<String>> params, Set<String> allowed) {
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            if (!FIELDS.contains(p.getKey()) || !allowed.contains(p.getKey())) {
                throw TaxiiException.badRequest("unsupported query parameter '" + p.getKey() + "' here; supported: "
                        + allowed);
            }
            if (p.getValue().size() > 1) {
                throw TaxiiException.badRequest("query parameter '" + p.getKey() + "' given more than once");
            }
        }
        Instant addedAfter = null;
        String addedAfterText = single(params, "added_after");
        if (addedAfterText != null) {
            try {
                addedAfter = TaxiiTimestamps.parse(addedAfterText);
            } catch (IllegalArgumentException e) {
                throw TaxiiException.badRequest("added_after must be a timestamp such as 2016-11-03T12:30:59Z, got '"
                        + addedAfterText + "'");
            }
        }
        Integer limit = null;
        String limitText = single(params, "limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit <= 0) {
                throw TaxiiException.badRequest("limit must be a positive integer, got '" + limitText + "'");
            }
        }
        Long next = null;
        String nextText = single(params, "next");
        if (nextText != null) {
            try {
                next = Long.parseLong(nextText);
            } catch (NumberFormatException e) {
                throw TaxiiException.badRequest("next must be a value from a previous response's envelope, got '"
                        + nextText + "'");
            }
        }
        Set<String> versions = values(params, "match[version]");
        for (String v : versions) {
            if (!v.equals("first") && !v.equals("last") && !v.equals("all")) {
                try {
                    TaxiiTimestamps.parse(v);
                } catch (IllegalArgumentException e) {
                    throw TaxiiException.badRequest("match[version] takes first, last, all or timestamps, got '" + v
                            + "'");
                }
            }
        }
        return new ObjectQuery(addedAfter, limit, next, values(params, "match[id]"), values(params, "match[type]"),
                versions, values(params, "match[spec_version]"));
    }

    /** The query with only this object id matched, for the object-by-id and versions endpoints. */
    ObjectQuery forId(String id) {
        return new ObjectQuery(addedAfter, limit, next, Set.of(id), types, versions, specVersions);
    }

    /** Versions endpoint: every version unless the client narrows it. */
    ObjectQuery allVersionsByDefault() {
        return new ObjectQuery(addedAfter, limit, next, ids, types, versions.isEmpty() ? Set.of("all") : versions,
                specVersions);
    }

    /**
     * One page of the matching versions, read from a collection's versions in sequence (date_added) order without
     * copying them: the scan starts at the paging position ({@code next}, else the first version added after
     * {@code added_after}, found by binary search) and stops at the first match beyond the page, which only tells
     * that more follow. With {@code match[id]} only those objects' versions are read.
     *
     * @param inSequence  the collection's versions, element {@code i} with sequence {@code i}
     * @param versionsOf  the versions of one object id in sequence order (empty when the collection has none)
     * @param maxPageSize the server's cap on {@code limit}
     */
    public Page page(List<StoredObject> inSequence, Function<String, List<StoredObject>> versionsOf, int maxPageSize) {
        int size = Math.min(limit == null ? maxPageSize : limit, maxPageSize);
        // Which versions of an object the version filters choose, worked out once per object and request.
        Map<String, Set<Long>> chosenById = new HashMap<>();
        List<StoredObject> items = new ArrayList<>();
        boolean more = false;
        for (StoredObject o : candidates(inSequence, versionsOf)) {
            if (!matches(o, versionsOf, chosenById)) {
                continue;
            }
            if (items.size() == size) {
                more = true;
                break;
            }
            items.add(o);
        }
        String nextToken = more ? Long.toString(items.get(items.size() - 1).sequence()) : null;
        return new Page(List.copyOf(items), more, nextToken);
    }

    private List<StoredObject> candidates(List<StoredObject> inSequence,
            Function<String, List<StoredObject>> versionsOf) {
        if (!ids.isEmpty()) {
            List<StoredObject> versions = new ArrayList<>();
            ids.forEach(id -> versions.addAll(versionsOf.apply(id)));
            versions.sort(Comparator.comparingLong(StoredObject::sequence));
            return versions;
        }
        int from = next == null ? 0 : (int) Math.min(inSequence.size(), Math.max(0L, next + 1));
        if (addedAfter != null) {
            from = Math.max(from, firstAddedAfter(inSequence));
        }
        return inSequence.subList(from, inSequence.size());
    }

    /** The index of the first version added after {@code added_after}; date_added never decreases along the list. */
    private int firstAddedAfter(List<StoredObject> inSequence) {
        int low = 0;
        int high = inSequence.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (inSequence.get(mid).dateAdded().isAfter(addedAfter)) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    private boolean matches(StoredObject o, Function<String, List<StoredObject>> versionsOf,
            Map<String, Set<Long>> chosenById) {
        if (next != null && o.sequence() <= next) {
            return false;
        }
        if (addedAfter != null && !o.dateAdded().isAfter(addedAfter)) {
            return false;
        }
        if (!types.isEmpty() && !types.contains(o.type())) {
            return false;
        }
        // Versions are chosen among all the object's versions, not those after added_after ("last" is the latest).
        Set<Long> chosen = chosenById.computeIfAbsent(o.id(), id -> {
            Set<Long> sequences = new HashSet<>();
            selectVersions(selectSpecVersions(versionsOf.apply(id))).forEach(v -> sequences.add(v.sequence()));
            return sequences;
        });
        return chosen.contains(o.sequence());
    }

    private List<StoredObject> selectSpecVersions(List<StoredObject> objectVersions) {
        if (!specVersions.isEmpty()) {
            return objectVersions.stream().filter(o -> specVersions.contains(o.specVersion())).toList();
        }
        // No spec_version: only the latest specification version the collection has of this object.
        String latest = objectVersions.stream().map(StoredObject::specVersion).max(Comparator.naturalOrder())
                .orElse("");
        return objectVersions.stream().filter(o -> o.specVersion().equals(latest)).toList();
    }

    private List<StoredObject> selectVersions(List<StoredObject> objectVersions) {
        if (objectVersions.isEmpty()) {
            return objectVersions;
        }
        Set<String> wanted = versions.isEmpty() ? Set.of("last") : versions;
        if (wanted.contains("all")) {
            return objectVersions;
        }
        Comparator<StoredObject> byVersion = Comparator.comparing(StoredObject::versionTime)
                .thenComparingLong(StoredObject::sequence);
        Set<StoredObject> chosen = new LinkedHashSet<>();
        for (String v : wanted) {
            if (v.equals("first")) {
                chosen.add(objectVersions.stream().min(byVersion).orElseThrow());
            } else if (v.equals("last")) {
                chosen.add(objectVersions.stream().max(byVersion).orElseThrow());
            } else {
                Instant at = TaxiiTimestamps.parse(v);
                objectVersions.stream().filter(o -> o.versionTime().equals(at)).forEach(chosen::add);
            }
        }
        return List.copyOf(chosen);
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null ? null : v.get(0);
    }

    private static Set<String> values(Map<String, List<String>> params, String name) {
        String v = single(params, name);
        if (v == null) {
            return Set.of();
        }
        Set<String> result = new LinkedHashSet<>();
        for (String part : v.split(",", -1)) {
            if (part.isEmpty()) {
                throw TaxiiException.badRequest(name + " has an empty value; separate values by commas, no spaces");
            }
            result.add(part);
        }
        return result;
    }

    /** A page of results: the items, whether more follow and the token that fetches them. */
    public record Page(List<StoredObject> items, boolean more, String next) {}
}
