package org.vigil.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Elasticsearch server on loopback, run as a child process from the integ-test-zip
 * distribution, for local runs and integration tests.
 *
 * <p>{@link #stop()} (or {@link #kill()}) followed by {@link #start()} brings the node back on the same
 * ports with the same data, so tests can simulate an outage.
 */
public final class EmbeddedElasticsearch implements AutoCloseable {
    /** System property with the path of the distribution zip; failsafe sets it from the Maven dependency. */
    public static final String ZIP_PROPERTY = "vigil.elasticsearch.zip";
    public static final String VERSION = "8.19.21";
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(120);
    public static final String DEFAULT_HEAP = "512m";
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    private final Path zip;
    private final Path workDir;
    private final String heap;
    private final Duration startupTimeout;
    private final int httpPort;
    private final int transportPort;
    private final Path consoleLog;
    private Process process;
    private Thread shutdownHook;
    private Duration lastStartupTime;

    private EmbeddedElasticsearch(Builder b) throws IOException {
        this.zip = b.zip != null ? b.zip : defaultZip();
        this.workDir = b.workDir != null ? b.workDir : Files.createTempDirectory("vigil-es-");
        this.heap = b.heap;
        this.startupTimeout = b.startupTimeout;
        this.httpPort = b.httpPort != 0 ? b.httpPort : freePort();
        this.transportPort = b.transportPort != 0 ? b.transportPort : freePort();
        this.consoleLog = workDir.resolve("elasticsearch.out");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a node with defaults: fresh work dir under java.io.tmpdir, free ports, 512 MB heap. */
    public static EmbeddedElasticsearch startDefault() throws IOException {
        return builder().build().start();
    }

    /** The zip from {@value #ZIP_PROPERTY}, else its place in the local Maven repository. */
    public static Path defaultZip() {
        String configured = System.getProperty(ZIP_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "elasticsearch", "distribution",
                "integ-test-zip", "elasticsearch", VERSION, "elasticsearch-" + VERSION + ".zip");
    }

    /** Starts the node (no-op when running) and waits until cluster health is yellow or green. */
    public synchronized EmbeddedElasticsearch start() throws IOException {
        if (process != null && process.isAlive()) {
            return this;
        }
        long begin = System.nanoTime();
        Path home = ElasticsearchInstall.unpack(zip, VERSION);
        NodeDirectories dirs = NodeDirectories.prepare(home, workDir, heap);
        ProcessBuilder pb = new ProcessBuilder(command(home, dirs));
        pb.directory(workDir.toFile());
        configureEnvironment(pb.environment(), dirs);
        pb.redirectErrorStream(true);
        // Appended, so the console output of earlier runs (before a restart) stays for diagnosis.
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()));
        process = pb.start();
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::killQuietly, "vigil-es-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        try {
            awaitHealthy();
        } catch (IOException | RuntimeException e) {
            kill();
            throw e;
        }
        lastStartupTime = Duration.ofNanos(System.nanoTime() - begin);
        return this;
    }

    /** Stops the node gracefully (SIGTERM, then SIGKILL after a grace period); data and ports are kept. */
    public synchronized void stop() {
        terminate(false);
    }

    /** Kills the node at once (SIGKILL), like a crash; data and ports are kept. */
    public synchronized void kill() {
        terminate(true);
    }

    /** Stops the node, forgets the shutdown hook and deletes the work directory. */
    @Override
    public synchronized void close() {
        stop();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting; the hook runs anyway and finds nothing to kill.
            }
            shutdownHook = null;
        }
        deleteRecursively(workDir);
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The HTTP endpoint, e.g. {@code http://127.0.0.1:41234}. */
    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public int httpPort() {
        return httpPort;
    }

    public int transportPort() {
        return transportPort;
    }

    public Path workDir() {
        return workDir;
    }

    /** Wall time of the last successful {@link #start()}: unpack (first time only), JVM boot, cluster health. */
    public Duration lastStartupTime() {
        return lastStartupTime;
    }

    /** The last lines of the node's console output, for error messages. */
    public String logTail() {
        return tail(consoleLog, LOG_TAIL_LINES);
    }

    private List<String> command(Path home, NodeDirectories dirs) throws IOException {
        List<String> cmd = new ArrayList<>(PrivilegeDrop.prefix());
        cmd.add(home.resolve("bin").resolve("elasticsearch").toString());
        cmd.addAll(List.of(
                "-Ecluster.name=vigil-local",
                "-Enode.name=vigil-local",
                "-Epath.data=" + dirs.data(),
                "-Epath.logs=" + dirs.logs(),
                "-Expack.security.enabled=false",
                "-Ediscovery.type=single-node",
                "-Ehttp.host=127.0.0.1",
                "-Etransport.host=127.0.0.1",
                "-Ehttp.port=" + httpPort,
                "-Etransport.port=" + transportPort,
                "-Ecluster.routing.allocation.disk.threshold_enabled=false",
                "-Expack.ml.enabled=false"));
        // Not set: ingest.geoip.downloader.enabled and xpack.watcher.* are unknown to the integ-test
        // distribution (it has no ingest-geoip or watcher module) and would make the node refuse to start.
        return cmd;
    }

    private static void configureEnvironment(Map<String, String> env, NodeDirectories dirs) {
        // The launcher honours these and would inject our JVM's agent options or heap into the node.
        env.keySet().removeIf(k -> k.startsWith("ES_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("_JAVA_OPTIONS") || k.equals("JAVA_HOME") || k.equals("JAVA_OPTS"));
        env.put("ES_JAVA_HOME", System.getProperty("java.home"));
        env.put("ES_PATH_CONF", dirs.config().toString());
        env.put("ES_TMPDIR", dirs.tmp().toString());
    }

    private void awaitHealthy() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI health = httpUri().resolve("/_cluster/health?wait_for_status=yellow&timeout=1s");
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Elasticsearch exited with code " + process.exitValue() + " while starting ("
                        + describe() + "). " + firstError() + "Last lines of " + consoleLog + ":\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && !r.body().contains("\"status\":\"red\"")) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // The HTTP port opens only late in start-up.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Elasticsearch to start", e);
            }
            sleep(250);
        }
        throw new IOException("Elasticsearch did not reach cluster health yellow within " + startupTimeout.toSeconds()
                + " s (" + describe() + "). Last lines of " + consoleLog + ":\n" + logTail());
    }

    private String describe() {
        return "http " + httpUri() + ", work dir " + workDir + ", zip " + zip;
    }

    private void terminate(boolean forcibly) {
        if (process == null) {
            return;
        }
        // The launcher (server CLI) forks the server JVM: signal the whole tree, children first.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        for (ProcessHandle p : tree) {
            if (forcibly) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle p : tree) {
            long left = Math.max(1, deadline - System.nanoTime());
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception notYet) {
                p.destroyForcibly();
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // Nothing more can be done than SIGKILL.
                }
            }
        }
        process = null;
    }

    private void killQuietly() {
        try {
            terminate(true);
        } catch (RuntimeException ignored) {
            // Best effort during JVM shutdown.
        }
    }

    /** The node's first ERROR line: the cause, which a long stack trace can push out of the tail. */
    private String firstError() {
        try (Stream<String> lines = Files.lines(consoleLog, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains("[ERROR]") || l.startsWith("ERROR:")).findFirst()
                    .map(l -> "First error: " + (l.length() > 600 ? l.substring(0, 600) + "..." : l) + "\n")
                    .orElse("");
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no output: " + file + " does not exist)";
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for Elasticsearch", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // A leftover temp dir is harmless.
        }
    }

    /** Configures an {@link EmbeddedElasticsearch}; every setting has a default. */
    public static final class Builder {
        private Path zip;
        private Path workDir;
        private String heap = DEFAULT_HEAP;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private int httpPort;
        private int transportPort;

        private Builder() {}

        public Builder zip(Path v) { zip = Objects.requireNonNull(v, "zip"); return this; }

        /** Where config, data, logs and console output go; must not be under /root when running as root. */
        public Builder workDir(Path v) { workDir = Objects.requireNonNull(v, "workDir"); return this; }

        /** JVM heap (-Xms and -Xmx), e.g. {@code 512m} or {@code 1g}. */
        public Builder heap(String v) {
            if (v == null || !v.matches("\\d+[kmgKMG]")) {
                throw new IllegalArgumentException("heap must look like 512m or 1g, got " + v);
            }
            heap = v;
            return this;
        }

        public Builder startupTimeout(Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, got " + v);
            }
            startupTimeout = v;
            return this;
        }

        /** 0 (default) picks a free port. */
        public Builder httpPort(int v) { httpPort = checkPort(v, "httpPort"); return this; }

        public Builder transportPort(int v) { transportPort = checkPort(v, "transportPort"); return this; }

        private static int checkPort(int v, String name) {
            if (v < 0 || v > 65535) {
                throw new IllegalArgumentException(name + " must be within 0..65535, got " + v);
            }
            return v;
        }

        public EmbeddedElasticsearch build() throws IOException {
            return new EmbeddedElasticsearch(this);
        }
    }
}
