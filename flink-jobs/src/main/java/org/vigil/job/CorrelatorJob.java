package org.vigil.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.vigil.alert.Alert;
import org.vigil.correlate.CorrelateFunction;
import org.vigil.correlate.CorrelateOperator;
import org.vigil.correlate.PartitionRouter;
import org.vigil.correlate.RoutedEvent;
import org.vigil.event.DeadLetter;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;
import org.vigil.event.SecurityEventTypeInfo;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleLoader;

/**
 * The correlator job: events (parsed in the source) are split from dead letters, routed once per partition
 * field, correlated per entity in event time, and the alerts written to the alert index and the NCSC feed.
 *
 * <p>{@link #build} takes its source and sinks as arguments so tests can hand in their own; {@link #main}
 * builds the production Kafka and Elasticsearch connectors from configuration.
 */
public final class CorrelatorJob {
    /** Type information of alerts between operators. */
    public static final TypeInformation<Alert> ALERT_TYPE = TypeInformation.of(Alert.class);

    private CorrelatorJob() {}

    /** What the job correlates and how patient it is with out-of-order input. */
    public record Settings(List<RuleDefinition> rules, Duration outOfOrderness, Duration idleTimeout, int maxEvidence) {
        public Settings {
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

        /** Settings from configuration; the rules are read from {@code rules.dir}. */
        public static Settings from(VigilConfig config) throws org.vigil.rules.RuleException {
            return new Settings(RuleLoader.load(Path.of(config.require(VigilOptions.RULES_DIR))),
                    config.duration(VigilOptions.OUT_OF_ORDERNESS), config.duration(VigilOptions.IDLE_TIMEOUT),
                    config.integer(VigilOptions.MAX_EVIDENCE));
        }

        /** The partition fields in use: events are routed once per field. */
        public Set<String> partitionFields() {
            Set<String> fields = new TreeSet<>();
            rules.forEach(r -> fields.add(r.metadata().partitionField()));
            return fields;
        }
    }

    /** The job's source and sinks. */
    public record Connectors(
            Source<ParseResult, ?, ?> events,
            Sink<Alert> alertIndex,
            Sink<Alert> ncscFeed,
            Sink<DeadLetter> deadLetters,
            Sink<SecurityEvent> lateEvents) {
        public Connectors {
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(alertIndex, "alertIndex");
            Objects.requireNonNull(ncscFeed, "ncscFeed");
            Objects.requireNonNull(deadLetters, "deadLetters");
            Objects.requireNonNull(lateEvents, "lateEvents");
        }
    }

    /** Adds the correlator's dataflow to {@code env}; returns the alert stream. */
    public static DataStream<Alert> build(StreamExecutionEnvironment env, Settings settings, Connectors io) {
        WatermarkStrategy<ParseResult> watermarks = WatermarkStrategy
                .<ParseResult>forBoundedOutOfOrderness(settings.outOfOrderness())
                // Dead letters carry no event time; the minimum leaves the watermark where it is.
                .withTimestampAssigner((r, previous) -> r.isEvent() ? r.event().timestampMillis() : Long.MIN_VALUE)
                .withIdleness(settings.idleTimeout());

        SingleOutputStreamOperator<SecurityEvent> events = env
                .fromSource(io.events(), watermarks, "soc-events")
                .uid("soc-events")
                .process(new DeadLetterSplitter(), SecurityEventTypeInfo.INSTANCE)
                .name("dead-letter-split")
                .uid("dead-letter-split");
        events.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)
                .sinkTo(io.deadLetters()).name("dead-letter-topic").uid("dead-letter-topic");

        SingleOutputStreamOperator<Alert> alerts = events
                .flatMap(new PartitionRouter(settings.partitionFields()), TypeInformation.of(RoutedEvent.class))
                .name("route-by-partition-field")
                .uid("route-by-partition-field")
                .keyBy(RoutedEvent::key)
                .transform("correlate", ALERT_TYPE,
                        new CorrelateOperator(new CorrelateFunction(settings.rules(), settings.maxEvidence())))
                .uid("correlate");
        alerts.getSideOutput(CorrelateFunction.LATE_EVENTS)
                .sinkTo(io.lateEvents()).name("late-events-topic").uid("late-events-topic");

        alerts.sinkTo(io.alertIndex()).name("alert-index").uid("alert-index");
        alerts.sinkTo(io.ncscFeed()).name("ncsc-stix-feed").uid("ncsc-stix-feed");
        return alerts;
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        build(env, Settings.from(config), KafkaConnectors.from(config));
        env.execute("vigil-correlator");
    }

    /** Checkpointing (exactly-once) and parallelism from configuration. */
    public static void configure(StreamExecutionEnvironment env, VigilConfig config) {
        env.enableCheckpointing(config.duration(VigilOptions.CHECKPOINT_INTERVAL).toMillis(),
                org.apache.flink.core.execution.CheckpointingMode.EXACTLY_ONCE);
        if (config.get(VigilOptions.PARALLELISM) != null) {
            env.setParallelism(config.integer(VigilOptions.PARALLELISM));
        }
    }
}
