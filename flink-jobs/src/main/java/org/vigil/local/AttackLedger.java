package org.vigil.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The benchmark's account of injected attacks: when each attack's completing event was appended to Kafka, when
 * an alert for it was first searchable, and which alert documents name it; from that the alert latencies and the
 * correctness check (every injected attack alerted exactly once). Thread-safe: the producer's callbacks, the index
 * poller and the main thread all write to it.
 */
public final class AttackLedger {
    /** An alert document as the index holds it: the rule, the entity it names, its deterministic id. */
    public record AlertDoc(String ruleId, String entity, String alertId) {}

    /** One attack's record. */
    private static final class Entry {
        final BenchEventMix.Attack attack;
        volatile long appendedMillis = -1;
        volatile long searchableMillis = -1;
        final Set<String> alertIds = ConcurrentHashMap.newKeySet();

        Entry(BenchEventMix.Attack attack) {
            this.attack = attack;
        }
    }

    private final Map<String, Entry> byKey = new ConcurrentHashMap<>();
    // Completed attacks not yet seen in the index, oldest first: what the poller asks the index about.
    private final ConcurrentSkipListMap<Integer, Entry> pending = new ConcurrentSkipListMap<>();
    private final Set<AlertDoc> unexpected = ConcurrentHashMap.newKeySet();

    private static String key(String ruleId, String entity) {
        return ruleId + "@" + entity;
    }

    /** Records an injected attack. */
    public void injected(BenchEventMix.Attack attack) {
        byKey.put(key(attack.ruleId(), attack.entity()), new Entry(attack));
    }

    /** Records the Kafka append time of the attack's completing event. */
    public void completed(BenchEventMix.Attack attack, long appendedMillis) {
        Entry e = byKey.get(key(attack.ruleId(), attack.entity()));
        if (e == null) {
            throw new IllegalStateException("attack " + attack + " was never recorded as injected");
        }
        e.appendedMillis = appendedMillis;
        if (e.searchableMillis < 0) {
            pending.put(attack.number(), e);
        }
    }

    /** Entities of completed attacks whose alert has not been seen yet, oldest first, at most {@code max}. */
    public List<String> pendingEntities(int max) {
        List<String> out = new ArrayList<>(Math.min(max, pending.size()));
        for (Entry e : pending.values()) {
            if (out.size() >= max) {
                break;
            }
            out.add(e.attack.entity());
        }
        return out;
    }

    /** Number of completed attacks not yet seen in the index. */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * Records an alert document found in the index; {@code searchableMillis} is when the search that found it
     * started, or negative for the final inventory (which must not count as a sighting time).
     */
    public void observed(AlertDoc doc, long searchableMillis) {
        Entry e = byKey.get(key(doc.ruleId(), doc.entity()));
        if (e == null) {
            unexpected.add(doc);
            return;
        }
        e.alertIds.add(doc.alertId());
        if (searchableMillis >= 0 && e.searchableMillis < 0 && e.appendedMillis >= 0) {
            e.searchableMillis = searchableMillis;
            pending.remove(e.attack.number());
        }
    }

    /** The rule@entity pair of every injected attack. */
    public Set<String> injectedKeys() {
        return Set.copyOf(byKey.keySet());
    }

    public int injectedCount() {
        return byKey.size();
    }

    /** Injected attacks without any alert document. */
    public int missed() {
        return (int) byKey.values().stream().filter(e -> e.alertIds.isEmpty()).count();
    }

    /** Injected attacks with more than one alert document. */
    public int duplicated() {
        return (int) byKey.values().stream().filter(e -> e.alertIds.size() > 1).count();
    }

    /** Alert documents that name no injected attack (a rule firing on the benign traffic). */
    public Set<AlertDoc> unexpected() {
        return Set.copyOf(unexpected);
    }

    /** Missed attacks by rule, for the report. */
    public Map<String, Long> missedByRule() {
        Map<String, Long> out = new java.util.TreeMap<>();
        byKey.values().stream().filter(e -> e.alertIds.isEmpty()).forEach(e -> out.merge(e.attack.ruleId(), 1L, Long::sum));
        return out;
    }

    /** The first {@code max} missed attacks, with their completion time relative to {@code t0} (ms; -1 if never completed). */
    public List<String> missedExamples(int max, long t0) {
        return byKey.values().stream().filter(e -> e.alertIds.isEmpty())
                .sorted(java.util.Comparator.comparingInt(e -> e.attack.number())).limit(max)
                .map(e -> "#" + e.attack.number() + " " + e.attack.kind() + " " + e.attack.entity() + " completed at "
                        + (e.appendedMillis < 0 ? "never" : "+" + (e.appendedMillis - t0) + " ms"))
                .toList();
    }

    /** Alert latencies (ms, sorted) of the attacks whose completing event was appended in [from, to). */
    public long[] latenciesMillis(long fromMillis, long toMillis) {
        return latencies(fromMillis, toMillis, null);
    }

    /**
     * The same latencies by the kind of attack, that is by the source of its completing event: a source whose times
     * are coarser than the others' holds the watermark, so the kinds tell the sources' share of the latency apart.
     */
    public Map<BenchEventMix.AttackKind, long[]> latenciesMillisByKind(long fromMillis, long toMillis) {
        Map<BenchEventMix.AttackKind, long[]> out = new java.util.EnumMap<>(BenchEventMix.AttackKind.class);
        for (BenchEventMix.AttackKind kind : BenchEventMix.AttackKind.values()) {
            out.put(kind, latencies(fromMillis, toMillis, kind));
        }
        return out;
    }

    private long[] latencies(long fromMillis, long toMillis, BenchEventMix.AttackKind kind) {
        return byKey.values().stream()
                .filter(e -> e.appendedMillis >= fromMillis && e.appendedMillis < toMillis && e.searchableMillis >= 0)
                .filter(e -> kind == null || e.attack.kind() == kind)
                .mapToLong(e -> Math.max(0, e.searchableMillis - e.appendedMillis))
                .sorted().toArray();
    }

    /** Nearest-rank percentile of sorted values ({@code p} in (0, 100]); -1 when there are none. */
    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    @Override
    public String toString() {
        return "AttackLedger" + Arrays.asList(byKey.size(), pending.size());
    }
}
