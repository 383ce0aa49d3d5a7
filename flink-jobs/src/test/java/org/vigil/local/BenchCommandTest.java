package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.job.VigilConfig;
import org.vigil.job.VigilOptions;

/** The bench command's help and refusals, which happen before any server starts. */
class BenchCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void helpNamesTheOptionsAndTheSummaryLine() throws Exception {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--rate N|max").contains("--duration").contains("--warmup")
                .contains("bench eps=N p50_ms=N p95_ms=N p99_ms=N raw_eps=N esper_eps=N missed=N duplicated=N");
    }

    @Test
    void badOptionsAreUsageErrorsThatSayWhatToDo() throws Exception {
        assertThat(run("--rate", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rate must be positive");
        assertThat(run("--duration", "PT5S")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--duration must be at least PT10S");
        assertThat(run("--frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unexpected arguments [--frobnicate]").contains("vigil bench --help");
        assertThat(run("--rules", dir.resolve("nope").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no rules directory").contains("--rules DIR");
    }

    @Test
    void optionsDefaultToRateMaxWithAWarmUpAndAMinute() {
        Bench.Options o = Bench.Options.parse(List.of());
        assertThat(o.rate()).isNull();
        assertThat(o.duration()).hasSeconds(60);
        assertThat(o.warmup()).hasSeconds(20);
        assertThat(o.maxLag()).isNull();
        assertThat(Bench.Options.parse(List.of("--rate", "40000", "--max-lag", "5000")).rate()).isEqualTo(40_000L);
        assertThat(o.webMillis()).isFalse();
        assertThat(Bench.Options.parse(List.of("--web-time", "ms")).webMillis()).isTrue();
        assertThatThrownBy(() -> Bench.Options.parse(List.of("--web-time", "us")))
                .hasMessageContaining("--web-time must be s or ms");
    }

    @Test
    void theEnvironmentOverridesTheJobsKeysButNotThoseTheBenchSets() {
        Map<String, String> env = Map.of("VIGIL_ELASTICSEARCH_REFRESH", "false", "VIGIL_JOB_BUFFER_TIMEOUT", "PT0.1S",
                "VIGIL_CORRELATE_OUT_OF_ORDERNESS", "PT5S", "VIGIL_KAFKA_BOOTSTRAP_SERVERS", "kafka-prod:9092");
        Map<String, String> settings = Map.of("kafka.bootstrap.servers", "127.0.0.1:40001",
                "correlate.out-of-orderness", "PT1S");
        VigilConfig config = VigilConfig.of(settings, Bench.overrides(env, settings.keySet()));
        assertThat(config.get(VigilOptions.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:40001");
        assertThat(config.get(VigilOptions.OUT_OF_ORDERNESS)).isEqualTo("PT1S");
        assertThat(Bench.latencySettings(config)).contains("elasticsearch.refresh=false").contains("job.buffer-timeout=PT0.1S")
                .contains("correlate.watermark-interval=" + VigilOptions.WATERMARK_INTERVAL.defaultValue());
    }

    private int run(String... args) throws Exception {
        return Bench.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
