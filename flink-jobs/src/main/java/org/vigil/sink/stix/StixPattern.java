package org.vigil.sink.stix;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes STIX 2.1 patterns that match any of a set of observables. */
final class StixPattern {
    private StixPattern() {}

    /**
     * One observation expression per observable type, joined by {@code OR}, e.g.
     * {@code [ipv4-addr:value = 'a' OR ipv4-addr:value = 'b'] OR [ipv6-addr:value = 'c']}: the comparisons in
     * one observation stay on one object type, as the specification requires.
     */
    static String anyOf(List<StixObservable> observables) {
        if (observables.isEmpty()) {
            throw new IllegalArgumentException("a pattern needs at least one observable");
        }
        Map<String, List<StixObservable>> byType = observables.stream()
                .collect(Collectors.groupingBy(StixObservable::type, LinkedHashMap::new, Collectors.toList()));
        return byType.values().stream()
                .map(group -> group.stream().map(StixObservable::comparison).collect(Collectors.joining(" OR ", "[", "]")))
                .collect(Collectors.joining(" OR "));
    }
}
