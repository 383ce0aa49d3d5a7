package org.vigil.taxii;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Paging and filtering read a collection in place: the same pages as selecting every matching version first and
 * cutting pages from that, while reading only the page's neighbourhood of the stored versions.
 */
class ObjectQueryTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final int MAX_PAGE = 50;

    @Test
    void aPageReadsLimitPlusOneVersionsNotTheCollection() {
        Versions versions = Versions.of(collection(10_000, 10_000, new Random(1)));
        ObjectQuery.Page page = query(Map.of("limit", "3")).page(versions, versions::of, MAX_PAGE);
        assertThat(page.items()).extracting(StoredObject::sequence).containsExactly(0L, 1L, 2L);
        assertThat(page.more()).isTrue();
        assertThat(versions.reads).as("one version beyond the page tells that more follow").isEqualTo(4);

        versions.reads = 0;
        ObjectQuery.Page next = query(Map.of("limit", "3", "next", page.next())).page(versions, versions::of, MAX_PAGE);
        assertThat(next.items()).extracting(StoredObject::sequence).containsExactly(3L, 4L, 5L);
        assertThat(versions.reads).isEqualTo(4);

        Instant after = versions.get(9_000).dateAdded();
        versions.reads = 0;
        ObjectQuery.Page late = query(Map.of("limit", "2", "added_after", TaxiiTimestamps.format(after)))
                .page(versions, versions::of, MAX_PAGE);
        assertThat(late.items()).extracting(StoredObject::sequence).containsExactly(9_001L, 9_002L);
        assertThat(versions.reads).as("a binary search, then the page").isLessThan(20);
    }

    @Test
    void pagesEqualThoseCutFromTheFullSelection() {
        Random random = new Random(42);
        List<StoredObject> stored = collection(400, 60, random);
        Versions versions = Versions.of(stored);
        List<String> ids = stored.stream().map(StoredObject::id).distinct().toList();
        int checked = 0;
        for (int i = 0; i < 300; i++) {
            Map<String, List<String>> params = randomQuery(random, stored, ids);
            ObjectQuery query = ObjectQuery.parse(params, Set.of("added_after", "limit", "next", "match[id]",
                    "match[type]", "match[version]", "match[spec_version]"));
            List<StoredObject> expected = selectEverything(stored, params);
            // Follow next to the end; together the pages must be the full selection, in order, each at most limit.
            List<StoredObject> got = new ArrayList<>();
            ObjectQuery.Page page = query.page(versions, versions::of, MAX_PAGE);
            int limit = params.containsKey("limit") ? Integer.parseInt(params.get("limit").get(0)) : MAX_PAGE;
            while (true) {
                assertThat(page.items().size()).isLessThanOrEqualTo(Math.min(limit, MAX_PAGE));
                got.addAll(page.items());
                if (!page.more()) {
                    break;
                }
                Map<String, List<String>> withNext = new HashMap<>(params);
                withNext.put("next", List.of(page.next()));
                page = ObjectQuery.parse(withNext, Set.of("added_after", "limit", "next", "match[id]", "match[type]",
                        "match[version]", "match[spec_version]")).page(versions, versions::of, MAX_PAGE);
            }
            assertThat(got).as("query %s", params).containsExactlyElementsOf(expected);
            checked += expected.size();
        }
        assertThat(checked).as("the queries select something").isGreaterThan(1_000);
    }

    // --- the reference: select every matching version first, as the server did before it read in place ---

    private static List<StoredObject> selectEverything(List<StoredObject> all, Map<String, List<String>> params) {
        Set<String> ids = values(params, "match[id]");
        Set<String> types = values(params, "match[type]");
        Set<String> versions = values(params, "match[version]");
        Set<String> specs = values(params, "match[spec_version]");
        Instant addedAfter = params.containsKey("added_after")
                ? TaxiiTimestamps.parse(params.get("added_after").get(0)) : null;
        Map<String, List<StoredObject>> byId = new LinkedHashMap<>();
        for (StoredObject o : all) {
            if ((ids.isEmpty() || ids.contains(o.id())) && (types.isEmpty() || types.contains(o.type()))) {
                byId.computeIfAbsent(o.id(), k -> new ArrayList<>()).add(o);
            }
        }
        List<StoredObject> selected = new ArrayList<>();
        for (List<StoredObject> objectVersions : byId.values()) {
            List<StoredObject> bySpec;
            if (!specs.isEmpty()) {
                bySpec = objectVersions.stream().filter(o -> specs.contains(o.specVersion())).toList();
            } else {
                String latest = objectVersions.stream().map(StoredObject::specVersion).max(Comparator.naturalOrder())
                        .orElseThrow();
                bySpec = objectVersions.stream().filter(o -> o.specVersion().equals(latest)).toList();
            }
            Set<StoredObject> chosen = new LinkedHashSet<>();
            Comparator<StoredObject> byVersion = Comparator.comparing(StoredObject::versionTime)
                    .thenComparingLong(StoredObject::sequence);
            Set<String> wanted = versions.isEmpty() ? Set.of("last") : versions;
            for (String v : wanted) {
                if (bySpec.isEmpty()) {
                    break;
                }
                switch (v) {
                    case "all" -> chosen.addAll(bySpec);
                    case "first" -> chosen.add(bySpec.stream().min(byVersion).orElseThrow());
                    case "last" -> chosen.add(bySpec.stream().max(byVersion).orElseThrow());
                    default -> bySpec.stream().filter(o -> o.versionTime().equals(TaxiiTimestamps.parse(v)))
                            .forEach(chosen::add);
                }
            }
            for (StoredObject o : chosen) {
                if (addedAfter == null || o.dateAdded().isAfter(addedAfter)) {
                    selected.add(o);
                }
            }
        }
        selected.sort(Comparator.comparingLong(StoredObject::sequence));
        String next = params.containsKey("next") ? params.get("next").get(0) : null;
        return next == null ? selected
                : selected.stream().filter(o -> o.sequence() > Long.parseLong(next)).toList();
    }

    private static Set<String> values(Map<String, List<String>> params, String name) {
        return params.containsKey(name) ? new LinkedHashSet<>(List.of(params.get(name).get(0).split(","))) : Set.of();
    }

    // --- fixtures ---

    private static Map<String, List<String>> randomQuery(Random random, List<StoredObject> stored, List<String> ids) {
        Map<String, List<String>> params = new HashMap<>();
        if (random.nextInt(3) == 0) {
            params.put("limit", List.of(Integer.toString(1 + random.nextInt(70))));
        }
        if (random.nextInt(3) == 0) {
            Instant at = stored.get(random.nextInt(stored.size())).dateAdded();
            params.put("added_after", List.of(TaxiiTimestamps.format(at)));
        }
        if (random.nextInt(4) == 0) {
            params.put("match[id]", List.of(ids.get(random.nextInt(ids.size())) + ","
                    + ids.get(random.nextInt(ids.size()))));
        }
        if (random.nextInt(3) == 0) {
            params.put("match[type]", List.of(random.nextBoolean() ? "indicator" : "indicator,sighting"));
        }
        int v = random.nextInt(6);
        if (v == 0) {
            params.put("match[version]", List.of("all"));
        } else if (v == 1) {
            params.put("match[version]", List.of("first,last"));
        } else if (v == 2) {
            params.put("match[version]", List.of(stored.get(random.nextInt(stored.size())).version()));
        }
        if (random.nextInt(5) == 0) {
            params.put("match[spec_version]", List.of(random.nextBoolean() ? "2.0" : "2.1"));
        }
        return params;
    }

    private static ObjectQuery query(Map<String, String> single) {
        Map<String, List<String>> params = new HashMap<>();
        single.forEach((k, v) -> params.put(k, List.of(v)));
        return ObjectQuery.parse(params, Set.of("added_after", "limit", "next", "match[id]", "match[type]",
                "match[version]", "match[spec_version]"));
    }

    /** {@code count} versions of {@code objects} ids of three types, versions and spec versions mixed, in date_added order. */
    private static List<StoredObject> collection(int count, int objects, Random random) {
        String[] types = {"indicator", "sighting", "identity"};
        List<StoredObject> stored = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = count == objects ? i : random.nextInt(objects);
            String type = types[n % types.length];
            String id = type + "--" + String.format("00000000-0000-4000-8000-%012d", n);
            // Versions are not in date_added order: a later post may carry an older modified.
            Instant modified = T0.plusSeconds(random.nextInt(50) * 60L);
            String spec = n % 7 == 0 && random.nextBoolean() ? "2.0" : "2.1";
            ObjectNode object = TaxiiClient.JSON.createObjectNode().put("type", type).put("id", id)
                    .put("spec_version", spec).put("modified", TaxiiTimestamps.format(modified));
            stored.add(new StoredObject(i, T0.plusMillis(i * 7L + 1), id, TaxiiTimestamps.format(modified), modified,
                    spec, object));
        }
        return stored;
    }

    /** The stored versions as the collection holds them, counting how many the query reads. */
    private static final class Versions extends AbstractList<StoredObject> {
        private final List<StoredObject> stored;
        private final Map<String, List<StoredObject>> byId = new HashMap<>();
        int reads;

        private Versions(List<StoredObject> stored) {
            this.stored = stored;
            stored.forEach(o -> byId.computeIfAbsent(o.id(), k -> new ArrayList<>()).add(o));
        }

        static Versions of(List<StoredObject> stored) {
            return new Versions(stored);
        }

        List<StoredObject> of(String id) {
            return byId.getOrDefault(id, List.of());
        }

        @Override
        public StoredObject get(int index) {
            reads++;
            return stored.get(index);
        }

        @Override
        public int size() {
            return stored.size();
        }
    }
}
