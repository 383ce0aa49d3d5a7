package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedElasticsearchTest {

    @Test
    void missingDistributionSaysWhereItLookedAndHowToFixIt(@TempDir Path work) throws IOException {
        EmbeddedElasticsearch es = EmbeddedElasticsearch.builder().zip(work.resolve("nope.zip")).workDir(work).build();

        assertThatThrownBy(es::start).isInstanceOf(IOException.class)
                .hasMessageContaining(work.resolve("nope.zip").toString())
                .hasMessageContaining(EmbeddedElasticsearch.ZIP_PROPERTY);
        assertThat(es.isRunning()).isFalse();
    }

    @Test
    void defaultZipIsTheMavenArtifactUnlessConfigured() {
        String saved = System.getProperty(EmbeddedElasticsearch.ZIP_PROPERTY);
        try {
            System.clearProperty(EmbeddedElasticsearch.ZIP_PROPERTY);
            assertThat(EmbeddedElasticsearch.defaultZip().toString()).endsWith(
                    ".m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch/8.19.21/elasticsearch-8.19.21.zip");
            System.setProperty(EmbeddedElasticsearch.ZIP_PROPERTY, "/opt/es.zip");
            assertThat(EmbeddedElasticsearch.defaultZip()).isEqualTo(Path.of("/opt/es.zip"));
        } finally {
            if (saved == null) {
                System.clearProperty(EmbeddedElasticsearch.ZIP_PROPERTY);
            } else {
                System.setProperty(EmbeddedElasticsearch.ZIP_PROPERTY, saved);
            }
        }
    }

    @Test
    void builderRejectsBadSettingsNamingThem() {
        assertThatThrownBy(() -> EmbeddedElasticsearch.builder().heap("lots")).hasMessageContaining("heap");
        assertThatThrownBy(() -> EmbeddedElasticsearch.builder().httpPort(70000)).hasMessageContaining("httpPort");
        assertThatThrownBy(() -> EmbeddedElasticsearch.builder().startupTimeout(Duration.ZERO))
                .hasMessageContaining("startupTimeout");
    }

    @Test
    void workDirUnderRootIsRefusedWhenTheNodeRunsAsNobody() {
        if (!PrivilegeDrop.needed()) {
            return;
        }
        assertThatThrownBy(() -> NodeDirectories.prepare(Path.of("/unused"), Path.of("/root/es-work"), "512m"))
                .hasMessageContaining("/root");
    }
}
