package org.vigil.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.ExceptionUtils;
import org.vigil.alert.Alert;
import org.vigil.alert.AlertDocument;
import org.vigil.enrich.ReferenceDirectory;
import org.vigil.enrich.ReferenceRecord;
import org.vigil.event.DeadLetter;
import org.vigil.event.EventFormat;
import org.vigil.event.EventParser;
import org.vigil.event.SecurityEvent;
import org.vigil.job.CorrelatorJob;
import org.vigil.job.VigilOptions;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleLoader;

/**
 * {@code bin/vigil backtest}: runs the correlator job over recorded event files on a MiniCluster, without Kafka or
 * Elasticsearch, and prints the alert documents as JSON lines on standard output and the counts per rule, the dead
 * letters and progress on standard error.
 *
 * <p>Files are merged in event time by holding the watermark back until the end of the input: every event waits in
 * the correlator's keyed state (RocksDB in a temporary directory) and the final watermark releases them all to Esper
 * in timestamp order. So the order of the files and of the lines in them does not matter, at the cost of keeping the
 * whole input on local disk until the end.
 */
public final class Backtest {
    static final String USAGE = """
            usage: vigil backtest --input FILE... [--format F] [--rules DIR] [--reference DIR] [--parallelism N]

            Runs the rules over recorded event files on a Flink MiniCluster (no Kafka, no Elasticsearch) and prints
            each alert as the JSON document the alert index would get, one per line, on standard output. Standard
            error gets progress, the number of alerts per rule and the dead letters (count per reason, the first
            ones with file:line and why), so no record is dropped silently.

              --input FILE...   one or more files (also --input A --input B): JSON lines, raw log lines (one record
                                per line) or a JSON array of records; gzip-compressed files (.gz) are read as well
              --format F        auto (default: detect per record), ecs, suricata, windows, cef, web; as in kafka.topics.formats
              --rules DIR       the rules to run (default ./rules)
              --reference DIR   reference data to enrich the events with: files in the formats of vigil intel load,
                                the kind by the start of the name (assets*.csv, botnet-2026-11.csv, iocs*.json,
                                vulns*.jsonl; one botnet file per list version, the newest is current)
              --parallelism N   correlator instances (default 1: alerts come out in event-time order)

            Records of all files are merged in event time whatever their order in and across the files: the job
            keeps every event in its keyed state (RocksDB, in a temporary directory on local disk, a few hundred
            bytes per event and partition field in use) until the input ends, then correlates them in timestamp order. Alerts
            therefore appear after the last file is read. A JSON array file is read into memory whole; lines are
            streamed. Event times ahead of the clock are accepted (a recording is not a live feed).

            Exit status: 0 when the run completed (dead letters included), 1 when the job or the rules failed,
            2 for a usage error such as a missing file.
            """;

    /**
     * How far the watermark trails the newest event: more than the span of accepted event times (1990 to 2100), so
     * no event is ever behind the watermark until the final watermark at the end of the input.
     */
    static final Duration HOLD_UNTIL_END_OF_INPUT = Duration.ofDays(366L * 200);
    private static final int DEAD_LETTERS_SHOWN = 10;
    private static final long PROGRESS_EVERY_SECONDS = 5;

    private final PrintStream out;
    private final PrintStream err;

    private Backtest(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command with its arguments (after {@code backtest}); returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("vigil backtest: " + e.getMessage() + "; see vigil backtest --help");
            return 2;
        }
        if (options == null) {
            out.print(USAGE);
            return 0;
        }
        List<RuleDefinition> rules;
        try {
            rules = RuleLoader.load(options.rules());
        } catch (RuleException e) {
            err.println("vigil backtest: the rules in " + options.rules() + " cannot be used: " + e.getMessage()
                    + "\nfix them (bin/vigil rules validate --rules " + options.rules() + ") or point --rules at a rules directory");
            return 1;
        }
        List<ReferenceRecord> reference = List.of();
        if (options.reference() != null) {
            try {
                ReferenceDirectory dir = ReferenceDirectory.read(options.reference());
                if (!dir.ok()) {
                    dir.errors().forEach(err::println);
                    err.println("vigil backtest: " + dir.errors().size() + " problem(s) in the reference data of "
                            + options.reference() + "; fix them (bin/vigil intel load --check shows the same)");
                    return 2;
                }
                err.println("vigil backtest: reference data " + String.join(", ", dir.files()));
                reference = dir.records();
            } catch (IOException | IllegalArgumentException e) {
                err.println("vigil backtest: " + e.getMessage());
                return 2;
            }
        }
        try {
            return new Backtest(out, err).run(options, rules, reference);
        } catch (Exception e) {
            Throwable cause = ExceptionUtils.stripExecutionException(e);
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            err.println("vigil backtest: the job failed: " + cause + "\n" + ExceptionUtils.stringifyException(e));
            return 1;
        }
    }

    /** The command's arguments, checked. */
    record Options(List<Path> inputs, EventFormat format, Path rules, Path reference, int parallelism) {
        /** The options, or null when help was asked for. */
        static Options parse(List<String> args) {
            List<Path> inputs = new ArrayList<>();
            EventFormat format = EventFormat.AUTO;
            Path rules = Path.of("rules");
            Path reference = null;
            int parallelism = 1;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--help", "-h" -> {
                        return null;
                    }
                    case "--input" -> {
                        int before = inputs.size();
                        while (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                            inputs.add(Path.of(args.get(++i)));
                        }
                        if (inputs.size() == before) {
                            throw new IllegalArgumentException("--input needs at least one file");
                        }
                    }
                    case "--format" -> format = EventFormat.fromConfigName(value(args, ++i, arg));
                    case "--rules" -> rules = Path.of(value(args, ++i, arg));
                    case "--reference" -> reference = Path.of(value(args, ++i, arg));
                    case "--parallelism" -> {
                        String n = value(args, ++i, arg);
                        try {
                            parallelism = Integer.parseInt(n);
                        } catch (NumberFormatException e) {
                            parallelism = 0;
                        }
                        if (parallelism < 1 || parallelism > 128) {
                            throw new IllegalArgumentException("--parallelism must be a number from 1 to 128, got '" + n + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                }
            }
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("give the recorded event files with --input FILE...");
            }
            var seen = new HashSet<Path>();
            for (Path input : inputs) {
                if (!Files.exists(input)) {
                    throw new IllegalArgumentException("input file " + input + " does not exist");
                }
                if (Files.isDirectory(input)) {
                    throw new IllegalArgumentException("input " + input + " is a directory; list its files (e.g. --input " + input + "/*)");
                }
                if (!Files.isReadable(input)) {
                    throw new IllegalArgumentException("input file " + input + " is not readable");
                }
                if (!seen.add(input.toAbsolutePath().normalize())) {
                    throw new IllegalArgumentException("input file " + input + " is given twice; its events would count twice");
                }
            }
            if (!Files.isDirectory(rules)) {
                throw new IllegalArgumentException("rules directory " + rules + " does not exist; give it with --rules DIR");
            }
            if (reference != null && !Files.isDirectory(reference)) {
                throw new IllegalArgumentException("reference directory " + reference + " does not exist; give it with --reference DIR");
            }
            return new Options(inputs, format, rules, reference, parallelism);
        }

        private static String value(List<String> args, int i, String name) {
            if (i >= args.size() || args.get(i).startsWith("--")) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args.get(i);
        }
    }

    private int run(Options options, List<RuleDefinition> rules, List<ReferenceRecord> reference) throws Exception {
        long started = System.nanoTime();
        AlertPrinter alerts = new AlertPrinter(rules);
        DeadLetterReport deadLetters = new DeadLetterReport();
        List<SecurityEvent> late = new ArrayList<>();
        RecordFileSource.Progress progress = new RecordFileSource.Progress();
        List<String> channels = List.of(InProcessChannels.open(alerts), InProcessChannels.open(deadLetters),
                InProcessChannels.open((Consumer<SecurityEvent>) e -> {
                    synchronized (late) {
                        late.add(e);
                    }
                }), InProcessChannels.open(progress));
        Path stateDir = Files.createTempDirectory("vigil-backtest-");
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-backtest-progress");
            t.setDaemon(true);
            return t;
        });
        try {
            EventParser parser = EventParser.builder()
                    .defaultFormat(options.format())
                    // The future-skew bound protects a live watermark; here the watermark waits for the end anyway.
                    .maxFutureSkew(HOLD_UNTIL_END_OF_INPUT)
                    .build();
            List<String> files = options.inputs().stream().map(Path::toString).toList();
            CorrelatorJob.Connectors connectors = new CorrelatorJob.Connectors(
                    new RecordFileSource(files, parser, channels.get(3)),
                    new InProcessSink<>(channels.get(0)),
                    new DiscardingSink<>(), // the NCSC feed: a backtest shares nothing
                    new InProcessSink<>(channels.get(1)),
                    new InProcessSink<>(channels.get(2)))
                    .withReferenceData(null, reference);
            CorrelatorJob.Settings settings = new CorrelatorJob.Settings(rules, HOLD_UNTIL_END_OF_INPUT,
                    Duration.parse(VigilOptions.IDLE_TIMEOUT.defaultValue()),
                    Integer.parseInt(VigilOptions.MAX_EVIDENCE.defaultValue()));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(options.parallelism(),
                    stateConfiguration(stateDir));
            CorrelatorJob.build(env, settings, connectors);

            err.println("vigil backtest: " + rules.size() + " rules from " + options.rules() + " over " + files.size()
                    + " file(s), format " + options.format().configName());
            reporter.scheduleAtFixedRate(new ProgressReport(progress, files.size(), started),
                    PROGRESS_EVERY_SECONDS, PROGRESS_EVERY_SECONDS, TimeUnit.SECONDS);
            env.execute("vigil-backtest");
        } finally {
            reporter.shutdownNow();
            channels.forEach(InProcessChannels::close);
            deleteRecursively(stateDir);
        }
        alerts.printDocuments();
        out.flush();

        double seconds = (System.nanoTime() - started) / 1e9;
        long records = progress.records.get();
        long deadLetterCount = progress.deadLetters.get();
        long headerLines = progress.headerLines.get();
        err.printf(Locale.ROOT, "vigil backtest: %,d records read from %d file(s) in %.1f s (%,.0f records/s): %,d events, "
                        + "%,d dead letter%s, %,d header lines; %,d alerts%n", records, options.inputs().size(), seconds,
                records / seconds, records - deadLetterCount - headerLines, deadLetterCount, deadLetterCount == 1 ? "" : "s",
                headerLines, alerts.total());
        alerts.printCounts(err);
        deadLetters.print(err);
        if (!late.isEmpty()) {
            // Cannot happen while the watermark is held until the end; if it does, the backtest is incomplete.
            err.println("vigil backtest: " + late.size() + " events arrived behind the watermark and were not correlated,"
                    + " e.g. " + late.get(0));
            return 1;
        }
        return 0;
    }

    /** RocksDB in {@code dir}, timers included, so the held-back input is bounded by disk rather than heap. */
    private static Configuration stateConfiguration(Path dir) {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.ROCKSDB);
        flink.set(RocksDBOptions.LOCAL_DIRECTORIES, dir.toString());
        return flink;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the backtest's state in " + dir, e);
        }
    }

    /**
     * Collects the alert documents and prints each once, as the alert index ends up holding it: one JSON line per
     * alert id, in the order first raised, with its repeats merged in (the latest version of the document).
     */
    private final class AlertPrinter implements Consumer<Alert> {
        private final Map<String, Long> countByRule = new TreeMap<>();
        private final Map<String, Alert> latestById = new LinkedHashMap<>();

        AlertPrinter(List<RuleDefinition> rules) {
            rules.forEach(r -> countByRule.put(r.id(), 0L));
        }

        @Override
        public synchronized void accept(Alert alert) {
            if (latestById.put(alert.id(), alert) == null) {
                countByRule.merge(alert.ruleId(), 1L, Long::sum);
            }
        }

        synchronized void printDocuments() {
            latestById.values().forEach(a -> out.println(AlertDocument.toJson(a).toString()));
        }

        synchronized long total() {
            return countByRule.values().stream().mapToLong(Long::longValue).sum();
        }

        synchronized void printCounts(PrintStream to) {
            to.println("alerts per rule:");
            countByRule.forEach((rule, n) -> to.printf(Locale.ROOT, "  %8d  %s%n", n, rule));
        }
    }

    /** Counts dead letters per reason and keeps the first few to show where and why. */
    private static final class DeadLetterReport implements Consumer<DeadLetter> {
        private final Map<String, Long> countByReason = new TreeMap<>();
        private final List<DeadLetter> first = new ArrayList<>();

        @Override
        public synchronized void accept(DeadLetter d) {
            countByReason.merge(d.reasonCode(), 1L, Long::sum);
            if (first.size() < DEAD_LETTERS_SHOWN) {
                first.add(d);
            }
        }

        synchronized void print(PrintStream to) {
            if (countByReason.isEmpty()) {
                to.println("dead letters: none");
                return;
            }
            to.println("dead letters per reason:");
            countByReason.forEach((reason, n) -> to.printf(Locale.ROOT, "  %8d  %s%n", n, reason));
            long total = countByReason.values().stream().mapToLong(Long::longValue).sum();
            to.println(total > first.size() ? "first " + first.size() + " dead letters:" : "dead letters:");
            first.forEach(d -> to.println("  " + location(d) + ": " + d.reasonCode() + ": " + d.message()));
        }

        /** {@code file:line}, as the source names records. */
        static String location(DeadLetter d) {
            return d.sourceTopic() + ":" + d.sourceOffset();
        }
    }

    /** A progress line: records read so far and the rate, then that correlation has started. */
    private final class ProgressReport implements Runnable {
        private final RecordFileSource.Progress progress;
        private final int files;
        private final long started;
        private long lastRecords;
        private boolean allRead;

        ProgressReport(RecordFileSource.Progress progress, int files, long started) {
            this.progress = progress;
            this.files = files;
            this.started = started;
        }

        @Override
        public void run() {
            long records = progress.records.get();
            long done = progress.filesDone.get();
            if (allRead || (records == 0 && done == 0)) {
                return; // finished reading, or Flink is still starting
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (done >= files) {
                allRead = true;
                err.printf(Locale.ROOT, "vigil backtest: all %,d records read after %.0f s; correlating in event-time order%n",
                        records, seconds);
            } else {
                err.printf(Locale.ROOT, "vigil backtest: %,d records read (%,d/s), %d of %d files done, %.0f s%n",
                        records, (records - lastRecords) / PROGRESS_EVERY_SECONDS, done, files, seconds);
            }
            lastRecords = records;
        }
    }
}
