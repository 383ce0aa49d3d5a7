package org.vigil.local;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.vigil.job.CorrelatorJob;
import org.vigil.job.KafkaConnectors;
import org.vigil.job.VigilConfig;
import org.vigil.job.VigilOptions;

/**
 * {@code vigil bench}: feeds a realistic event mix with injected attacks into Kafka, runs the real correlator job on
 * a MiniCluster against the embedded stack, and reports the job's sustained events per second, the alert latency
 * (completing event appended to Kafka → alert searchable in Elasticsearch), CPU, heap, retained state, whether every
 * attack alerted exactly once, and two same-run baselines: one thread consuming and parsing the same records, and the
 * same rules on a bare Esper runtime fed the same events in process.
 */
public final class Bench {
    static final String USAGE = """
            usage: vigil bench [--rate N|max] [--duration PT60S] [--warmup PT20S] [--rules DIR]
                               [--checkpoint-interval PT2S] [--max-lag N] [--seed N] [--web-time s|ms]

            Starts Kafka and Elasticsearch on loopback, runs the correlator job (checkpoints on, out-of-orderness
            PT1S, the rules of --rules) on a Flink MiniCluster of 2 slots and, once the job has completed a
            checkpoint, produces Windows logons, Suricata flows and alerts, web access lines and firewall events,
            about 1% of them complete attacks (brute force then success, port scan, IDS burst, web injection), each
            from its own source address.

              --rate N|max      events per second to produce, or as fast as the job takes them (default max:
                                production stays about three checkpoint intervals of the job's rate ahead of it)
              --duration D      the measured window (ISO-8601, default PT60S); --warmup D before it (default PT20S)
              --checkpoint-interval D   the job's checkpoint interval (default PT2S, as bin/vigil local)
              --max-lag N       with --rate max, a fixed bound (records) on how far production runs ahead of the job
              --seed N          the event mix's random seed (default 7)
              --web-time s|ms   the web access lines' time: whole seconds as Apache's default formats write it
                                (default s), or with milliseconds (%{msec_frac}t). A whole-second source holds the
                                job's watermark, and with it every alert, up to a second longer

            Reports the job's events/s over the window (from its offsets committed on checkpoints), alert latency
            p50/p95/p99 (completing event's Kafka append time → alert found by a search; the index is polled every
            100 ms), CPU, heap, the last checkpoint's size, missed and duplicated attacks, and the baselines measured
            after the job stops: raw_eps (one thread: Kafka consumer + the job's parser over the same records) and
            esper_eps (one thread: the same rules on Esper without Flink, fed the same events in event-time order).
            The job's configuration keys may be overridden as for the job, with VIGIL_<KEY> environment variables
            (e.g. VIGIL_ELASTICSEARCH_REFRESH=false), except those the bench sets itself (its Kafka, Elasticsearch,
            rules, checkpoints, consumer group, event topics and the out-of-orderness of PT1S); the settings that
            bound the latency are printed at the start.
            The last line is a summary:
              bench eps=N p50_ms=N p95_ms=N p99_ms=N raw_eps=N esper_eps=N missed=N duplicated=N
            Exits 1 when an attack was missed or alerted twice.
            """;

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration ALERT_WAIT = Duration.ofSeconds(30);
    private static final int TRICKLE_EPS = 500;
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    /** What to run. {@code rate} null means as fast as the job takes events. */
    record Options(Long rate, Duration duration, Duration warmup, Path rules, Duration checkpointInterval, Long maxLag,
                   long seed, boolean webMillis) {
        static Options parse(List<String> args) {
            List<String> a = new ArrayList<>(args);
            String rate = take(a, "--rate", "max");
            Options o = new Options(rate.equals("max") ? null : positive(Long.parseLong(rate), "--rate"),
                    Duration.parse(take(a, "--duration", "PT60S")), Duration.parse(take(a, "--warmup", "PT20S")),
                    Path.of(take(a, "--rules", "rules")), Duration.parse(take(a, "--checkpoint-interval", "PT2S")),
                    maxLag(take(a, "--max-lag", "auto")),
                    Long.parseLong(take(a, "--seed", "7")), webMillis(take(a, "--web-time", "s")));
            if (!a.isEmpty()) {
                throw new IllegalArgumentException("unexpected arguments " + a + "; see vigil bench --help");
            }
            if (o.duration.toMillis() < 10_000) {
                throw new IllegalArgumentException("--duration must be at least PT10S, got " + o.duration);
            }
            return o;
        }

        private static boolean webMillis(String v) {
            return switch (v) {
                case "s" -> false;
                case "ms" -> true;
                default -> throw new IllegalArgumentException("--web-time must be s or ms, got '" + v + "'");
            };
        }

        private static Long maxLag(String v) {
            return v.equals("auto") ? null : positive(Long.parseLong(v), "--max-lag");
        }

        private static long positive(long v, String name) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
            return v;
        }

        private static String take(List<String> a, String name, String defaultValue) {
            int i = a.indexOf(name);
            if (i < 0) {
                return defaultValue;
            }
            if (i + 1 >= a.size()) {
                throw new IllegalArgumentException(name + " needs a value; see vigil bench --help");
            }
            String v = a.remove(i + 1);
            a.remove(i);
            return v;
        }
    }

    private final PrintStream out;
    private final PrintStream err;

    Bench(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs {@code vigil bench} with its arguments; the exit code. */
    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (RuntimeException e) {
            err.println("vigil bench: " + e.getMessage());
            return 2;
        }
        if (!Files.isDirectory(options.rules())) {
            err.println("vigil bench: no rules directory " + options.rules().toAbsolutePath() + "; pass --rules DIR");
            return 2;
        }
        return new Bench(out, err).run(options);
    }

    int run(Options o) throws Exception {
        out.println("vigil bench: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                + loadAverage() + "; rate " + (o.rate() == null ? "max" : o.rate() + "/s") + ", warm-up " + o.warmup()
                + ", window " + o.duration() + ", web access times in " + (o.webMillis() ? "milliseconds" : "whole seconds")
                + "; starting Kafka and Elasticsearch...");
        Path checkpoints = Files.createTempDirectory("vigil-bench-checkpoints");
        try (LocalStack stack = LocalStack.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
            appendTimeStamps(admin);
            String group = "vigil-bench-" + System.currentTimeMillis();
            Map<String, String> settings = new HashMap<>();
            settings.put(VigilOptions.KAFKA_BOOTSTRAP_SERVERS.key(), stack.kafka().bootstrapServers());
            settings.put(VigilOptions.ELASTICSEARCH_HOSTS.key(), stack.elasticsearch().httpUri().toString());
            settings.put(VigilOptions.RULES_DIR.key(), o.rules().toString());
            settings.put(VigilOptions.CHECKPOINT_INTERVAL.key(), o.checkpointInterval().toString());
            settings.put(VigilOptions.CHECKPOINT_DIR.key(), checkpoints.toUri().toString());
            settings.put(VigilOptions.OUT_OF_ORDERNESS.key(), "PT1S");
            settings.put(VigilOptions.KAFKA_GROUP_ID.key(), group);
            settings.put(VigilOptions.EVENT_TOPICS.key(), String.join(",", BenchEventMix.TOPICS));
            VigilConfig config = VigilConfig.of(settings, overrides(System.getenv(), settings.keySet()));
            CorrelatorJob.Settings job = CorrelatorJob.Settings.from(config);

            try (MiniCluster flink = miniCluster()) {
                JobID jobId = submit(flink, config, job);
                out.println("  job " + jobId + ": " + job.rules().size() + " rules from " + o.rules() + ", checkpoints every "
                        + o.checkpointInterval() + ", state backend " + config.get(VigilOptions.STATE_BACKEND)
                        + ", out-of-orderness PT1S, parallelism 2");
                out.println("  latency settings: " + latencySettings(config));
                return measure(o, stack, admin, config, job, flink, jobId, group);
            }
        } finally {
            deleteTree(checkpoints);
        }
    }

    /**
     * The {@code VIGIL_*} environment variables that may override the job's configuration, as they do for the job
     * itself, so the cost of a setting can be measured; never those of the keys the bench sets (its own stack, the
     * out-of-orderness the latency target is defined with).
     */
    static Map<String, String> overrides(Map<String, String> environment, Set<String> benchKeys) {
        Map<String, String> out = new HashMap<>(environment);
        for (VigilOptions.Option option : VigilOptions.ALL) {
            if (benchKeys.contains(option.key())) {
                out.remove(option.envName());
            }
        }
        return out;
    }

    /** The settings that bound the alert latency, as the job runs with them. */
    static String latencySettings(VigilConfig config) {
        StringBuilder sb = new StringBuilder();
        for (VigilOptions.Option option : List.of(VigilOptions.WATERMARK_INTERVAL, VigilOptions.BUFFER_TIMEOUT,
                VigilOptions.ELASTICSEARCH_FLUSH_INTERVAL, VigilOptions.ELASTICSEARCH_FLUSH_ON_WATERMARK,
                VigilOptions.ELASTICSEARCH_REFRESH)) {
            sb.append(sb.length() == 0 ? "" : ", ").append(option.key()).append('=').append(config.get(option));
        }
        return sb.toString();
    }

    private int measure(Options o, LocalStack stack, Admin admin, VigilConfig config, CorrelatorJob.Settings job,
                        MiniCluster flink, JobID jobId, String group) throws Exception {
        AttackLedger ledger = new AttackLedger();
        AtomicLong produced = new AtomicLong();
        Generator generator = new Generator(stack.kafka().bootstrapServers(), new BenchEventMix(o.seed(), o.webMillis()), ledger, produced,
                o.rate(), o.maxLag(), o.checkpointInterval());
        AlertIndexProbe index = new AlertIndexProbe(stack.elasticsearch().httpUri(), config.require(VigilOptions.ELASTICSEARCH_INDEX));
        try (ResourceMeter meter = new ResourceMeter(admin, group, Set.copyOf(BenchEventMix.TOPICS), produced);
             IndexPoller poller = new IndexPoller(index, ledger)) {
            generator.meter = meter;
            generator.start();
            // The job's tasks start (Esper compiles every rule, RocksDB opens) while a trickle flows; the warm-up at
            // the requested rate begins once the job has committed its first checkpoint, so the window does not
            // measure a backlog left over from the job's start.
            long startDeadline = System.currentTimeMillis() + STARTUP_TIMEOUT.toMillis();
            while (meter.committed() == 0) {
                if (System.currentTimeMillis() > startDeadline) {
                    throw new IllegalStateException("the job committed no checkpoint within " + STARTUP_TIMEOUT + "; see the log");
                }
                checkRunning(flink, jobId);
                Thread.sleep(100);
            }
            generator.startRate();
            long t0 = System.currentTimeMillis();
            long windowStart = t0 + o.warmup().toMillis();
            long windowEnd = windowStart + o.duration().toMillis();
            sleepUntil(windowStart, flink, jobId);
            meter.resetMaxHeap();
            ResourceMeter.Cpu cpuStart = ResourceMeter.cpu(generator);
            out.println("vigil bench: warmed up (" + produced.get() + " records produced); measuring for " + o.duration() + "...");
            sleepUntil(windowEnd, flink, jobId);
            ResourceMeter.Cpu cpuEnd = ResourceMeter.cpu(generator);
            long maxHeap = meter.maxHeapUsed();
            CompletedCheckpointStats lastCheckpoint = flink.getExecutionGraph(jobId).get().getCheckpointStatsSnapshot()
                    .getHistory().getLatestCompletedCheckpoint();
            generator.stopAttacks();
            long producedAtEnd = produced.get();
            out.println("vigil bench: window over (" + producedAtEnd + " records produced); completing the attacks under way"
                    + " and draining...");

            // Attack events still due go out, then a benign trickle keeps the watermark moving until the job caught up
            // with everything produced and every completed attack has alerted (or the drain times out).
            long drainDeadline = System.currentTimeMillis() + DRAIN_TIMEOUT.toMillis();
            long attacksSent = generator.awaitAttacksSent(drainDeadline);
            while (meter.committed() < attacksSent && System.currentTimeMillis() < drainDeadline) {
                checkRunning(flink, jobId);
                Thread.sleep(200);
            }
            long alertDeadline = Math.min(drainDeadline, System.currentTimeMillis() + ALERT_WAIT.toMillis());
            while (ledger.pendingCount() > 0 && System.currentTimeMillis() < alertDeadline) {
                Thread.sleep(200);
            }
            long heapAfterGc = meter.heapAfterGc();
            generator.finish();
            poller.close();
            List<AttackLedger.AlertDoc> inventory = index.all();
            for (AttackLedger.AlertDoc doc : inventory) {
                ledger.observed(doc, -1);
            }
            flink.cancelJob(jobId).get();

            Throughput throughput = throughput(meter.commits(), windowStart, windowEnd);
            long[] latencies = ledger.latenciesMillis(windowStart, windowEnd);
            Map<BenchEventMix.AttackKind, long[]> latenciesByKind = ledger.latenciesMillisByKind(windowStart, windowEnd);
            double[] cores = cpuEnd.coresSince(cpuStart);

            out.println("vigil bench: measuring the baselines on the same " + produced.get() + " records...");
            BenchBaselines baselines = new BenchBaselines(stack.kafka().bootstrapServers(), BenchEventMix.TOPICS, KafkaConnectors.eventParser(config));
            BenchBaselines.Rate raw = baselines.consumeAndParse();
            BenchBaselines.EsperRun esper = baselines.bareEsper(job.rules(), job.maxEvidence());

            BenchReport report = new BenchReport(throughput.eventsPerSecond(), AttackLedger.percentile(latencies, 50),
                    AttackLedger.percentile(latencies, 95), AttackLedger.percentile(latencies, 99), raw.perSecond(),
                    esper.rate().perSecond(), ledger.missed(), ledger.duplicated());
            out.println("  index        " + inventory.size() + " alert documents; dead letters " + endOffset(admin,
                    config.require(VigilOptions.DEADLETTER_TOPIC)) + ", late events " + endOffset(admin,
                    config.require(VigilOptions.LATE_TOPIC)) + " (their topics' end offsets)");
            ledger.missedExamples(5, t0).forEach(m -> out.println("  missed       " + m));
            printDetails(o, report, throughput, latencies, latenciesByKind, cores, maxHeap, heapAfterGc, lastCheckpoint, ledger, raw, esper);
            out.println(report.summaryLine());
            return report.missed() == 0 && report.duplicated() == 0 ? 0 : 1;
        } finally {
            generator.finish();
        }
    }

    /** The job's rate over the window: between the first and the last commit seen inside it. */
    /** "kind p50/p99 ms (n)" per attack kind: which source's events the latency waits for. */
    static String latencyByKind(Map<BenchEventMix.AttackKind, long[]> byKind) {
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, sorted) -> parts.add(String.format(Locale.ROOT, "%s p50 %d ms, p99 %d ms (%d)",
                kind.name().toLowerCase(Locale.ROOT).replace('_', ' '), AttackLedger.percentile(sorted, 50),
                AttackLedger.percentile(sorted, 99), sorted.length)));
        return String.join("; ", parts);
    }

    record Throughput(long eventsPerSecond, long lagAtStart, long lagAtEnd, double seconds) {}

    static Throughput throughput(List<ResourceMeter.Commit> commits, long windowStart, long windowEnd) {
        ResourceMeter.Commit first = null;
        ResourceMeter.Commit last = null;
        for (ResourceMeter.Commit c : commits) {
            if (c.seenMillis() >= windowStart && c.seenMillis() <= windowEnd) {
                if (first == null) {
                    first = c;
                }
                last = c;
            }
        }
        if (first == null || last == first) {
            return new Throughput(0, -1, -1, 0);
        }
        double seconds = (last.seenMillis() - first.seenMillis()) / 1000.0;
        return new Throughput(Math.round((last.committed() - first.committed()) / seconds),
                first.produced() - first.committed(), last.produced() - last.committed(), seconds);
    }

    private void printDetails(Options o, BenchReport r, Throughput t, long[] latencies,
                              Map<BenchEventMix.AttackKind, long[]> latenciesByKind, double[] cores, long maxHeap,
                              long heapAfterGc, CompletedCheckpointStats checkpoint, AttackLedger ledger,
                              BenchBaselines.Rate raw, BenchBaselines.EsperRun esper) {
        out.println();
        out.println("Results (" + Runtime.getRuntime().availableProcessors() + " cores, load average now " + loadAverage() + "):");
        out.printf(Locale.ROOT, "  throughput   %d events/s over %.1f s between checkpoint commits; lag %d at the first,"
                + " %d at the last (%s)%n", r.eps(), t.seconds(), t.lagAtStart(), t.lagAtEnd(),
                o.rate() == null ? "rate max: production is held " + (o.maxLag() == null ? "about three checkpoint intervals"
                        : o.maxLag() + " records") + " ahead of the job"
                        : t.lagAtEnd() - t.lagAtStart() > Math.max(10_000, o.rate() * o.checkpointInterval().toSeconds())
                                ? "GROWING: the job does not sustain " + o.rate() + "/s" : "not growing: sustained");
        out.printf(Locale.ROOT, "  latency      p50 %d ms, p95 %d ms, p99 %d ms, max %d ms over %d attacks completed in"
                + " the window (append time in Kafka -> found by a search; polled every %d ms, so up to one poll late)%s%n",
                r.p50Millis(), r.p95Millis(), r.p99Millis(), latencies.length == 0 ? -1 : latencies[latencies.length - 1],
                latencies.length, POLL.toMillis(), o.rate() == null ? "; at rate max this includes the queue before the job" : "");
        out.println("  by attack    " + latencyByKind(latenciesByKind));
        out.printf(Locale.ROOT, "  cpu          %.2f cores this JVM (Kafka broker, Flink, generator %.2f of them),"
                + " %.2f cores Elasticsearch, of %d%n", cores[0], cores[1], cores[2], Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "  heap         %d MiB most used in the window, %d MiB after a full GC at the end (one JVM:"
                + " broker, Flink, generator), max %d MiB%n", maxHeap >> 20, heapAfterGc >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
        if (checkpoint != null) {
            out.printf(Locale.ROOT, "  state        checkpoint %d at the window's end: full state %.1f MiB, uploaded"
                    + " (incremental) %.1f MiB, took %d ms%n", checkpoint.getCheckpointId(), checkpoint.getStateSize() / 1048576.0,
                    checkpoint.getCheckpointedSize() / 1048576.0, checkpoint.getEndToEndDuration());
        } else {
            out.println("  state        no checkpoint completed in the window");
        }
        Map<String, Long> missedByRule = ledger.missedByRule();
        out.println("  attacks      " + ledger.injectedCount() + " injected, " + r.missed() + " missed"
                + (missedByRule.isEmpty() ? "" : " " + missedByRule) + ", " + r.duplicated() + " duplicated, "
                + ledger.unexpected().size() + " alerts on benign traffic" + examples(ledger.unexpected()));
        out.printf(Locale.ROOT, "  baselines    raw consume+parse %d records/s (one thread, %d records in %.1f s);"
                + " bare Esper %d events/s (one thread, %.1f s in Esper)%n", raw.perSecond(), raw.count(), raw.seconds(),
                esper.rate().perSecond(), esper.rate().seconds());
        out.printf(Locale.ROOT, "  ratios       job/raw %.2f, job/esper %.2f%n", ratio(r.eps(), raw.perSecond()),
                ratio(r.eps(), esper.rate().perSecond()));
        long esperMissed = esperMissed(ledger, esper);
        if (esperMissed > 0) {
            err.println("vigil bench: the bare Esper baseline missed " + esperMissed + " attacks the job should alert on");
        }
    }

    private static long esperMissed(AttackLedger ledger, BenchBaselines.EsperRun esper) {
        return ledger.injectedCount() - ledger.injectedKeys().stream().filter(esper.alerted()::contains).count();
    }

    private static String examples(Set<AttackLedger.AlertDoc> unexpected) {
        if (unexpected.isEmpty()) {
            return "";
        }
        Map<String, Long> byRule = new TreeMap<>();
        unexpected.forEach(d -> byRule.merge(d.ruleId(), 1L, Long::sum));
        return " " + byRule;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** Produces the mix at the requested rate, then completes the attacks under way, then trickles. */
    private static final class Generator extends Thread {
        private final KafkaProducer<byte[], byte[]> producer;
        private final BenchEventMix mix;
        private final AttackLedger ledger;
        private final AtomicLong produced;
        private final Long rate;
        private final Long maxLag;
        private final long checkpointMillis;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        volatile ResourceMeter meter;
        private volatile boolean rateStarted;
        private volatile boolean attacks = true;
        private volatile boolean running = true;
        private volatile long attacksSentAt = -1;

        Generator(String bootstrapServers, BenchEventMix mix, AttackLedger ledger, AtomicLong produced, Long rate, Long maxLag,
                  Duration checkpointInterval) {
            super("vigil-bench-generator");
            setDaemon(true);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            // Batches as a log shipper sends them: a few milliseconds of linger, large batches.
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
            this.producer = new KafkaProducer<>(p);
            this.mix = mix;
            this.ledger = ledger;
            this.produced = produced;
            this.rate = rate;
            this.maxLag = maxLag;
            this.checkpointMillis = checkpointInterval.toMillis();
        }

        @Override
        public void run() {
            try {
                long start = System.nanoTime();
                long sentAtPhase = 0;
                boolean trickling = false;
                boolean atRate = false;
                while (running) {
                    long sent = produced.get();
                    if (rateStarted && !atRate) {
                        atRate = true;
                        start = System.nanoTime();
                        sentAtPhase = sent;
                    }
                    if (!attacks && !trickling && !mix.attacksPending()) {
                        // Every attack event is out: from here on only enough benign traffic to move the watermark.
                        trickling = true;
                        attacksSentAt = sent;
                        producer.flush();
                        start = System.nanoTime();
                        sentAtPhase = sent;
                    }
                    long perSecond = trickling || !atRate ? TRICKLE_EPS : rate == null ? -1 : rate;
                    if (perSecond > 0) {
                        long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
                        if (sent - sentAtPhase >= due) {
                            Thread.sleep(0, 200_000);
                            continue;
                        }
                    } else if (sent - meter.committed() > lagBound()) {
                        BenchEventMix.Event attackEvent = mix.nextDueAttackEvent(System.currentTimeMillis());
                        if (attackEvent != null) {
                            send(attackEvent);
                        } else {
                            Thread.sleep(5);
                        }
                        continue;
                    }
                    if (!attacks) {
                        mix.stopAttacks();
                    }
                    send(mix.next(System.currentTimeMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.set(e);
            } finally {
                producer.close(Duration.ofSeconds(10));
            }
        }

        /**
         * How far production may run ahead of the job's committed offsets at rate max: enough that the job never
         * waits for records between two commits, little enough that the backlog drains quickly after the window.
         */
        private long lagBound() {
            if (maxLag != null) {
                return maxLag;
            }
            // Bounded above too: the job's first commits, over records read before its first checkpoint, overstate its rate.
            return Math.max(20_000, Math.min(200_000, (long) (meter.recentRate() * 3 * checkpointMillis / 1000)));
        }

        private void send(BenchEventMix.Event e) {
            for (BenchEventMix.Attack a : mix.drainStartedAttacks()) {
                ledger.injected(a);
            }
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(e.topic(), e.value());
            if (e.completes()) {
                BenchEventMix.Attack attack = e.attack();
                // With LogAppendTime on the topic, the metadata's timestamp is the broker's append time.
                producer.send(record, (metadata, exception) -> {
                    if (exception != null) {
                        failure.compareAndSet(null, exception);
                    } else {
                        ledger.completed(attack, metadata.timestamp());
                    }
                });
            } else {
                producer.send(record, (metadata, exception) -> {
                    if (exception != null) {
                        failure.compareAndSet(null, exception);
                    }
                });
            }
            produced.incrementAndGet();
        }

        /** From now on at the requested rate (until then a trickle while the job starts). */
        void startRate() {
            rateStarted = true;
        }

        void stopAttacks() {
            attacks = false;
        }

        /** Waits until every attack event is produced; the number of records produced by then. */
        long awaitAttacksSent(long deadlineMillis) throws Exception {
            while (attacksSentAt < 0 && System.currentTimeMillis() < deadlineMillis) {
                check();
                Thread.sleep(50);
            }
            check();
            return attacksSentAt;
        }

        private void check() throws Exception {
            if (failure.get() != null) {
                throw new IllegalStateException("producing the bench events failed: " + failure.get(), failure.get());
            }
            if (!isAlive() && running) {
                throw new IllegalStateException("the bench generator stopped");
            }
        }

        void finish() throws InterruptedException {
            running = false;
            join(20_000);
        }
    }

    /** Asks the index, every {@link #POLL}, whether the completed attacks not yet seen have alerted. */
    private static final class IndexPoller implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        IndexPoller(AlertIndexProbe index, AttackLedger ledger) {
            thread = new Thread(() -> {
                while (running) {
                    long started = System.currentTimeMillis();
                    try {
                        List<String> pending = ledger.pendingEntities(2000);
                        if (!pending.isEmpty()) {
                            for (AttackLedger.AlertDoc doc : index.naming(pending)) {
                                ledger.observed(doc, started);
                            }
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // Elasticsearch busy or the index not created yet: the next poll asks again.
                    }
                    long rest = POLL.toMillis() - (System.currentTimeMillis() - started);
                    if (rest > 0) {
                        try {
                            Thread.sleep(rest);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "vigil-bench-index-poller");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    private static MiniCluster miniCluster() throws Exception {
        Configuration flink = new Configuration();
        // A free port, never Flink's default 8081 (other local processes may hold it).
        flink.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(flink).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
        cluster.start();
        return cluster;
    }

    private static JobID submit(MiniCluster flink, VigilConfig config, CorrelatorJob.Settings job) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        CorrelatorJob.configure(env, config);
        CorrelatorJob.build(env, job, KafkaConnectors.from(config, false));
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("vigil-correlator (bench)");
        JobID id = flink.submitJob(graph).get().getJobID();
        long deadline = System.currentTimeMillis() + 60_000;
        while (flink.getJobStatus(id).get() != JobStatus.RUNNING) {
            if (System.currentTimeMillis() > deadline || flink.getJobStatus(id).get().isGloballyTerminalState()) {
                throw new IllegalStateException("the job did not start: " + flink.getJobStatus(id).get());
            }
            Thread.sleep(100);
        }
        return id;
    }

    private static void sleepUntil(long wallMillis, MiniCluster flink, JobID job) throws Exception {
        while (System.currentTimeMillis() < wallMillis) {
            checkRunning(flink, job);
            Thread.sleep(Math.min(500, Math.max(1, wallMillis - System.currentTimeMillis())));
        }
    }

    private static void checkRunning(MiniCluster flink, JobID job) throws Exception {
        JobStatus status = flink.getJobStatus(job).get();
        if (status != JobStatus.RUNNING) {
            throw new IllegalStateException("the job is " + status + ", not running; see the log");
        }
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                org.apache.kafka.clients.admin.OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** Event topics with the broker's append time as record time: what "arrival in Kafka" means for the latency. */
    private static void appendTimeStamps(Admin admin) throws Exception {
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> ops = new HashMap<>();
        for (String topic : BenchEventMix.TOPICS) {
            ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                    new ConfigEntry("message.timestamp.type", "LogAppendTime"), AlterConfigOp.OpType.SET)));
        }
        admin.incrementalAlterConfigs(ops).all().get();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // A temporary directory; what cannot be deleted now the system cleans later.
        }
    }
}
