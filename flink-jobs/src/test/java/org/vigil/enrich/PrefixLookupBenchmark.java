package org.vigil.enrich;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.vigil.event.SecurityEvent;

/**
 * Prints what CIDR lookups and whole-event enrichment cost: lookups per second of {@link IpPrefixTrie} (address
 * bytes), of {@link ReferenceData#assetForIp} (text, as events carry it) and of a linear scan over the same prefixes
 * for comparison, and events per second through {@link Enricher}, per CPU-second of the measuring thread (so other
 * processes on the machine do not skew it; garbage collection on other threads is not counted). Measures, asserts
 * nothing.
 *
 * <p>Run: {@code java -cp <test and main classes + test class path> org.vigil.enrich.PrefixLookupBenchmark [prefixes]}.
 */
public final class PrefixLookupBenchmark {
    private static final int ADDRESSES = 1 << 16;
    private static final int REPETITIONS = 5;
    private static final long RUN_NANOS = 1_000_000_000L;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private PrefixLookupBenchmark() {}

    public static void main(String[] args) {
        int prefixes = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        Random random = new Random(1);
        List<IpPrefix> inventory = new ArrayList<>();
        ReferenceData data = new ReferenceData();
        IpPrefixTrie<Asset> trie = new IpPrefixTrie<>();
        while (inventory.size() < prefixes) {
            boolean v6 = random.nextInt(5) == 0;
            byte[] a = new byte[v6 ? 16 : 4];
            random.nextBytes(a);
            if (!v6) {
                a[0] = 10;
            }
            int length = v6 ? 32 + random.nextInt(97) : 12 + random.nextInt(21);
            IpPrefix p = IpPrefix.parse(text(mask(a, length)) + "/" + length);
            if (trie.get(p) != null) {
                continue;
            }
            Asset asset = new Asset(p.toString(), "system " + inventory.size(), "agency", SystemType.OTHER, 3,
                    Criticality.MEDIUM);
            inventory.add(p);
            trie.put(p, asset);
            data.put(asset);
        }
        byte[][] addresses = new byte[ADDRESSES][];
        String[] texts = new String[ADDRESSES];
        for (int i = 0; i < ADDRESSES; i++) {
            byte[] a = new byte[random.nextInt(5) == 0 ? 16 : 4];
            random.nextBytes(a);
            if (a.length == 4) {
                a[0] = 10;
            }
            addresses[i] = a;
            texts[i] = text(a);
        }
        SecurityEvent[] events = new SecurityEvent[1024];
        for (int i = 0; i < events.length; i++) {
            events[i] = SecurityEvent.builder().timestamp(Instant.parse("2026-11-24T09:00:00Z")).id("e" + i)
                    .put("source.ip", texts[i]).put("destination.ip", texts[(i * 7) % ADDRESSES]).build();
        }
        Enricher enricher = new Enricher();
        System.out.printf(Locale.ROOT, "%,d prefixes (about 80%% IPv4 /12-/32, 20%% IPv6 /32-/128), %,d addresses; "
                + "per CPU-second of the benchmark thread, median of %d runs of one CPU-second%n", trie.size(), ADDRESSES, REPETITIONS);
        report("trie, address bytes", "lookups", () -> {
            long hits = 0;
            for (byte[] a : addresses) {
                hits += trie.longestMatch(a) == null ? 0 : 1;
            }
            return new long[] {ADDRESSES, hits};
        });
        report("ReferenceData.assetForIp, text", "lookups", () -> {
            long hits = 0;
            for (String t : texts) {
                hits += data.assetForIp(t) == null ? 0 : 1;
            }
            return new long[] {ADDRESSES, hits};
        });
        int scanned = Math.min(ADDRESSES, 256);
        report("linear scan, address bytes", "lookups", () -> {
            long hits = 0;
            for (int i = 0; i < scanned; i++) {
                IpPrefix best = null;
                for (IpPrefix p : inventory) {
                    if (p.contains(addresses[i]) && (best == null || p.length() > best.length())) {
                        best = p;
                    }
                }
                hits += best == null ? 0 : 1;
            }
            return new long[] {scanned, hits};
        });
        report("Enricher.enrich, event with 2 IPs", "events", () -> {
            long hits = 0;
            for (SecurityEvent e : events) {
                hits += enricher.enrich(e, data) == e ? 0 : 1;
            }
            return new long[] {events.length, hits};
        });
    }

    private interface Batch {
        /** Runs one batch; returns {operations, hits}. */
        long[] run();
    }

    private static void report(String name, String unit, Batch batch) {
        double[] rates = new double[REPETITIONS];
        long hits = 0;
        long ops = 0;
        for (int warm = 0; warm < 3; warm++) {
            batch.run();
        }
        for (int r = 0; r < REPETITIONS; r++) {
            long count = 0;
            // CPU time of this thread, not wall time: on a shared machine the wall clock measures the neighbours.
            long start = CPU.getCurrentThreadCpuTime();
            long elapsed;
            do {
                long[] result = batch.run();
                count += result[0];
                ops = result[0];
                hits = result[1];
                elapsed = CPU.getCurrentThreadCpuTime() - start;
            } while (elapsed < RUN_NANOS);
            rates[r] = count * 1e9 / elapsed;
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "%-36s %,12.0f %s/CPU-s  (%d of %d matched)%n", name, rates[REPETITIONS / 2], unit,
                hits, ops);
    }

    private static byte[] mask(byte[] a, int length) {
        byte[] m = a.clone();
        for (int bit = length; bit < m.length * 8; bit++) {
            m[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return m;
    }

    private static String text(byte[] a) {
        try {
            return java.net.InetAddress.getByAddress(a).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
