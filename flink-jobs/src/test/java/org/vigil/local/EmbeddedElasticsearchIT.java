package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded node's life cycle: start as the unprivileged user, stop and close without leftovers, fail clearly. */
class EmbeddedElasticsearchIT {

    @Test
    void runsUnprivilegedAndLeavesNothingBehind() throws IOException {
        EmbeddedElasticsearch es = EmbeddedElasticsearch.builder().build().start();
        Path workDir = es.workDir();
        try {
            List<ProcessHandle> nodes = ProcessHandle.current().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains(workDir.toString())).toList();
            assertThat(nodes).isNotEmpty();
            if (PrivilegeDrop.needed()) {
                assertThat(nodes).allSatisfy(p -> assertThat(p.info().user()).contains(PrivilegeDrop.USER));
            }
            assertThat(listening(es.httpPort())).isTrue();
        } finally {
            es.close();
        }

        assertThat(listening(es.httpPort())).isFalse();
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(workDir.toString()))).isEmpty();
        assertThat(Files.exists(workDir)).isFalse();
    }

    @Test
    void portInUseFailsWithTheNodesOwnExplanation() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             EmbeddedElasticsearch es = EmbeddedElasticsearch.builder().httpPort(taken.getLocalPort())
                     .startupTimeout(Duration.ofSeconds(90)).build()) {
            assertThatThrownBy(es::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("Elasticsearch exited with code")
                    .hasMessageContaining("Last lines of")
                    .hasMessageContaining("BindHttpException");
            assertThat(es.isRunning()).isFalse();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
