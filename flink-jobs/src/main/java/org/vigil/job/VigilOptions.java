package org.vigil.job;

import java.time.Duration;

/**
 * The configuration keys of the correlator job with their documented defaults.
 *
 * <p>Values come from a properties file ({@code --config FILE}) and may be overridden by environment
 * variables named {@code VIGIL_} plus the key upper-cased with dots and dashes as underscores, e.g.
 * {@code VIGIL_KAFKA_BOOTSTRAP_SERVERS}. Secrets are only ever taken from the environment or a file outside
 * the repository.
 */
public final class VigilOptions {
    private VigilOptions() {}

    /** A configuration key with its default; a null default means "required" or "unset". */
    public record Option(String key, String defaultValue, String description) {
        /** The environment variable that overrides this key. */
        public String envName() {
            return "VIGIL_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    public static final Option KAFKA_BOOTSTRAP_SERVERS = new Option(
            "kafka.bootstrap.servers", "localhost:9092", "Kafka brokers, host:port[,host:port...]");
    public static final Option KAFKA_GROUP_ID = new Option(
            "kafka.group.id", "vigil-correlator", "consumer group of the event source");
    public static final Option EVENT_TOPICS = new Option(
            "kafka.topics.events", "soc.events.ecs,soc.events.suricata,soc.events.windows,soc.events.cef,soc.events.web,soc.events.zeek",
            "comma-separated event topics to read");
    public static final Option EVENT_TOPIC_FORMATS = new Option(
            "kafka.topics.formats", "soc.events.ecs=ecs,soc.events.suricata=suricata,soc.events.windows=windows,soc.events.cef=cef,soc.events.web=web,soc.events.zeek=zeek",
            "topic=format pairs (ecs, suricata, windows, cef, web, zeek, auto); topics not listed are detected per record");
    public static final Option STARTING_OFFSETS = new Option(
            "kafka.starting-offsets", "earliest", "where a new consumer group starts: earliest or latest");
    public static final Option DEADLETTER_TOPIC = new Option(
            "kafka.topic.deadletter", "soc.deadletter", "bad input with the reason and original bytes");
    public static final Option LATE_TOPIC = new Option(
            "kafka.topic.late", "soc.events.late", "events that arrived after the watermark passed them");
    public static final Option STIX_TOPIC = new Option(
            "kafka.topic.stix", "ncsc.stix", "STIX 2.1 bundles for the NCSC, written exactly-once");
    public static final Option KAFKA_TRANSACTIONAL_ID_PREFIX = new Option(
            "kafka.transactional-id-prefix", "vigil-stix", "prefix of the STIX sink's transactional ids");
    public static final Option KAFKA_TRANSACTION_TIMEOUT = new Option(
            "kafka.transaction.timeout", "PT10M",
            "producer transaction timeout; must not exceed the broker's transaction.max.timeout.ms (15 min default)");
    public static final Option KAFKA_SECURITY_PROTOCOL = new Option(
            "kafka.security.protocol", null, "e.g. SASL_SSL; unset means PLAINTEXT");
    public static final Option KAFKA_SASL_MECHANISM = new Option(
            "kafka.sasl.mechanism", null, "e.g. SCRAM-SHA-512");
    public static final Option KAFKA_SASL_JAAS_CONFIG = new Option(
            "kafka.sasl.jaas.config", null, "secret: set through VIGIL_KAFKA_SASL_JAAS_CONFIG only");
    public static final Option MAX_RECORD_BYTES = new Option(
            "ingest.max-record-bytes", "1048576", "records larger than this go to the dead-letter topic");
    public static final Option MAX_FUTURE_SKEW = new Option(
            "ingest.max-future-skew", "PT1H",
            "events timed further ahead of the ingest clock are dead letters (bad_timestamp): one would move the "
                    + "watermark ahead and make real events late");
    public static final Option INTEL_ENABLED = new Option(
            "intel.enabled", "true",
            "read the four intel topics into the enrich stage; false runs without reference data (no enrichment, no "
                    + "botnet detection), e.g. against a cluster without the topics");
    public static final Option INTEL_TOPIC_ASSETS = new Option(
            "intel.topic.assets", "vigil.intel.assets", "compacted topic of the asset inventory (bin/vigil intel load)");
    public static final Option INTEL_TOPIC_BOTNET = new Option(
            "intel.topic.botnet", "vigil.intel.botnet", "compacted topic of the botnet IP list, all versions' entries");
    public static final Option INTEL_TOPIC_IOCS = new Option(
            "intel.topic.iocs", "vigil.intel.iocs", "compacted topic of indicators of compromise");
    public static final Option INTEL_TOPIC_VULNS = new Option(
            "intel.topic.vulns", "vigil.intel.vulns", "compacted topic of vulnerabilities per asset");
    public static final Option RULES_DIR = new Option(
            "rules.dir", "rules", "directory of .epl rule files, searched recursively");
    public static final Option RULES_TOPIC = new Option(
            "rules.topic", "vigil.rules",
            "compacted topic of deployed rules (key: rule id, value: the rule file; a tombstone undeploys); the job"
                    + " applies it from its start after the rules of rules.dir; empty disables hot deploy");
    public static final Option RULES_STATUS_TOPIC = new Option(
            "rules.status-topic", "vigil.rules.status",
            "what the job did with each rules-topic record: deployed, replaced, undeployed, unchanged or refused (JSON)");
    public static final Option OUT_OF_ORDERNESS = new Option(
            "correlate.out-of-orderness", "PT5S", "how far events may arrive out of event-time order (ISO-8601 duration)");
    public static final Option IDLE_TIMEOUT = new Option(
            "correlate.idle-timeout", "PT30S", "a source partition silent this long stops holding back the watermark");
    public static final Option WATERMARK_INTERVAL = new Option(
            "correlate.watermark-interval", "PT0.05S",
            "how often the event source emits its watermark; an event is released to the rules at the first watermark"
                    + " past it, so this adds up to its length to every alert (Flink's own default is PT0.2S)");
    public static final Option MAX_EVIDENCE = new Option(
            "alert.max-evidence", "20", "evidence events kept per alert");
    public static final Option VIGILANCE_PERIODS = new Option(
            "vigilance.periods", "01-01,04-30..05-01,09-01..09-02",
            "heightened-vigilance days: MM-DD or MM-DD..MM-DD every year, YYYY-MM-DD[..YYYY-MM-DD] once (lunar holidays"
                    + " such as Tet); empty for none");
    public static final Option VIGILANCE_TIME_ZONE = new Option(
            "vigilance.time-zone", "Asia/Ho_Chi_Minh", "the zone whose calendar days vigilance.periods names");
    public static final Option VIGILANCE_SCORE_BOOST = new Option(
            "vigilance.score-boost", "10", "risk-score points added to alerts timed in a vigilance period (0-100)");
    public static final Option SHARE_MIN_RISK_SCORE = new Option(
            "share.min-risk-score", "40", "verified alerts go to the NCSC feed when their risk score is at least this");
    public static final Option VIGILANCE_SHARE_MIN_RISK_SCORE = new Option(
            "vigilance.share.min-risk-score", "20",
            "the same threshold for alerts timed in a vigilance period; at most share.min-risk-score");
    public static final Option ELASTICSEARCH_HOSTS = new Option(
            "elasticsearch.hosts", "http://localhost:9200", "comma-separated Elasticsearch URLs");
    public static final Option ELASTICSEARCH_INDEX = new Option(
            "elasticsearch.index", "vigil-alerts", "alert index");
    public static final Option ELASTICSEARCH_API_KEY = new Option(
            "elasticsearch.api-key", null, "secret: set through VIGIL_ELASTICSEARCH_API_KEY only");
    public static final Option ELASTICSEARCH_USERNAME = new Option(
            "elasticsearch.username", null, "basic-auth user, when no API key is used");
    public static final Option ELASTICSEARCH_PASSWORD = new Option(
            "elasticsearch.password", null, "secret: set through VIGIL_ELASTICSEARCH_PASSWORD only");
    public static final Option ELASTICSEARCH_FLUSH_INTERVAL = new Option(
            "elasticsearch.flush-interval", "PT1S",
            "alerts still buffered are sent at least this often (besides on every checkpoint); PT0S only on full batches"
                    + " and checkpoints");
    public static final Option ELASTICSEARCH_FLUSH_ON_WATERMARK = new Option(
            "elasticsearch.flush-on-watermark", "true",
            "send buffered alerts as soon as the watermark that released them reaches the sink, not at the next flush");
    public static final Option ELASTICSEARCH_REFRESH = new Option(
            "elasticsearch.refresh", "true",
            "refresh parameter of the alert sink's bulk requests: true (searchable when written), false (at the index's"
                    + " next 1 s refresh) or wait_for (the sink waits for that refresh)");
    public static final Option STIX_IDENTITY_NAME = new Option(
            "stix.identity.name", "Provincial SOC", "name of the sharing organisation in STIX bundles");
    public static final Option STIX_TLP = new Option(
            "stix.tlp", "amber", "TLP marking of shared objects: white, green, amber or red");
    public static final Option SHARE_FIELDS = new Option(
            "share.fields", String.join(",", org.vigil.share.SharingPolicy.DEFAULT_FIELDS),
            "evidence fields whose values may be shared as STIX observables (see README for the supported ones)");
    public static final Option SHARE_INTERNAL_NETWORKS = new Option(
            "share.internal-networks", String.join(",", org.vigil.share.SharingPolicy.DEFAULT_INTERNAL_NETWORKS),
            "CIDR prefixes of the SOC's own networks; their addresses (and inventory assets) are internal");
    public static final Option SHARE_INTERNAL_USERS = new Option(
            "share.internal-users", "pseudonymise", "user names in shared bundles: remove, pseudonymise or keep");
    public static final Option SHARE_INTERNAL_ADDRESSES = new Option(
            "share.internal-addresses", "pseudonymise",
            "internal addresses, and names and URLs of inventory assets, in shared bundles: remove, pseudonymise or keep");
    public static final Option SHARE_PSEUDONYM_KEY = new Option(
            "share.pseudonym-key", null,
            "secret (at least 16 bytes) of the HMAC-SHA256 pseudonyms; set through VIGIL_SHARE_PSEUDONYM_KEY only; "
                    + "unset, pseudonymise reads as remove");
    public static final Option SHARE_STIX_SCHEMAS = new Option(
            "share.stix-schemas", null,
            "the 'schemas' folder of the OASIS STIX 2.1 JSON schemas; set, every bundle is validated against them "
                    + "before it is shared");
    public static final Option SHARE_AUDIT_INDEX = new Option(
            "share.audit-index", "vigil-share-audit",
            "Elasticsearch index of the audit records of shared STIX objects (what, when, to which collection)");
    public static final Option CHECKPOINT_INTERVAL = new Option(
            "checkpoint.interval", "PT10S", "checkpoint interval; also how often sinks commit");
    public static final Option BUFFER_TIMEOUT = new Option(
            "job.buffer-timeout", "PT0.01S",
            "longest time a record or watermark waits in a partly filled network buffer between two tasks (Flink's own"
                    + " default is PT0.1S); PT0S sends every record on its own, at a cost in throughput");
    public static final Option PARALLELISM = new Option(
            "job.parallelism", null, "job parallelism; unset uses the cluster default");
    public static final Option MAX_PARALLELISM = new Option(
            "job.max-parallelism", "128",
            "number of key groups: the highest parallelism the job's state can ever be rescaled to; fixed for the "
                    + "life of the state (changing it makes savepoints unusable)");
    public static final Option STATE_BACKEND = new Option(
            "state.backend", "rocksdb",
            "where keyed state lives: rocksdb (on local disk, production) or hashmap (on the JVM heap)");
    public static final Option CHECKPOINT_DIR = new Option(
            "checkpoint.dir", "file:///tmp/vigil/checkpoints",
            "URI of the checkpoint directory; production needs durable storage every JobManager and TaskManager "
                    + "reaches (s3://, hdfs://, a shared volume)");
    public static final Option CHECKPOINT_INCREMENTAL = new Option(
            "checkpoint.incremental", "true",
            "RocksDB only: each checkpoint uploads only the files written since the last one");

    /** The configuration key of the compacted topic a kind of reference data is published to. */
    public static Option intelTopic(org.vigil.enrich.ReferenceKind kind) {
        return switch (kind) {
            case ASSETS -> INTEL_TOPIC_ASSETS;
            case BOTNET -> INTEL_TOPIC_BOTNET;
            case IOCS -> INTEL_TOPIC_IOCS;
            case VULNS -> INTEL_TOPIC_VULNS;
        };
    }

    /** Every option, for documentation and validation. */
    public static final java.util.List<Option> ALL = java.util.List.of(
            KAFKA_BOOTSTRAP_SERVERS, KAFKA_GROUP_ID, EVENT_TOPICS, EVENT_TOPIC_FORMATS, STARTING_OFFSETS,
            DEADLETTER_TOPIC, LATE_TOPIC, STIX_TOPIC, KAFKA_TRANSACTIONAL_ID_PREFIX, KAFKA_TRANSACTION_TIMEOUT,
            KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG, MAX_RECORD_BYTES, MAX_FUTURE_SKEW,
            INTEL_ENABLED, INTEL_TOPIC_ASSETS, INTEL_TOPIC_BOTNET, INTEL_TOPIC_IOCS, INTEL_TOPIC_VULNS, RULES_DIR, RULES_TOPIC,
            RULES_STATUS_TOPIC,
            OUT_OF_ORDERNESS, IDLE_TIMEOUT, WATERMARK_INTERVAL, MAX_EVIDENCE, VIGILANCE_PERIODS, VIGILANCE_TIME_ZONE, VIGILANCE_SCORE_BOOST,
            SHARE_MIN_RISK_SCORE, VIGILANCE_SHARE_MIN_RISK_SCORE, ELASTICSEARCH_HOSTS, ELASTICSEARCH_INDEX,
            ELASTICSEARCH_API_KEY, ELASTICSEARCH_USERNAME, ELASTICSEARCH_PASSWORD, ELASTICSEARCH_FLUSH_INTERVAL,
            ELASTICSEARCH_FLUSH_ON_WATERMARK, ELASTICSEARCH_REFRESH, STIX_IDENTITY_NAME, STIX_TLP,
            SHARE_FIELDS, SHARE_INTERNAL_NETWORKS, SHARE_INTERNAL_USERS, SHARE_INTERNAL_ADDRESSES, SHARE_PSEUDONYM_KEY,
            SHARE_STIX_SCHEMAS, SHARE_AUDIT_INDEX, CHECKPOINT_INTERVAL, BUFFER_TIMEOUT, PARALLELISM, MAX_PARALLELISM, STATE_BACKEND, CHECKPOINT_DIR, CHECKPOINT_INCREMENTAL);

    static Duration duration(String text, Option option) {
        try {
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option.key() + " must be an ISO-8601 duration such as PT5S, got '" + text + "'");
        }
    }
}
