package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.vigil.sink.elasticsearch.ElasticsearchSinkOptions;

/**
 * The keys that bound the alert latency reach Flink (watermark interval, buffer timeout) and the alert sink (flush
 * and refresh), with their documented defaults.
 */
class CorrelatorJobLatencyTest {
    @Test
    void defaultsAreTheLowLatencyValuesAndReachTheEnvironment() {
        StreamExecutionEnvironment env = configured(VigilConfig.of(Map.of(), Map.of()));
        assertThat(env.getConfig().getAutoWatermarkInterval()).isEqualTo(50L);
        assertThat(env.getBufferTimeout()).isEqualTo(10L);

        ElasticsearchSinkOptions sink = KafkaConnectors.elasticsearchOptions(VigilConfig.of(Map.of(), Map.of()));
        assertThat(sink.flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(sink.flushOnWatermark()).isTrue();
        assertThat(sink.refresh()).isEqualTo(ElasticsearchSinkOptions.Refresh.TRUE);
    }

    @Test
    void fileAndEnvironmentChooseEachValue() {
        StreamExecutionEnvironment env = configured(VigilConfig.of(
                Map.of("correlate.watermark-interval", "PT0.2S", "job.buffer-timeout", "PT0.1S"),
                Map.of("VIGIL_JOB_BUFFER_TIMEOUT", "PT0S")));
        assertThat(env.getConfig().getAutoWatermarkInterval()).isEqualTo(200L);
        assertThat(env.getBufferTimeout()).isZero();

        ElasticsearchSinkOptions sink = KafkaConnectors.elasticsearchOptions(VigilConfig.of(
                Map.of("elasticsearch.flush-interval", "PT5S", "elasticsearch.flush-on-watermark", "false"),
                Map.of("VIGIL_ELASTICSEARCH_REFRESH", "wait_for")));
        assertThat(sink.flushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(sink.flushOnWatermark()).isFalse();
        assertThat(sink.refresh()).isEqualTo(ElasticsearchSinkOptions.Refresh.WAIT_FOR);
    }

    @Test
    void theShareAuditIndexIsNotRefreshedPerBulk() {
        var audit = KafkaConnectors.from(VigilConfig.of(Map.of(), Map.of())).shareAudit();
        assertThat(audit).isInstanceOfSatisfying(org.vigil.sink.elasticsearch.ElasticsearchShareAuditSink.class,
                a -> assertThat(a.options().refresh()).isEqualTo(ElasticsearchSinkOptions.Refresh.FALSE));
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        // Zero would switch Flink's periodic watermarks off: no event would ever be released.
        for (String interval : new String[] {"PT0S", "PT0.0005S", "-PT1S"}) {
            assertThatThrownBy(() -> configured(VigilConfig.of(Map.of("correlate.watermark-interval", interval), Map.of())))
                    .as(interval).hasMessageContaining("correlate.watermark-interval");
        }
        assertThatThrownBy(() -> configured(VigilConfig.of(Map.of("job.buffer-timeout", "-PT0.1S"), Map.of())))
                .hasMessageContaining("job.buffer-timeout");
        assertThatThrownBy(() -> KafkaConnectors.elasticsearchOptions(VigilConfig.of(Map.of("elasticsearch.refresh", "yes"), Map.of())))
                .hasMessageContaining("elasticsearch.refresh").hasMessageContaining("wait_for");
        assertThatThrownBy(() -> KafkaConnectors.elasticsearchOptions(
                VigilConfig.of(Map.of("elasticsearch.flush-on-watermark", "1"), Map.of())))
                .hasMessageContaining("elasticsearch.flush-on-watermark");
    }

    private static StreamExecutionEnvironment configured(VigilConfig config) {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
        CorrelatorJob.configure(env, config);
        return env;
    }
}
