package org.vigil.enrich;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes a validated reference-data file to its kind's compacted topic, with the tombstones that make the topic
 * say what the file says.
 *
 * <p>The writer first reads the keys currently live on the topic. Then, in this order: the file's records; for the
 * botnet list the {@link BotnetListVersion} announcement of the file's version (it becomes current once every entry
 * is there); tombstones for every other version's entries and announcements (botnet), or — with {@code replace} —
 * for every key of the kind that the file no longer has. Every send is acknowledged by all in-sync replicas before
 * the writer returns; a failed send fails the whole publication (records already sent stay, and running the same
 * file again converges, since every record is keyed).
 */
public final class ReferenceTopicWriter {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final Properties clientProperties;

    /** What a publication wrote. */
    public record Summary(String topic, int records, int tombstones, String botnetVersion) {}

    /** {@code clientProperties} holds {@code bootstrap.servers} and any security settings for all three clients. */
    public ReferenceTopicWriter(Properties clientProperties) {
        this.clientProperties = clientProperties;
    }

    /** Publishes {@code file} (which must have no errors) to {@code topic}. */
    public Summary publish(LoadResult file, String topic, boolean replace) throws InterruptedException {
        if (!file.ok()) {
            throw new IllegalArgumentException("refusing to publish a file with " + file.errors().size() + " errors");
        }
        checkTopic(topic);
        Set<String> live = liveKeys(topic);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        for (ReferenceRecord r : file.records()) {
            out.add(record(topic, r.key(), ReferenceRecordCodec.encode(r)));
            kept.add(r.key());
        }
        String botnetVersion = null;
        List<String> removed = new ArrayList<>();
        if (file.kind() == ReferenceKind.BOTNET) {
            botnetVersion = ((BotnetEntry) file.records().get(0)).listVersion();
            BotnetListVersion announcement = new BotnetListVersion(botnetVersion, file.records().size());
            out.add(record(topic, announcement.key(), ReferenceRecordCodec.encode(announcement)));
            kept.add(announcement.key());
            // The new version replaces the list as a whole: every other record on the topic goes.
            live.stream().filter(k -> isKindKey(ReferenceKind.BOTNET, k) && !kept.contains(k)).sorted().forEach(removed::add);
        } else if (replace) {
            live.stream().filter(k -> isKindKey(file.kind(), k) && !kept.contains(k)).sorted().forEach(removed::add);
        }
        removed.forEach(k -> out.add(record(topic, k, null)));
        send(out);
        return new Summary(topic, out.size() - removed.size(), removed.size(), botnetVersion);
    }

    private static boolean isKindKey(ReferenceKind kind, String key) {
        return switch (kind) {
            case ASSETS -> key.startsWith(Asset.KEY_PREFIX);
            case BOTNET -> key.startsWith(BotnetEntry.KEY_PREFIX) || key.startsWith(BotnetListVersion.KEY_PREFIX);
            case IOCS -> key.startsWith(Ioc.KEY_PREFIX);
            case VULNS -> key.startsWith(Vulnerability.KEY_PREFIX);
        };
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Refuses a missing topic, and one that is not compacted: it would delete reference data by age. */
    private void checkTopic(String topic) throws InterruptedException {
        Properties p = new Properties();
        // Fail in seconds, not the default minute, when the brokers are unreachable: this is the first contact.
        p.put("default.api.timeout.ms", "20000");
        p.put("request.timeout.ms", "15000");
        p.putAll(clientProperties);
        try (Admin admin = Admin.create(p)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw new IllegalStateException("topic " + topic + " has cleanup.policy=" + policy
                        + "; reference data needs a compacted topic (cleanup.policy=compact), or records expire by age");
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("topic " + topic + " does not exist; create it with "
                        + "cleanup.policy=compact (docker/kafka/create-topics.sh does)");
            }
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The keys whose latest record on the topic is not a tombstone. */
    private Set<String> liveKeys(String topic) {
        Set<String> live = new HashSet<>();
        CompactedTopicReader.latest(clientProperties, topic, READ_TIMEOUT).forEach((key, value) -> {
            if (value != null) {
                live.add(key);
            }
        });
        return live;
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records) throws InterruptedException {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Idempotence keeps retries from reordering records of one partition: an announcement never overtakes
        // its entries and a tombstone never overtakes the record it follows.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
