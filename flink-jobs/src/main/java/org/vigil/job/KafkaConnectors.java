package org.vigil.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.vigil.correlate.PublishedRule;
import org.vigil.enrich.ReferenceKind;
import org.vigil.enrich.ReferenceUpdate;
import org.vigil.event.DeadLetterKafkaSerializer;
import org.vigil.event.EventFormat;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;
import org.vigil.rules.RuleStatus;
import org.vigil.sink.elasticsearch.ElasticsearchAlertSink;
import org.vigil.sink.elasticsearch.ElasticsearchSinkOptions;
import org.vigil.sink.stix.StixBundleSerializer;
import org.vigil.sink.elasticsearch.ElasticsearchShareAuditSink;
import org.vigil.sink.stix.StixShare;

/** Builds the production source and sinks (Kafka, Elasticsearch) from configuration. */
public final class KafkaConnectors {
    private KafkaConnectors() {}

    /** Every connector of the job, from configuration. */
    public static CorrelatorJob.Connectors from(VigilConfig config) {
        return from(config, false);
    }

    /**
     * Every connector; a {@code bounded} job reads the event topics up to their current end, then finishes,
     * and runs the rules it starts with (no rules topic) without reference data (no intel topics).
     */
    public static CorrelatorJob.Connectors from(VigilConfig config, boolean bounded) {
        return new CorrelatorJob.Connectors(
                eventSource(config, bounded),
                new ElasticsearchAlertSink(elasticsearchOptions(config)),
                stixFeed(config),
                deadLetterSink(config),
                atLeastOnceSink(config, new LateEventKafkaSerializer(config.require(VigilOptions.LATE_TOPIC))),
                hotDeploy(config, bounded) ? rulesSource(config) : null,
                hotDeploy(config, bounded) ? ruleStatusSink(config) : null)
                .withReferenceData(intel(config, bounded) ? referenceSource(config) : null, List.of())
                // Audit records are read when someone asks what was shared, not within seconds: no refresh per bulk.
                .withShareAudit(new ElasticsearchShareAuditSink(elasticsearchOptions(config).toBuilder()
                        .index(config.require(VigilOptions.SHARE_AUDIT_INDEX))
                        .refresh(ElasticsearchSinkOptions.Refresh.FALSE).build()));
    }

    /**
     * Reference data comes from the intel topics unless switched off or the job is a bounded run: like the rules
     * topic, a bounded intel source would finish at once and leave finished tasks in the run's savepoints, and a
     * backfill's enrichment would race the topics' reading (backtests load reference files instead).
     */
    private static boolean intel(VigilConfig config, boolean bounded) {
        return !bounded && config.bool(VigilOptions.INTEL_ENABLED);
    }

    /**
     * The four intel topics, every partition, always read from the start: the job's reference data is whatever they
     * hold, and a restored job continues from its checkpoint's offsets with the records it had in broadcast state.
     * No offsets are committed; nothing depends on them.
     */
    public static KafkaSource<ReferenceUpdate> referenceSource(VigilConfig config) {
        List<String> topics = new ArrayList<>();
        for (ReferenceKind kind : ReferenceKind.values()) {
            topics.add(config.require(VigilOptions.intelTopic(kind)));
        }
        return KafkaSource.<ReferenceUpdate>builder()
                .setBootstrapServers(config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(topics)
                .setGroupId(config.require(VigilOptions.KAFKA_GROUP_ID) + "-intel")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ReferenceTopicDeserializer())
                .setProperties(config.kafkaClientProperties())
                .setProperty("commit.offsets.on.checkpoint", "false")
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    /** The parser of the event source: each topic's configured format (others auto-detected), size and skew limits. */
    public static EventParser eventParser(VigilConfig config) {
        EventParser.Builder parser = EventParser.builder()
                .defaultFormat(EventFormat.AUTO)
                .maxRecordBytes(config.integer(VigilOptions.MAX_RECORD_BYTES))
                .maxFutureSkew(config.duration(VigilOptions.MAX_FUTURE_SKEW));
        for (Map.Entry<String, String> tf : config.pairs(VigilOptions.EVENT_TOPIC_FORMATS).entrySet()) {
            parser.topicFormat(tf.getKey(), EventFormat.fromConfigName(tf.getValue()));
        }
        return parser.build();
    }

    /** Rules change at run time unless the rules topic is unset or the job is a bounded run (a backfill). */
    private static boolean hotDeploy(VigilConfig config, boolean bounded) {
        return !bounded && config.get(VigilOptions.RULES_TOPIC) != null;
    }

    /** The rules topic, always read from its start (a restored job continues from its checkpoint's offsets). */
    public static KafkaSource<PublishedRule> rulesSource(VigilConfig config) {
        return KafkaSource.<PublishedRule>builder()
                .setBootstrapServers(config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.require(VigilOptions.RULES_TOPIC))
                .setGroupId(config.require(VigilOptions.KAFKA_GROUP_ID) + "-rules")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RulesTopicDeserializer())
                .setProperties(config.kafkaClientProperties())
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    /**
     * The status topic: one JSON record per rules-topic record, in Kafka transactions committed on checkpoint. A status
     * is therefore visible only once the checkpoint after the change completed, which needs every router and correlator
     * instance to have taken the change in (it precedes the checkpoint's barrier on their broadcast input): events
     * appended after a reader sees {@code deployed} meet the new rule everywhere.
     */
    public static KafkaSink<RuleStatus> ruleStatusSink(VigilConfig config) {
        Properties producer = config.kafkaClientProperties();
        producer.setProperty("transaction.timeout.ms",
                Long.toString(config.duration(VigilOptions.KAFKA_TRANSACTION_TIMEOUT).toMillis()));
        return KafkaSink.<RuleStatus>builder()
                .setBootstrapServers(config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new RuleStatusSerializer(config.require(VigilOptions.RULES_STATUS_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                // Its own ids: two transactional sinks of one job must not share a prefix.
                .setTransactionalIdPrefix(config.require(VigilOptions.KAFKA_TRANSACTIONAL_ID_PREFIX) + "-rules-status")
                .build();
    }

    /** The event source; {@code bounded} stops at the offsets that are latest when the job starts (backfills, tests). */
    public static KafkaSource<ParseResult> eventSource(VigilConfig config, boolean bounded) {
        OffsetResetStrategy reset = switch (config.require(VigilOptions.STARTING_OFFSETS).toLowerCase(Locale.ROOT)) {
            case "earliest" -> OffsetResetStrategy.EARLIEST;
            case "latest" -> OffsetResetStrategy.LATEST;
            default -> throw new IllegalArgumentException(VigilOptions.STARTING_OFFSETS.key() + " must be earliest or latest");
        };
        var builder = KafkaSource.<ParseResult>builder()
                .setBootstrapServers(config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.list(VigilOptions.EVENT_TOPICS))
                .setGroupId(config.require(VigilOptions.KAFKA_GROUP_ID))
                .setStartingOffsets(OffsetsInitializer.committedOffsets(reset))
                .setDeserializer(new SocEventDeserializer(eventParser(config)))
                .setProperties(config.kafkaClientProperties())
                // The size check happens in the parser: let the consumer hand us over-size records.
                .setProperty("max.partition.fetch.bytes", Integer.toString(Math.max(1 << 20, config.integer(VigilOptions.MAX_RECORD_BYTES) * 4)))
                .setProperty("partition.discovery.interval.ms", "60000");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** The NCSC feed: one validated STIX bundle per share, written in Kafka transactions committed on checkpoint. */
    public static KafkaSink<StixShare> stixFeed(VigilConfig config) {
        Properties producer = config.kafkaClientProperties();
        producer.setProperty("transaction.timeout.ms",
                Long.toString(config.duration(VigilOptions.KAFKA_TRANSACTION_TIMEOUT).toMillis()));
        return KafkaSink.<StixShare>builder()
                .setBootstrapServers(config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new StixBundleSerializer(config.require(VigilOptions.STIX_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.require(VigilOptions.KAFKA_TRANSACTIONAL_ID_PREFIX))
                .build();
    }

    /**
     * The dead-letter sink. A dead letter carries the original bytes in base64, so it is larger than the
     * record it replaces: the producer accepts up to {@link #DEAD_LETTER_MAX_REQUEST_BYTES} and compresses,
     * and the dead-letter topic's {@code max.message.bytes} must be at least twice {@code ingest.max-record-bytes}.
     */
    public static KafkaSink<org.vigil.event.DeadLetter> deadLetterSink(VigilConfig config) {
        Properties producer = config.kafkaClientProperties();
        producer.setProperty("max.request.size", Integer.toString(DEAD_LETTER_MAX_REQUEST_BYTES));
        producer.setProperty("compression.type", "zstd");
        return KafkaSink.<org.vigil.event.DeadLetter>builder()
                .setBootstrapServers(config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new DeadLetterKafkaSerializer(config.require(VigilOptions.DEADLETTER_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** Largest dead letter the producer sends: room for a source record of up to 6 MiB in base64. */
    public static final int DEAD_LETTER_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    /** A sink for records whose duplicates after a failure are harmless (late events). */
    public static <T> KafkaSink<T> atLeastOnceSink(VigilConfig config, KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(config.kafkaClientProperties())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** Elasticsearch sink options; credentials come from the environment. */
    public static ElasticsearchSinkOptions elasticsearchOptions(VigilConfig config) {
        ElasticsearchSinkOptions.Builder b = ElasticsearchSinkOptions.builder()
                .hosts(config.list(VigilOptions.ELASTICSEARCH_HOSTS).toArray(String[]::new))
                .index(config.require(VigilOptions.ELASTICSEARCH_INDEX))
                .flushInterval(config.duration(VigilOptions.ELASTICSEARCH_FLUSH_INTERVAL))
                .flushOnWatermark(config.bool(VigilOptions.ELASTICSEARCH_FLUSH_ON_WATERMARK))
                .refresh(ElasticsearchSinkOptions.Refresh.parse(config.require(VigilOptions.ELASTICSEARCH_REFRESH),
                        VigilOptions.ELASTICSEARCH_REFRESH.key()));
        if (config.get(VigilOptions.ELASTICSEARCH_API_KEY) != null) {
            b.apiKey(config.get(VigilOptions.ELASTICSEARCH_API_KEY));
        } else if (config.get(VigilOptions.ELASTICSEARCH_USERNAME) != null) {
            b.basicAuth(config.get(VigilOptions.ELASTICSEARCH_USERNAME), config.get(VigilOptions.ELASTICSEARCH_PASSWORD));
        }
        return b.build();
    }
}
