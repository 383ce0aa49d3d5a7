package org.vigil.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the objects of the NCSC feed topic's STIX bundles (one per record, read_committed) to a collection as they
 * arrive.
 *
 * <p>Delivery: each record's objects and its offset are fsync'd together in the collection's log before the next
 * record is read, and consumption resumes from the offsets in that log (never from the group's committed offsets,
 * which are committed afterwards only so lag can be monitored). A restart therefore neither loses nor duplicates; a
 * record that is not a STIX bundle is logged and kept in the collection log with its reason, never silently skipped.
 */
final class FeedIngestor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeedIngestor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final FeedSettings settings;
    private final TaxiiCollection collection;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    FeedIngestor(FeedSettings settings, TaxiiCollection collection) {
        this.settings = settings;
        this.collection = collection;
        Properties props = new Properties();
        props.putAll(settings.properties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "taxii-feed-" + settings.topic());
        thread.setDaemon(true);
    }

    void start() {
        consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                seekToStored(partitions);
            }
        });
        thread.start();
    }

    private void run() {
        while (running.get()) {
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    ingest(record);
                }
                consumer.commitAsync();
            } catch (WakeupException e) {
                if (running.get()) {
                    throw e;
                }
            } catch (RuntimeException e) {
                // Disk or broker trouble: nothing past the last fsync'd record counts as read, so go back to it.
                LOG.error("feed {}: ingestion failed, retrying from the stored offsets", settings.topic(), e);
                pause();
                try {
                    seekToStored(consumer.assignment());
                } catch (RuntimeException again) {
                    LOG.error("feed {}: cannot seek yet", settings.topic(), again);
                }
            }
        }
        consumer.close();
    }

    private void ingest(ConsumerRecord<byte[], byte[]> record) {
        FeedPosition position = new FeedPosition(record.topic(), record.partition(), record.offset());
        String reason;
        try {
            JsonNode bundle = record.value() == null ? null : JSON.readTree(record.value());
            if (bundle != null && bundle.path("type").asText().equals("bundle") && bundle.path("objects").isArray()) {
                List<JsonNode> objects = new ArrayList<>();
                bundle.get("objects").forEach(objects::add);
                List<TaxiiCollection.Outcome> outcomes = collection.add(objects, position);
                outcomes.stream().filter(o -> !o.success()).forEach(o -> LOG.error(
                        "feed {}: object {} of record {} refused: {}", settings.topic(), o.id(), position, o.message()));
                return;
            }
            reason = "not a STIX bundle (type 'bundle' with an 'objects' array)";
        } catch (java.io.IOException e) {
            reason = "not JSON: " + e.getMessage();
        }
        LOG.error("feed {}: record {} rejected: {}", settings.topic(), position, reason);
        collection.rejectFeedRecord(position, reason);
    }

    private void seekToStored(Collection<TopicPartition> partitions) {
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            var next = collection.nextFeedOffset(tp.topic(), tp.partition());
            if (next.isPresent()) {
                consumer.seek(tp, next.getAsLong());
            } else {
                fromStart.add(tp);
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        if (!thread.isAlive()) {
            consumer.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
