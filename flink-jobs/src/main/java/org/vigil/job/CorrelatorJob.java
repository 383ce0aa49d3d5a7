package org.vigil.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.alert.Alert;
import org.vigil.correlate.CorrelateFunction;
import org.vigil.correlate.CorrelateOperator;
import org.vigil.correlate.PartitionRouter;
import org.vigil.correlate.PublishedRule;
import org.vigil.correlate.RoutedEvent;
import org.vigil.correlate.RuleChange;
import org.vigil.correlate.RuleDeploymentGate;
import org.vigil.enrich.BotnetHostDetector;
import org.vigil.enrich.EnrichFunction;
import org.vigil.enrich.HostSighting;
import org.vigil.enrich.ReferenceRecord;
import org.vigil.enrich.ReferenceUpdate;
import org.vigil.event.DeadLetter;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;
import org.vigil.event.SecurityEventTypeInfo;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleLoader;
import org.vigil.rules.RuleStatus;
import org.vigil.share.InternalValueHandling;
import org.vigil.share.SharingPolicy;
import org.vigil.sink.stix.ShareAudit;
import org.vigil.sink.stix.StixBundleMapper;
import org.vigil.sink.stix.StixShare;
import org.vigil.sink.stix.StixShareGate;
import org.vigil.sink.stix.TlpMarking;
import org.vigil.verify.RiskScore;
import org.vigil.verify.VerifyFunction;
import org.vigil.verify.VerifySettings;
import org.vigil.verify.VigilanceCalendar;

/**
 * The correlator job: events (parsed in the source) are split from dead letters, enriched with reference data, routed
 * once per partition field, correlated per entity in event time, internal hosts checked against the botnet list,
 * every alert verified and scored per entity, and the alerts written to the alert index (all of them) and the NCSC
 * feed (verified ones).
 *
 * <p>{@link #build} takes its source and sinks as arguments so tests can hand in their own; {@link #main}
 * builds the production Kafka and Elasticsearch connectors from configuration.
 */
public final class CorrelatorJob {
    /** Type information of alerts between operators. */
    public static final TypeInformation<Alert> ALERT_TYPE = TypeInformation.of(Alert.class);
    private static final Logger LOG = LoggerFactory.getLogger(CorrelatorJob.class);

    private CorrelatorJob() {}

    /** What the job correlates and how patient it is with out-of-order input. */
    public record Settings(List<RuleDefinition> rules, Duration outOfOrderness, Duration idleTimeout, int maxEvidence,
                           VerifySettings verify, StixShareGate shareGate) {
        public Settings {
            Objects.requireNonNull(verify, "verify");
            Objects.requireNonNull(shareGate, "shareGate");
            rules = List.copyOf(rules);
            if (rules.isEmpty()) {
                throw new IllegalArgumentException("rules must not be empty");
            }
            Objects.requireNonNull(outOfOrderness, "outOfOrderness");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (maxEvidence < 1) {
                throw new IllegalArgumentException("maxEvidence must be at least 1");
            }
        }

        /** Scoring, sharing policy and validation as the options' defaults have them. */
        public Settings(List<RuleDefinition> rules, Duration outOfOrderness, Duration idleTimeout, int maxEvidence) {
            this(rules, outOfOrderness, idleTimeout, maxEvidence, verifySettings(VigilConfig.defaults()));
        }

        /** The sharing policy and validation as the options' defaults have them. */
        public Settings(List<RuleDefinition> rules, Duration outOfOrderness, Duration idleTimeout, int maxEvidence,
                        VerifySettings verify) {
            this(rules, outOfOrderness, idleTimeout, maxEvidence, verify, shareGate(VigilConfig.defaults()));
        }

        /** Settings from configuration; the rules are read from {@code rules.dir}. */
        public static Settings from(VigilConfig config) throws org.vigil.rules.RuleException {
            return new Settings(RuleLoader.load(Path.of(config.require(VigilOptions.RULES_DIR))),
                    config.duration(VigilOptions.OUT_OF_ORDERNESS), config.duration(VigilOptions.IDLE_TIMEOUT),
                    config.integer(VigilOptions.MAX_EVIDENCE), verifySettings(config), shareGate(config));
        }

        /** The STIX mapping under the sharing policy and the validation gate, from configuration. */
        public static StixShareGate shareGate(VigilConfig config) {
            String key = config.get(VigilOptions.SHARE_PSEUDONYM_KEY);
            SharingPolicy policy = SharingPolicy.builder()
                    .fields(config.list(VigilOptions.SHARE_FIELDS))
                    .internalNetworks(config.list(VigilOptions.SHARE_INTERNAL_NETWORKS))
                    .internalUsers(InternalValueHandling.parse(config.require(VigilOptions.SHARE_INTERNAL_USERS),
                            VigilOptions.SHARE_INTERNAL_USERS.key()))
                    .internalAddresses(InternalValueHandling.parse(config.require(VigilOptions.SHARE_INTERNAL_ADDRESSES),
                            VigilOptions.SHARE_INTERNAL_ADDRESSES.key()))
                    .pseudonymKey(key)
                    .build();
            StixBundleMapper mapper = StixBundleMapper.builder()
                    .identityName(config.require(VigilOptions.STIX_IDENTITY_NAME))
                    .marking(TlpMarking.parse(config.require(VigilOptions.STIX_TLP)))
                    .policy(policy)
                    .build();
            return new StixShareGate(mapper, config.get(VigilOptions.SHARE_STIX_SCHEMAS),
                    config.require(VigilOptions.STIX_TOPIC));
        }

        /** The risk score (vigilance calendar and boost) and the sharing thresholds from configuration. */
        public static VerifySettings verifySettings(VigilConfig config) {
            VigilanceCalendar calendar = VigilanceCalendar.parse(config.get(VigilOptions.VIGILANCE_PERIODS),
                    config.get(VigilOptions.VIGILANCE_TIME_ZONE));
            return new VerifySettings(new RiskScore(calendar, config.integer(VigilOptions.VIGILANCE_SCORE_BOOST)),
                    config.integer(VigilOptions.SHARE_MIN_RISK_SCORE),
                    config.integer(VigilOptions.VIGILANCE_SHARE_MIN_RISK_SCORE));
        }

        /** The partition fields in use: events are routed once per field. */
        public Set<String> partitionFields() {
            Set<String> fields = new TreeSet<>();
            rules.forEach(r -> fields.add(r.metadata().partitionField()));
            return fields;
        }
    }

    /**
     * The job's sources and sinks. {@code rules} (the rules topic) and {@code ruleStatus} are both set for hot
     * deploy or both null for a job that runs the rules it starts with.
     */
    public record Connectors(
            Source<ParseResult, ?, ?> events,
            Sink<Alert> alertIndex,
            Sink<StixShare> ncscFeed,
            Sink<DeadLetter> deadLetters,
            Sink<SecurityEvent> lateEvents,
            Source<PublishedRule, ?, ?> rules,
            Sink<RuleStatus> ruleStatus,
            Source<ReferenceUpdate, ?, ?> referenceData,
            List<ReferenceRecord> initialReferenceData,
            Sink<ShareAudit> shareAudit) {
        public Connectors {
            initialReferenceData = initialReferenceData == null ? List.of() : List.copyOf(initialReferenceData);
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(alertIndex, "alertIndex");
            Objects.requireNonNull(ncscFeed, "ncscFeed");
            Objects.requireNonNull(deadLetters, "deadLetters");
            Objects.requireNonNull(lateEvents, "lateEvents");
            if ((rules == null) != (ruleStatus == null)) {
                throw new IllegalArgumentException("rules and ruleStatus are both set (hot deploy) or both null");
            }
        }

        /** Without reference data: events are not enriched (tests of other stages). */
        public Connectors(Source<ParseResult, ?, ?> events, Sink<Alert> alertIndex, Sink<StixShare> ncscFeed,
                          Sink<DeadLetter> deadLetters, Sink<SecurityEvent> lateEvents,
                          Source<PublishedRule, ?, ?> rules, Sink<RuleStatus> ruleStatus) {
            this(events, alertIndex, ncscFeed, deadLetters, lateEvents, rules, ruleStatus, null, List.of(), null);
        }

        /** Without hot deploy: the job runs the rules it starts with. */
        public Connectors(Source<ParseResult, ?, ?> events, Sink<Alert> alertIndex, Sink<StixShare> ncscFeed,
                          Sink<DeadLetter> deadLetters, Sink<SecurityEvent> lateEvents) {
            this(events, alertIndex, ncscFeed, deadLetters, lateEvents, null, null);
        }

        /** The same connectors with another event source (tests wrap it). */
        public Connectors withEvents(Source<ParseResult, ?, ?> otherEvents) {
            return new Connectors(otherEvents, alertIndex, ncscFeed, deadLetters, lateEvents, rules, ruleStatus,
                    referenceData, initialReferenceData, shareAudit);
        }

        /**
         * The same connectors with reference data: the intel topics' records ({@code source}, null for none) and
         * records loaded from files ({@code initial}, backtests), in force from the first event.
         */
        public Connectors withReferenceData(Source<ReferenceUpdate, ?, ?> source, List<? extends ReferenceRecord> initial) {
            return new Connectors(events, alertIndex, ncscFeed, deadLetters, lateEvents, rules, ruleStatus, source,
                    List.copyOf(initial), shareAudit);
        }

        /** The same connectors with the audit index of shared STIX objects (null: no audit, e.g. backtests). */
        public Connectors withShareAudit(Sink<ShareAudit> audit) {
            return new Connectors(events, alertIndex, ncscFeed, deadLetters, lateEvents, rules, ruleStatus,
                    referenceData, initialReferenceData, audit);
        }
    }

    /** Adds the correlator's dataflow to {@code env}; returns the alert stream. */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Settings settings, Connectors io) {
        WatermarkStrategy<ParseResult> watermarks = WatermarkStrategy
                .<ParseResult>forBoundedOutOfOrderness(settings.outOfOrderness())
                // Dead letters carry no event time; the minimum leaves the watermark where it is.
                .withTimestampAssigner((r, previous) -> r.isEvent() ? r.event().timestampMillis() : Long.MIN_VALUE)
                .withIdleness(settings.idleTimeout());

        SingleOutputStreamOperator<SecurityEvent> parsed = env
                .fromSource(io.events(), watermarks, "soc-events")
                .uid("soc-events")
                .process(new DeadLetterSplitter(), SecurityEventTypeInfo.INSTANCE)
                .name("dead-letter-split")
                .uid("dead-letter-split");

        // Enrich: reference data in broadcast state; internal hosts seen go to the botnet detector.
        DataStream<ReferenceUpdate> intel = referenceUpdates(env, io, parsed);
        SingleOutputStreamOperator<SecurityEvent> events = parsed
                .connect(intel.broadcast(EnrichFunction.stateDescriptor()))
                .process(new EnrichFunction(io.initialReferenceData()), SecurityEventTypeInfo.INSTANCE)
                .name("enrich")
                .uid("enrich");
        DataStream<Alert> botnetHosts = events.getSideOutput(EnrichFunction.SIGHTINGS)
                .keyBy(HostSighting::ip)
                .connect(intel.broadcast(BotnetHostDetector.stateDescriptor()))
                .process(new BotnetHostDetector(io.initialReferenceData()), ALERT_TYPE)
                .name("botnet-hosts")
                .uid("botnet-hosts");

        SingleOutputStreamOperator<RuleChange> ruleChanges = publishedRules(env, io, events)
                .process(new RuleDeploymentGate(settings.rules()), TypeInformation.of(RuleChange.class))
                .name(RuleDeploymentGate.TASK)
                .uid(RuleDeploymentGate.TASK)
                .setParallelism(1);
        if (io.ruleStatus() != null) {
            ruleChanges.getSideOutput(RuleDeploymentGate.STATUS)
                    .sinkTo(io.ruleStatus()).name("rules-status-topic").uid("rules-status-topic").setParallelism(1);
        }

        SingleOutputStreamOperator<Alert> alerts = events
                .connect(ruleChanges.broadcast())
                .process(new PartitionRouter(settings.rules()), TypeInformation.of(RoutedEvent.class))
                .name("route-by-partition-field")
                .uid("route-by-partition-field")
                .keyBy(RoutedEvent::key)
                .connect(ruleChanges.broadcast())
                .transform("correlate", ALERT_TYPE,
                        new CorrelateOperator(new CorrelateFunction(settings.rules(), settings.maxEvidence())))
                .uid("correlate");
        alerts.getSideOutput(CorrelateFunction.LATE_EVENTS)
                .sinkTo(io.lateEvents()).name("late-events-topic").uid("late-events-topic");

        // Verify and score per entity; every decision goes to the index, an alert to the feed when first shared and on escalation.
        SingleOutputStreamOperator<Alert> decided = alerts.union(botnetHosts)
                .keyBy(new VerifyFunction.EntityKey())
                .process(new VerifyFunction(settings.verify()), ALERT_TYPE)
                .name("verify-and-score")
                .uid("verify-and-score");
        decided.sinkTo(io.alertIndex()).name("alert-index").uid("alert-index");
        // Mapped under the sharing policy and validated; only valid bundles reach the feed, invalid ones the dead letters.
        SingleOutputStreamOperator<StixShare> shared = decided.getSideOutput(VerifyFunction.SHARE)
                .process(settings.shareGate(), TypeInformation.of(StixShare.class))
                .name("stix-share-gate")
                .uid("stix-share-gate");
        shared.sinkTo(io.ncscFeed()).name("ncsc-stix-feed").uid("ncsc-stix-feed");
        if (io.shareAudit() != null) {
            shared.getSideOutput(StixShareGate.AUDIT).sinkTo(io.shareAudit()).name("share-audit-index").uid("share-audit-index");
        }
        parsed.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)
                .union(events.getSideOutput(EnrichFunction.DEAD_LETTERS), shared.getSideOutput(StixShareGate.DEAD_LETTERS))
                .sinkTo(io.deadLetters()).name("dead-letter-topic").uid("dead-letter-topic");
        return decided;
    }

    /**
     * The records of the four intel topics, or none. Like the rules topic they carry no event time, so their source
     * declares the maximum watermark and the enrich stage's event time follows the events alone.
     */
    private static DataStream<ReferenceUpdate> referenceUpdates(StreamExecutionEnvironment env, Connectors io,
                                                                DataStream<SecurityEvent> events) {
        if (io.referenceData() == null) {
            // Derived from the events, as without a rules topic: it carries their event time and ends with them.
            return events.flatMap((SecurityEvent e, Collector<ReferenceUpdate> out) -> { }, TypeInformation.of(ReferenceUpdate.class))
                    .name("no-intel-topics").uid("no-intel-topics");
        }
        WatermarkStrategy<ReferenceUpdate> noEventTime = WatermarkStrategy.forGenerator(ctx -> new MaxWatermark<>());
        return env.fromSource(io.referenceData(), noEventTime, "intel-topics").uid("intel-topics").setParallelism(1);
    }

    /**
     * The records of the rules topic, or none without hot deploy. The rules topic carries no event time: its
     * source declares the maximum watermark, or the operators it feeds (router, correlator) would hold their
     * event time at the minimum of their two inputs, that is forever at the start.
     */
    private static DataStream<PublishedRule> publishedRules(StreamExecutionEnvironment env, Connectors io,
                                                            DataStream<SecurityEvent> events) {
        if (io.rules() == null) {
            // No rules topic: an empty stream derived from the events, so it carries their event time and ends
            // with them (a separate empty source would finish at once and leave finished tasks in savepoints).
            return events.flatMap((SecurityEvent e, Collector<PublishedRule> out) -> { }, TypeInformation.of(PublishedRule.class))
                    .name("no-rules-topic").uid("no-rules-topic");
        }
        // One reader, so the topic is read in order and no reader without a partition holds the watermark back.
        WatermarkStrategy<PublishedRule> noEventTime = WatermarkStrategy.forGenerator(ctx -> new MaxWatermark<>());
        return env.fromSource(io.rules(), noEventTime, "rules-topic").uid("rules-topic").setParallelism(1);
    }

    /** Emits the maximum watermark: rule changes take effect in processing time, not event time. */
    static final class MaxWatermark<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T record, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }

    /** Submits the job: {@code --config vigil.properties}; environment variables override the file. */
    public static void main(String[] args) throws Exception {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("usage: CorrelatorJob [--config vigil.properties]; unexpected '" + args[i] + "'");
            }
        }
        VigilConfig config = VigilConfig.load(configFile);
        if (VigilOptions.CHECKPOINT_DIR.defaultValue().equals(config.get(VigilOptions.CHECKPOINT_DIR))) {
            LOG.warn("{} is the local default {}: fine for a single machine, but a cluster needs durable storage that"
                    + " the JobManager and every TaskManager reach (set {})", VigilOptions.CHECKPOINT_DIR.key(),
                    VigilOptions.CHECKPOINT_DIR.defaultValue(), VigilOptions.CHECKPOINT_DIR.envName());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        build(env, Settings.from(config), ReferencePreload.atFreshStart(env, config, KafkaConnectors.from(config)));
        env.execute("vigil-correlator");
    }

    /**
     * Checkpointing (exactly-once), parallelism, state backend, checkpoint storage, watermark interval and buffer
     * timeout from configuration. The state and latency settings go into the job's own Flink configuration, which
     * takes precedence over the cluster's.
     */
    public static void configure(StreamExecutionEnvironment env, VigilConfig config) {
        Configuration state = stateConfiguration(config);
        env.enableCheckpointing(config.duration(VigilOptions.CHECKPOINT_INTERVAL).toMillis(),
                org.apache.flink.core.execution.CheckpointingMode.EXACTLY_ONCE);
        if (config.get(VigilOptions.PARALLELISM) != null) {
            env.setParallelism(config.integer(VigilOptions.PARALLELISM));
        }
        // Set explicitly: Flink would otherwise derive it from the first parallelism, and a job first started
        // wide could then never be restored from its savepoints at another setting.
        int maxParallelism = config.integer(VigilOptions.MAX_PARALLELISM);
        if (maxParallelism < 1 || maxParallelism > 32768) {
            throw new IllegalArgumentException(VigilOptions.MAX_PARALLELISM.key() + " must be between 1 and 32768, got " + maxParallelism);
        }
        if (env.getParallelism() > maxParallelism) {
            throw new IllegalArgumentException(VigilOptions.PARALLELISM.key() + " (" + env.getParallelism() + ") must not exceed "
                    + VigilOptions.MAX_PARALLELISM.key() + " (" + maxParallelism + ")");
        }
        env.setMaxParallelism(maxParallelism);
        env.configure(state);
        env.configure(latencyConfiguration(config));
    }

    /**
     * The Flink options that bound how long an alert waits on the way (see README, "Latency budget"): the
     * watermark interval before the correlator may release an event, the buffer timeout at each exchange between
     * tasks.
     */
    public static Configuration latencyConfiguration(VigilConfig config) {
        Configuration flink = new Configuration();
        Duration watermarkInterval = config.duration(VigilOptions.WATERMARK_INTERVAL);
        // Below a millisecond Flink would read zero, which switches periodic watermarks off altogether.
        if (watermarkInterval.toMillis() < 1) {
            throw new IllegalArgumentException(VigilOptions.WATERMARK_INTERVAL.key() + " must be at least PT0.001S, got "
                    + watermarkInterval);
        }
        flink.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, watermarkInterval);
        Duration bufferTimeout = config.duration(VigilOptions.BUFFER_TIMEOUT);
        if (bufferTimeout.isNegative()) {
            throw new IllegalArgumentException(VigilOptions.BUFFER_TIMEOUT.key() + " must be zero or positive, got " + bufferTimeout);
        }
        flink.set(ExecutionOptions.BUFFER_TIMEOUT_ENABLED, true);
        flink.set(ExecutionOptions.BUFFER_TIMEOUT, bufferTimeout);
        return flink;
    }

    /** The Flink options for the state backend and checkpoint storage that {@code config} asks for. */
    public static Configuration stateConfiguration(VigilConfig config) {
        Configuration flink = new Configuration();
        boolean incremental = config.bool(VigilOptions.CHECKPOINT_INCREMENTAL);
        String backend = config.require(VigilOptions.STATE_BACKEND);
        switch (backend.toLowerCase(Locale.ROOT)) {
            case "rocksdb" -> {
                flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
                flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, incremental);
                // Timers in RocksDB (Flink's default, set here because the job's setting overrides the cluster's):
                // the correlator keeps a timer per key and distinct event timestamp (release at t, end of horizon
                // at t + horizon, suppression deadlines), so timers grow with the retained events. On the heap
                // they would make the JVM heap, not the disk, the bound on state, and they are written in full
                // into every checkpoint instead of incrementally. Heap timers only pay off with few timers.
                flink.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.ROCKSDB);
            }
            case "hashmap" -> flink.set(StateBackendOptions.STATE_BACKEND, "hashmap");
            default -> throw new IllegalArgumentException(VigilOptions.STATE_BACKEND.key()
                    + " must be rocksdb (production) or hashmap, got '" + backend + "'");
        }
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir(config));
        return flink;
    }

    private static String checkpointDir(VigilConfig config) {
        String dir = config.require(VigilOptions.CHECKPOINT_DIR);
        URI uri;
        try {
            uri = new URI(dir);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
            throw new IllegalArgumentException(VigilOptions.CHECKPOINT_DIR.key()
                    + " must be a directory URI with a scheme: file:///<directory> on a volume every Flink process"
                    + " mounts, or s3://<bucket>/<path>, hdfs://..., got '" + dir + "'");
        }
        return dir;
    }
}
