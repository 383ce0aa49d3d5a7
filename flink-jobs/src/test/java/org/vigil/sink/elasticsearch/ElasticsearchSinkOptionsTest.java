package org.vigil.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkOptionsTest {

    @Test
    void defaultsAreTheNamedConstants() {
        ElasticsearchSinkOptions o = ElasticsearchSinkOptions.builder().hosts("http://localhost:9200").build();

        assertThat(o.hosts()).containsExactly(URI.create("http://localhost:9200"));
        assertThat(o.index()).isEqualTo(ElasticsearchSinkOptions.DEFAULT_INDEX).isEqualTo("vigil-alerts");
        assertThat(o.maxBatchSize()).isEqualTo(500);
        assertThat(o.maxRetries()).isEqualTo(ElasticsearchSinkOptions.RETRY_FOREVER);
        assertThat(o.flushInterval()).isEqualTo(ElasticsearchSinkOptions.DEFAULT_FLUSH_INTERVAL);
        assertThat(o.flushOnWatermark()).isEqualTo(ElasticsearchSinkOptions.DEFAULT_FLUSH_ON_WATERMARK).isTrue();
        assertThat(o.refresh()).isEqualTo(ElasticsearchSinkOptions.DEFAULT_REFRESH).isEqualTo(ElasticsearchSinkOptions.Refresh.TRUE);
        assertThat(o.apiKey()).isNull();
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        assertThatThrownBy(() -> ElasticsearchSinkOptions.builder().build()).hasMessageContaining("hosts");
        assertThatThrownBy(() -> ElasticsearchSinkOptions.builder().hosts("localhost:9200"))
                .hasMessageContaining("hosts").hasMessageContaining("http://");
        assertThatThrownBy(() -> ElasticsearchSinkOptions.builder().hosts("ftp://es:21")).hasMessageContaining("hosts");
        assertThatThrownBy(() -> ElasticsearchSinkOptions.builder().hosts("")).hasMessageContaining("hosts");
        assertThatThrownBy(() -> base().index("Vigil").build()).hasMessageContaining("index").hasMessageContaining("lowercase");
        assertThatThrownBy(() -> base().index("_x").build()).hasMessageContaining("index");
        assertThatThrownBy(() -> base().index("a*b").build()).hasMessageContaining("index");
        assertThatThrownBy(() -> base().maxBatchSize(0).build()).hasMessageContaining("maxBatchSize");
        assertThatThrownBy(() -> base().maxRetries(-2).build()).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> base().startupAttempts(0).build()).hasMessageContaining("startupAttempts");
        assertThatThrownBy(() -> base().initialBackoff(Duration.ZERO).build()).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> base().initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1)).build())
                .hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> base().flushInterval(Duration.ofMillis(-1)).build()).hasMessageContaining("flushInterval");
        assertThatThrownBy(() -> base().apiKey("k").basicAuth("u", "p").build()).hasMessageContaining("apiKey");
        assertThatThrownBy(() -> base().basicAuth("u", null).build()).hasMessageContaining("password");
        assertThatThrownBy(() -> base().refresh(null).build()).hasMessageContaining("refresh");
    }

    @Test
    void refreshIsSpelledAsElasticsearchSpellsIt() {
        assertThat(ElasticsearchSinkOptions.Refresh.parse("wait_for", "k")).isEqualTo(ElasticsearchSinkOptions.Refresh.WAIT_FOR);
        assertThat(ElasticsearchSinkOptions.Refresh.parse(" TRUE ", "k")).isEqualTo(ElasticsearchSinkOptions.Refresh.TRUE);
        assertThat(ElasticsearchSinkOptions.Refresh.parse("false", "k")).isEqualTo(ElasticsearchSinkOptions.Refresh.FALSE);
        assertThatThrownBy(() -> ElasticsearchSinkOptions.Refresh.parse("waitfor", "elasticsearch.refresh"))
                .hasMessageContaining("elasticsearch.refresh").hasMessageContaining("'waitfor'");
    }

    @Test
    void keepsSecretsOutOfToString() {
        String text = base().basicAuth("vigil", "s3cret").build().toString() + base().apiKey("QUtJRA==").build();

        assertThat(text).contains("vigil").doesNotContain("s3cret").doesNotContain("QUtJRA==");
    }

    @Test
    void survivesJavaSerialisationAsFlinkShipsIt() throws Exception {
        ElasticsearchSinkOptions o = base().hosts(List.of(URI.create("https://es1:9243"), URI.create("http://es2:9200")))
                .apiKey("key").flushInterval(Duration.ZERO).flushOnWatermark(false)
                .refresh(ElasticsearchSinkOptions.Refresh.WAIT_FOR).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ElasticsearchAlertSink(o));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ElasticsearchSinkOptions copy = ((ElasticsearchAlertSink) in.readObject()).options();
            assertThat(copy.hosts()).isEqualTo(o.hosts());
            assertThat(copy.apiKey()).isEqualTo("key");
            assertThat(copy.flushInterval()).isZero();
            assertThat(copy.flushOnWatermark()).isFalse();
            assertThat(copy.refresh()).isEqualTo(ElasticsearchSinkOptions.Refresh.WAIT_FOR);
        }
    }

    private static ElasticsearchSinkOptions.Builder base() {
        return ElasticsearchSinkOptions.builder().hosts("http://localhost:9200");
    }
}
