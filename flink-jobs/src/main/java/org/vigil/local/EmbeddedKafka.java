package org.vigil.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller roles) running in this JVM on loopback.
 *
 * <p>For local runs and integration tests only: every start gets fresh ports and a fresh log directory, which
 * {@link #close()} deletes. {@link #stop()} and {@link #startAgain()} take the broker down and bring it back on
 * the same ports with the same log directory, as a broker outage does.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Upper bound for a transactional producer's {@code transaction.timeout.ms}; Flink's sink uses minutes. */
    public static final Duration TRANSACTION_MAX_TIMEOUT = Duration.ofMinutes(15);

    /** Largest record the broker accepts: above the job's 1 MiB record limit. */
    public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConfig config;
    private final Path logDir;
    private final String bootstrapServers;
    /** The running server; null while stopped. */
    private KafkaRaftServer server;

    private EmbeddedKafka(KafkaConfig config, KafkaRaftServer server, Path logDir, String bootstrapServers) {
        this.config = config;
        this.server = server;
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats a temporary log directory and starts the broker; returns once it accepts clients. */
    public static EmbeddedKafka start() {
        Path logDir = createTempDir();
        try {
            int[] ports = freePorts(2);
            Properties props = brokerProperties(logDir, ports[0], ports[1]);
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            format(config, logDir);
            return new EmbeddedKafka(config, startServer(config), logDir, LOOPBACK + ":" + ports[0]);
        } catch (RuntimeException | Error e) {
            deleteRecursively(logDir);
            throw e;
        }
    }

    private static KafkaRaftServer startServer(KafkaConfig config) {
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            // startup() returns only after the broker has caught up with the metadata log and is unfenced.
            server.startup();
            return server;
        } catch (RuntimeException | Error e) {
            // A half-started server still holds ports and threads.
            server.shutdown();
            throw e;
        }
    }

    /** Shuts the broker down and keeps its log directory, so {@link #startAgain()} brings back every record. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts a stopped broker again on the same ports and log directory; returns once it accepts clients. */
    public synchronized void startAgain() {
        if (server != null) {
            throw new IllegalStateException("the broker at " + bootstrapServers + " is running");
        }
        server = startServer(config);
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates topics with one partition each; see {@link #createTopics(int, String...)}. */
    public void createTopics(String... names) {
        createTopics(1, names);
    }

    /** Creates topics with the given partition count and replication factor 1, and waits until each has leaders. */
    public void createTopics(int partitions, String... names) {
        createTopics(partitions, Map.of(), names);
    }

    /**
     * Creates one-partition topics with {@code cleanup.policy=compact} (the latest record per key is kept; a
     * tombstone deletes the key), as the rules topic and reference data (assets, IOCs, ...) need.
     */
    public void createCompactedTopics(String... names) {
        createTopics(1, Map.of("cleanup.policy", "compact"), names);
    }

    /** Creates topics with the given partition count, topic configs and replication factor 1; waits for leaders. */
    public void createTopics(int partitions, Map<String, String> configs, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (names.length == 0) {
            return;
        }
        List<NewTopic> topics = Arrays.stream(names)
                .map(n -> new NewTopic(n, partitions, (short) 1).configs(configs)).toList();
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get();
            awaitLeaders(admin, List.of(names));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + Arrays.toString(names) + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + Arrays.toString(names), e);
        }
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Stops the broker and deletes its log directory. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            deleteRecursively(logDir);
        }
    }

    private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // A static quorum of one voter: no dynamic-voter bootstrap snapshot needed at format time.
        p.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", logDir.toString());
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Internal topics on one node: replication 1, and few partitions so they are created fast.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("transaction.max.timeout.ms", Long.toString(TRANSACTION_MAX_TIMEOUT.toMillis()));
        p.put("group.initial.rebalance.delay.ms", "0");
        // Room for over-size records, so the job (not the broker) is what refuses them, with a dead letter.
        p.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        // No age-based retention: local runs replay fixed past dates, and STIX bundles and late events carry
        // their event time, so the first retention check (30 s after start) would delete a segment holding only
        // such records, such as a bundle written but not yet committed.
        p.put("log.retention.ms", "-1");
        return p;
    }

    /** What {@code kafka-storage.sh format} does: writes meta.properties and the bootstrap metadata checkpoint. */
    private static void format(KafkaConfig config, Path logDir) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(logDir.toString())
                    .setHasDynamicQuorum(false)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
                boolean ready = topics.values().stream()
                        .flatMap(t -> t.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                // The broker's metadata cache may lag the controller for a moment after creation.
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " have no leader after " + TOPIC_READY_TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    private static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            // Hold all sockets open together so the same port is never handed out twice.
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        } finally {
            for (ServerSocket s : sockets) {
                closeQuietly(s);
            }
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // The port is released either way.
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("vigil-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Kafka log directory", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete Kafka log directory " + dir, e);
        }
    }
}
