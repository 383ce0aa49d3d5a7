package org.vigil.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.enrich.CompactedTopicReader;
import org.vigil.enrich.ReferenceKind;
import org.vigil.enrich.ReferenceRecord;
import org.vigil.enrich.ReferenceRecordCodec;

/**
 * Reads the intel topics to their end before a fresh job starts, so the job begins with that reference data and its
 * first events are enriched (and verified) like later ones, instead of racing the intel source.
 *
 * <p>Only for a fresh start: a restored job has the data in broadcast state. Records the job would refuse are left
 * out here; the intel source reads them too and dead-letters them with their reason.
 */
public final class ReferencePreload {
    private static final Logger LOG = LoggerFactory.getLogger(ReferencePreload.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ReferencePreload() {}

    /**
     * The connectors with the intel topics' current records as the job's initial reference data, when the job reads
     * intel topics and does not restore a savepoint or checkpoint ({@code execution.state-recovery.path} unset).
     */
    public static CorrelatorJob.Connectors atFreshStart(StreamExecutionEnvironment env, VigilConfig config,
                                                        CorrelatorJob.Connectors connectors) {
        if (connectors.referenceData() == null || env.getConfiguration().getOptional(StateRecoveryOptions.SAVEPOINT_PATH).isPresent()) {
            return connectors;
        }
        return connectors.withReferenceData(connectors.referenceData(), read(config));
    }

    /** The valid records that are live (not deleted) on the four intel topics now. */
    public static List<ReferenceRecord> read(VigilConfig config) {
        Properties client = config.kafkaClientProperties();
        client.setProperty("bootstrap.servers", config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS));
        List<ReferenceRecord> records = new ArrayList<>();
        int refused = 0;
        for (ReferenceKind kind : ReferenceKind.values()) {
            String topic = config.require(VigilOptions.intelTopic(kind));
            for (Map.Entry<String, byte[]> r : CompactedTopicReader.latest(client, topic, TIMEOUT).entrySet()) {
                if (r.getValue() == null) {
                    continue;
                }
                try {
                    records.add(ReferenceRecordCodec.decode(r.getKey(), r.getValue()));
                } catch (IllegalArgumentException e) {
                    refused++;
                }
            }
        }
        LOG.info("reference data preloaded from the intel topics: {} records ({} invalid ones left to the intel source,"
                + " which dead-letters them)", records.size(), refused);
        return records;
    }
}
