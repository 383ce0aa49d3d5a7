package org.vigil.correlate;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.StateBackendLoader;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.slf4j.LoggerFactory;
import org.vigil.event.EventFormat;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;
import org.vigil.event.SecurityEventSerializer;
import org.vigil.job.CorrelatorJob;
import org.vigil.job.VigilConfig;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleLoader;

/**
 * Measures the correlator's keyed state per retained event under the RocksDB and the heap state backend, and
 * how long restoring that state and replaying it into Esper take. A program, not a test: it prints figures.
 *
 * <p>The workload is many source addresses (the partition key of every rule) with a mix of Windows 4625
 * failed logons and Suricata flow records, written as the sensors write them and parsed by the job's own
 * normalisers. The watermark passes every event, so all of them move from pending to retained (the span is
 * shorter than the rules' horizon, so none is pruned), then the operator is snapshotted with the backend
 * options the job uses in production ({@link CorrelatorJob#stateConfiguration}), restored into a fresh
 * operator and opened, which replays every retained event into Esper. Figures are medians over the
 * repetitions.
 *
 * <pre>
 * StateSizeBenchmark [--keys 10000] [--events-per-key 3] [--repetitions 5] [--rules rules]
 * </pre>
 */
public final class StateSizeBenchmark {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final Duration SPAN = Duration.ofMinutes(5);
    private static final int MAX_PARALLELISM = 128;
    private static final MemorySize ROCKSDB_MEMORY_PER_SLOT = MemorySize.parse("256mb");
    private static final String WINDOWS_TOPIC = "bench.windows";
    private static final String SURICATA_TOPIC = "bench.suricata";
    private static final DateTimeFormatter WINDOWS_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SURICATA_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ").withZone(ZoneOffset.UTC);

    /** A state backend and the kind of snapshot taken of it. */
    private enum Variant {
        HASHMAP_CHECKPOINT("hashmap", "false", null, "hashmap, checkpoint (full)"),
        ROCKSDB_FULL_CHECKPOINT("rocksdb", "false", null, "rocksdb, checkpoint (full)"),
        ROCKSDB_INCREMENTAL_CHECKPOINT("rocksdb", "true", null, "rocksdb, checkpoint (incremental)"),
        ROCKSDB_CANONICAL_SAVEPOINT("rocksdb", "true", SavepointFormatType.CANONICAL, "rocksdb, savepoint (canonical)");

        final String backend;
        final String incremental;
        final SavepointFormatType savepoint;
        final String label;

        Variant(String backend, String incremental, SavepointFormatType savepoint, String label) {
            this.backend = backend;
            this.incremental = incremental;
            this.savepoint = savepoint;
            this.label = label;
        }

        StateBackend create() throws Exception {
            VigilConfig config = VigilConfig.of(Map.of("state.backend", backend, "checkpoint.incremental", incremental), Map.of());
            Configuration flink = CorrelatorJob.stateConfiguration(config);
            // The harness has almost no managed memory; give RocksDB what a slot of the docker stack's TaskManager
            // (2 GB, 2 slots: about 300 MB managed memory per slot) would give it.
            flink.set(RocksDBOptions.FIX_PER_SLOT_MEMORY_SIZE, ROCKSDB_MEMORY_PER_SLOT);
            return StateBackendLoader.loadStateBackendFromConfig(flink, StateSizeBenchmark.class.getClassLoader(),
                    LoggerFactory.getLogger(StateSizeBenchmark.class));
        }
    }

    /** One repetition's figures for one variant. */
    private record Run(long retained, long timers, long snapshotBytes, long restoreMillis, long openMillis) {}

    private StateSizeBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int keys = Integer.parseInt(options.getOrDefault("--keys", "10000"));
        int eventsPerKey = Integer.parseInt(options.getOrDefault("--events-per-key", "3"));
        int repetitions = Integer.parseInt(options.getOrDefault("--repetitions", "5"));
        Path rulesDir = Path.of(options.getOrDefault("--rules", Files.isDirectory(Path.of("rules")) ? "rules" : "../rules"));

        List<RuleDefinition> rules = RuleLoader.load(rulesDir);
        Workload workload = Workload.generate(keys, eventsPerKey, rules);
        System.out.printf(Locale.ROOT, "Vigil correlator state: %,d keys, %,d routed events (%s) over %d min of event time,"
                        + " %d rules from %s; medians of %d repetitions%n",
                keys, workload.events.size(), workload.mix(), SPAN.toMinutes(), rules.size(), rulesDir, repetitions);
        workload.printEventSizes();

        Map<Variant, List<Run>> runs = new LinkedHashMap<>();
        List<Long> bareOpenMillis = new ArrayList<>();
        for (int r = 0; r < repetitions; r++) {
            for (Variant variant : Variant.values()) {
                runs.computeIfAbsent(variant, v -> new ArrayList<>()).add(measure(variant, rules, workload));
            }
            bareOpenMillis.add(bareOpen(rules));
            System.out.printf(Locale.ROOT, "  repetition %d of %d done%n", r + 1, repetitions);
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-34s %10s %10s %14s %12s %12s %14s%n",
                "backend, snapshot", "retained", "timers", "snapshot", "B/retained", "restore", "open+replay");
        for (Map.Entry<Variant, List<Run>> e : runs.entrySet()) {
            List<Run> rs = e.getValue();
            long retained = rs.get(0).retained();
            long bytes = median(rs.stream().map(Run::snapshotBytes).toList());
            System.out.printf(Locale.ROOT, "%-34s %,10d %,10d %,14d %,12d %9d ms %11d ms%n", e.getKey().label, retained,
                    rs.get(0).timers(), bytes, bytes / retained,
                    median(rs.stream().map(Run::restoreMillis).toList()), median(rs.stream().map(Run::openMillis).toList()));
        }
        System.out.printf(Locale.ROOT, "open() of an operator without state (Esper start-up, no replay): %d ms%n", median(bareOpenMillis));
        System.out.println("restore = initializeState (backend restore); open+replay = open(), which replays every retained"
                + " event into Esper; snapshot = OperatorSubtaskState.getStateSize() (keyed state and timers)");
    }

    /** Runs the workload into a fresh operator, snapshots it, restores the snapshot into another and opens it. */
    private static Run measure(Variant variant, List<RuleDefinition> rules, Workload workload) throws Exception {
        Path checkpoints = Files.createTempDirectory("vigil-state-bench");
        try {
            OperatorSubtaskState snapshot;
            long timers;
            try (var h = harness(rules, variant, checkpoints)) {
                h.open();
                h.processBroadcastWatermark(Long.MAX_VALUE);
                long lastTimestamp = 0;
                int n = 0;
                for (RoutedEvent e : workload.events) {
                    lastTimestamp = e.event.timestampMillis();
                    h.processElement(new StreamRecord<>(e, lastTimestamp));
                    if (++n % 100 == 0) {
                        h.processWatermark(new Watermark(lastTimestamp - 1000));
                    }
                }
                h.processWatermark(new Watermark(lastTimestamp));
                long[] pendingAndRetained = countEvents(h.getOperator().getKeyedStateBackend());
                check(pendingAndRetained[0] == 0 && pendingAndRetained[1] == workload.events.size(),
                        "expected every event retained, found events pending at " + pendingAndRetained[0] + " key and timestamp pairs and "
                                + pendingAndRetained[1] + " retained of " + workload.events.size());
                timers = h.numEventTimeTimers();
                snapshot = variant.savepoint == null
                        ? h.snapshot(1, lastTimestamp)
                        : h.snapshotWithLocalState(1, lastTimestamp, SavepointType.savepoint(variant.savepoint)).getJobManagerOwnedState();
            }
            try (var h = harness(rules, variant, checkpoints)) {
                long start = System.nanoTime();
                h.initializeState(snapshot);
                long restored = System.nanoTime();
                h.open();
                long opened = System.nanoTime();
                long[] pendingAndRetained = countEvents(h.getOperator().getKeyedStateBackend());
                check(pendingAndRetained[1] == workload.events.size(),
                        "the restored operator holds " + pendingAndRetained[1] + " retained events, not " + workload.events.size());
                return new Run(pendingAndRetained[1], timers, snapshot.getStateSize(),
                        (restored - start) / 1_000_000, (opened - restored) / 1_000_000);
            }
        } finally {
            try (Stream<Path> files = Files.walk(checkpoints)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long bareOpen(List<RuleDefinition> rules) throws Exception {
        try (var h = harness(rules, Variant.HASHMAP_CHECKPOINT, null)) {
            h.initializeEmptyState();
            long start = System.nanoTime();
            h.open();
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    private static KeyedBroadcastOperatorTestHarness<String, RoutedEvent, RuleChange, org.vigil.alert.Alert> harness(
            List<RuleDefinition> rules, Variant variant, Path checkpoints) throws Exception {
        var h = new KeyedBroadcastOperatorTestHarness<>(new CorrelateOperator(new CorrelateFunction(rules, 10)),
                RoutedEvent::key, Types.STRING, MAX_PARALLELISM, 1, 0);
        h.setStateBackend(variant.create());
        if (checkpoints != null) {
            h.setCheckpointStorage(new FileSystemCheckpointStorage(checkpoints.toUri()));
        }
        return h;
    }

    /**
     * Over all keys: the key and timestamp pairs with events in {@code pending-events} (namespaced by timestamp), and
     * the events in {@code retained-events}.
     */
    private static long[] countEvents(KeyedStateBackend<Object> backend) throws Exception {
        long[] counts = new long[2];
        try (Stream<?> pending = backend.getKeysAndNamespaces(CorrelateFunction.pendingDescriptor().getName())) {
            counts[0] = pending.count();
        }
        MapStateDescriptor<Long, List<SecurityEvent>> retained = CorrelateFunction.retainedDescriptor();
        backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, retained, (key, state) -> {
            for (List<SecurityEvent> atTimestamp : state.values()) {
                counts[1] += atTimestamp.size();
            }
        });
        return counts;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> known = List.of("--keys", "--events-per-key", "--repetitions", "--rules");
        for (int i = 0; i < args.length; i++) {
            if (!known.contains(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: StateSizeBenchmark [--keys 10000] [--events-per-key 3]"
                        + " [--repetitions 5] [--rules rules]; unexpected '" + args[i] + "'");
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    /** The routed events, in event-time order, and one parsed event of each kind. */
    private static final class Workload {
        final List<RoutedEvent> events = new ArrayList<>();
        final Map<String, List<SecurityEvent>> byKind = new LinkedHashMap<>();

        /**
         * Every key (a workstation address) sees a 4625 failed network logon, then Suricata flows to servers,
         * round-robin over the keys so each key's events spread over the whole span.
         */
        static Workload generate(int keys, int eventsPerKey, List<RuleDefinition> rules) {
            EventParser parser = EventParser.builder()
                    .topicFormat(WINDOWS_TOPIC, EventFormat.WINDOWS)
                    .topicFormat(SURICATA_TOPIC, EventFormat.SURICATA_EVE)
                    .build();
            TreeSet<String> fields = new TreeSet<>();
            rules.forEach(r -> fields.add(r.metadata().partitionField()));
            PartitionRouter router = PartitionRouter.forFields(fields);
            Workload w = new Workload();
            long total = (long) keys * eventsPerKey;
            long step = Math.max(1, SPAN.toNanos() / total);
            long i = 0;
            for (int round = 0; round < eventsPerKey; round++) {
                for (int key = 0; key < keys; key++, i++) {
                    Instant t = T0.plusNanos(i * step);
                    String ip = "10.20." + (key / 250) % 250 + "." + (key % 250 + 1);
                    boolean logon = round % 3 == 0;
                    String record = logon ? failedLogon(t, ip, key, i) : flow(t, ip, key, i);
                    ParseResult parsed = parser.parse(record.getBytes(UTF_8), logon ? WINDOWS_TOPIC : SURICATA_TOPIC, 0, i);
                    check(parsed.isEvent(), "benchmark record not parsed: " + (parsed.isEvent() ? "" : parsed.deadLetter()));
                    w.byKind.computeIfAbsent(logon ? "Windows 4625 failed logon" : "Suricata flow", k -> new ArrayList<>())
                            .add(parsed.event());
                    router.flatMap(parsed.event(), new ListCollector<>(w.events));
                }
            }
            w.events.sort(Comparator.comparingLong(e -> e.event.timestampMillis()));
            return w;
        }

        String mix() {
            List<String> parts = new ArrayList<>();
            byKind.forEach((kind, list) -> parts.add(String.format(Locale.ROOT, "%,d %ss", list.size(), kind)));
            return String.join(", ", parts);
        }

        /** The serialized size of the events (the unit of state) and their size as objects on the heap. */
        void printEventSizes() throws IOException {
            long bytesTotal = 0;
            for (Map.Entry<String, List<SecurityEvent>> kind : byKind.entrySet()) {
                long bytes = 0;
                for (SecurityEvent e : kind.getValue()) {
                    bytes += serialize(e).length;
                }
                bytesTotal += bytes;
                SecurityEvent sample = kind.getValue().get(0);
                System.out.printf(Locale.ROOT, "serialized SecurityEvent, %s: %d B, %d fields%n", kind.getKey(),
                        bytes / kind.getValue().size(), sample.fields().size());
            }
            System.out.printf(Locale.ROOT, "serialized SecurityEvent, mean of the mix: %d B%n", bytesTotal / events.size());

            // What CorrelateOperator.open() holds at once while it replays: one RoutedEvent per retained event.
            long before = usedHeapAfterGc();
            List<RoutedEvent> replayList = new ArrayList<>(events.size());
            for (RoutedEvent e : events) {
                String key = e.key();
                replayList.add(new RoutedEvent(RoutedEvent.fieldOfKey(key), RoutedEvent.valueOfKey(key), deserialize(serialize(e.event))));
            }
            long after = usedHeapAfterGc();
            System.out.printf(Locale.ROOT, "heap held by the replay list per retained event (approx.): %d B%n",
                    (after - before) / replayList.size());
        }

        private static byte[] serialize(SecurityEvent e) {
            try {
                DataOutputSerializer out = new DataOutputSerializer(1024);
                SecurityEventSerializer.INSTANCE.serialize(e, out);
                return out.getCopyOfBuffer();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        private static SecurityEvent deserialize(byte[] bytes) {
            try {
                return SecurityEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        private static long usedHeapAfterGc() {
            Runtime runtime = Runtime.getRuntime();
            for (int i = 0; i < 3; i++) {
                System.gc();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return runtime.totalMemory() - runtime.freeMemory();
        }
    }

    /** A failed network logon (bad password) as evtx_dump writes it from a domain controller's Security log. */
    private static String failedLogon(Instant t, String ip, int key, long n) {
        return """
                {"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},
                 "System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing",
                   "Guid":"{54849625-5478-4994-A5BA-3E3B0328C30D}"}},
                  "EventID":4625,"Version":0,"Level":0,"Task":12544,"Opcode":0,"Keywords":"0x8010000000000000",
                  "TimeCreated":{"#attributes":{"SystemTime":"%s"}},"EventRecordID":%d,"Correlation":null,
                  "Execution":{"#attributes":{"ProcessID":716,"ThreadID":%d}},"Channel":"Security",
                  "Computer":"DC0%d.gov.example","Security":null},
                 "EventData":{"SubjectUserSid":"S-1-0-0","SubjectUserName":"-","SubjectDomainName":"-","SubjectLogonId":"0x0",
                  "TargetUserSid":"S-1-0-0","TargetUserName":"user%05d","TargetDomainName":"GOV","Status":"0xc000006d",
                  "FailureReason":"%%%%2313","SubStatus":"0xc000006a","LogonType":3,"LogonProcessName":"NtLmSsp ",
                  "AuthenticationPackageName":"NTLM","WorkstationName":"WS-%05d","TransmittedServices":"-",
                  "LmPackageName":"-","KeyLength":0,"ProcessId":"0x0","ProcessName":"-","IpAddress":"%s","IpPort":"%d"}}}
                """.formatted(WINDOWS_TIME.format(t), 48_000_000L + n, 4000 + key % 900, 1 + key % 4, key, key, ip,
                49152 + (int) (n % 16000));
    }

    /** A closed TCP flow from a workstation to a server, as Suricata's EVE log writes it. */
    private static String flow(Instant t, String ip, int key, long n) {
        int[] ports = {443, 445, 88, 389, 53, 3389, 8443};
        int port = ports[(int) (n % ports.length)];
        return """
                {"timestamp":"%s","flow_id":%d,"in_iface":"ens1f0","event_type":"flow","src_ip":"%s","src_port":%d,
                 "dest_ip":"10.10.1.%d","dest_port":%d,"proto":"TCP","app_proto":"%s",
                 "community_id":"1:%s","host":"ids-core-01",
                 "flow":{"pkts_toserver":%d,"pkts_toclient":%d,"bytes_toserver":%d,"bytes_toclient":%d,
                  "start":"%s","end":"%s","age":%d,"state":"closed","reason":"timeout","alerted":false},
                 "tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b","syn":true,"fin":true,"psh":true,
                  "ack":true,"state":"closed"}}
                """.formatted(SURICATA_TIME.format(t), 1_000_000_000_000L + n * 7919, ip, 49152 + (int) (n % 16000),
                1 + key % 40, port, port == 443 || port == 8443 ? "tls" : port == 53 ? "dns" : port == 445 ? "smb" : "failed",
                java.util.Base64.getEncoder().encodeToString(Long.toString(n * 31 + key).getBytes(UTF_8)),
                8 + n % 20, 6 + n % 17, 900 + n % 5000, 4000 + n % 90000, SURICATA_TIME.format(t.minusSeconds(3 + n % 60)),
                SURICATA_TIME.format(t), 3 + n % 60);
    }
}
