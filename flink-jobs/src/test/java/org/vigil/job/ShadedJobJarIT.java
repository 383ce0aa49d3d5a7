package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.io.File;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.local.DemoScenario;
import org.vigil.local.LocalStack;
import org.vigil.rules.RulePaths;

/**
 * The shaded job jar submitted the way {@code flink run} submits it, to a cluster JVM that has Flink (with
 * the RocksDB state backend of its lib/) but none of the job's libraries: {@code main()} builds the job graph
 * in a child-first user class loader and the job runs the drill on RocksDB with Esper, the Kafka connector
 * and the Elasticsearch client all from the jar.
 */
class ShadedJobJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theJobJarRunsTheDrillOnAClusterWithChildFirstClassLoading(@TempDir Path dir) throws Exception {
        stack.kafka().createTopics("jar.ecs", "jar.suricata", "jar.stix", "jar.deadletter", "jar.late");
        List<DemoScenario.Record> records = DemoScenario.records(Instant.parse("2026-03-02T08:00:00Z"), 3).stream()
                .map(r -> new DemoScenario.Record(r.topic().equals(DemoScenario.ECS_TOPIC) ? "jar.ecs" : "jar.suricata",
                        r.value(), r.expectedDeadLetterReason())).toList();
        stack.produce(records);
        VigilConfig config = stack.config(RulePaths.rulesDir())
                .with(VigilOptions.EVENT_TOPICS, "jar.ecs,jar.suricata")
                .with(VigilOptions.EVENT_TOPIC_FORMATS, "jar.ecs=ecs,jar.suricata=suricata")
                .with(VigilOptions.STIX_TOPIC, "jar.stix")
                .with(VigilOptions.DEADLETTER_TOPIC, "jar.deadletter")
                .with(VigilOptions.LATE_TOPIC, "jar.late")
                .with(VigilOptions.KAFKA_GROUP_ID, "jar-it")
                .with(VigilOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, "jar-it")
                .with(VigilOptions.ELASTICSEARCH_INDEX, "vigil-alerts-jar")
                .with(VigilOptions.PARALLELISM, "2")
                .with(VigilOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());
        Path configFile = dir.resolve("vigil.properties");
        Properties p = new Properties();
        p.putAll(config.asMap());
        try (Writer w = Files.newBufferedWriter(configFile)) {
            p.store(w, "ShadedJobJarIT");
        }

        Path taskManagerTmp = Files.createDirectories(dir.resolve("taskmanager-tmp"));
        Process cluster = startClusterJvm(jobJar(), configFile, taskManagerTmp, dir.resolve("cluster.log"));
        try {
            Set<String> expected = new TreeSet<>();
            DemoScenario.EXPECTED_ALERTS.forEach(e -> expected.add(e.ruleId() + "@" + e.entity()));
            Set<String> found = new TreeSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (!found.containsAll(expected) && System.nanoTime() < deadline) {
                assertThat(cluster.isAlive()).as("the cluster JVM stopped:\n" + Files.readString(dir.resolve("cluster.log"))).isTrue();
                Thread.sleep(1000);
                found = alerts(config);
            }
            assertThat(found).as(Files.readString(dir.resolve("cluster.log"))).isEqualTo(expected);
            // The keyed operators keep their state in RocksDB instances in the TaskManager's temporary
            // directories, and checkpoints go to the job's checkpoint.dir, not to a cluster default.
            assertThat(filesNamed(taskManagerTmp, "CURRENT")).as("RocksDB instances").isNotEmpty()
                    .allSatisfy(current -> assertThat(current.getParent().getFileName()).hasToString("db"));
            long checkpointDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (filesNamed(dir.resolve("checkpoints"), "_metadata").isEmpty() && System.nanoTime() < checkpointDeadline) {
                Thread.sleep(500);
            }
            assertThat(filesNamed(dir.resolve("checkpoints"), "_metadata")).as("completed checkpoints").isNotEmpty();
        } finally {
            cluster.destroyForcibly().waitFor();
        }
    }

    /** The cluster's RocksDB backend (in Flink's lib/) is the one the job uses: the jar must not carry another. */
    @Test
    void theJobJarLeavesTheStateBackendToTheCluster() throws IOException {
        try (JarFile jar = new JarFile(jobJar().toFile())) {
            List<String> stateBackendEntries = jar.stream().map(JarEntry::getName)
                    .filter(name -> name.startsWith("org/apache/flink/state/rocksdb/")
                            || name.startsWith("org/apache/flink/contrib/streaming/state/")
                            || name.startsWith("org/rocksdb/") || name.startsWith("org/apache/flink/runtime/"))
                    .limit(5).toList();
            assertThat(stateBackendEntries).isEmpty();
        }
    }

    /**
     * A JVM with Flink and its RocksDB state backend on its class path but not the job's libraries (connectors,
     * Kafka client, Esper, Elasticsearch client, Vigil's own classes), as on a cluster: those must all come
     * from the job jar.
     */
    private static Process startClusterJvm(Path jar, Path configFile, Path taskManagerTmp, Path log) throws IOException {
        List<String> bundled = List.of("flink-connector-kafka", "flink-connector-base", "kafka-clients", "kafka_2.13",
                "kafka-", "esper", "elasticsearch", "janino", "commons-compiler", "antlr4-runtime");
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("target" + File.separator + "classes"))
                .filter(entry -> bundled.stream().noneMatch(b -> Path.of(entry).getFileName().toString().startsWith(b)))
                .collect(java.util.stream.Collectors.joining(File.pathSeparator));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classPath, ClusterJarRunner.class.getName(), jar.toString(), configFile.toString(), taskManagerTmp.toString());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** Files called {@code name} under {@code root}, skipping what disappears while the cluster runs. */
    private static List<Path> filesNamed(Path root, String name) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (file.getFileName().toString().equals(name)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    private static Path jobJar() throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "vigil-flink-jobs-*-job.jar")) {
            for (Path jar : jars) {
                return jar.toAbsolutePath();
            }
        }
        throw new IllegalStateException("no shaded job jar in target/: run 'mvn verify' (it is built in the package phase)");
    }

    private static Set<String> alerts(VigilConfig config) throws Exception {
        String url = config.require(VigilOptions.ELASTICSEARCH_HOSTS) + "/" + config.require(VigilOptions.ELASTICSEARCH_INDEX)
                + "/_search?size=100";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Set<String> found = new TreeSet<>();
        if (r.statusCode() == 200) {
            for (JsonNode hit : JSON.readTree(r.body()).at("/hits/hits")) {
                found.add(hit.at("/_source/rule/id").asText() + "@" + hit.at("/_source/vigil/entity/value").asText());
            }
        }
        return found;
    }
}
