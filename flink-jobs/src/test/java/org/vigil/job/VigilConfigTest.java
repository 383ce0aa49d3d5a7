package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VigilConfigTest {

    @Test
    void environmentOverridesTheFileWhichOverridesDefaults() {
        VigilConfig c = VigilConfig.of(
                Map.of("kafka.bootstrap.servers", "kafka-1:9092", "correlate.out-of-orderness", "PT2S"),
                Map.of("VIGIL_KAFKA_BOOTSTRAP_SERVERS", "kafka-9:9093"));
        assertThat(c.get(VigilOptions.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("kafka-9:9093");
        assertThat(c.duration(VigilOptions.OUT_OF_ORDERNESS)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.get(VigilOptions.STIX_TOPIC)).isEqualTo("ncsc.stix");
        assertThat(c.pairs(VigilOptions.EVENT_TOPIC_FORMATS)).containsEntry("soc.events.suricata", "suricata");
    }

    @Test
    void refusesUnknownKeysAndBadValuesNamingTheKey(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> VigilConfig.of(Map.of("kafka.bootstrap.server", "x"), Map.of()))
                .hasMessageContaining("kafka.bootstrap.server");
        Path file = dir.resolve("vigil.properties");
        Files.writeString(file, "correlate.out-of-orderness = five seconds\n");
        VigilConfig c = VigilConfig.load(file);
        assertThatThrownBy(() -> c.duration(VigilOptions.OUT_OF_ORDERNESS))
                .hasMessageContaining("correlate.out-of-orderness").hasMessageContaining("PT5S");
    }

    @Test
    void neverPrintsSecrets() {
        VigilConfig c = VigilConfig.of(Map.of(), Map.of("VIGIL_ELASTICSEARCH_API_KEY", "s3cr3t",
                "VIGIL_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"pw\";"));
        assertThat(c.get(VigilOptions.ELASTICSEARCH_API_KEY)).isEqualTo("s3cr3t");
        assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("pw");
    }
}
