package org.vigil.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.vigil.alert.Alert;
import org.vigil.correlate.EntityCorrelator;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;

/**
 * The benchmark's same-run baselines over the records the run produced: how fast one thread consumes and parses
 * them (a Kafka consumer and the job's {@link EventParser}), and how fast the same rules on a bare Esper runtime
 * ({@link EntityCorrelator}, as the correlate operator uses it, without Flink) take the parsed events in event-time
 * order.
 */
final class BenchBaselines {
    /** The figures of one baseline: records (or events) handled and the seconds they took. */
    record Rate(long count, double seconds) {
        long perSecond() {
            return seconds <= 0 ? 0 : Math.round(count / seconds);
        }
    }

    /** What the bare Esper run found: its rate, and the rule@entity pairs it alerted on. */
    record EsperRun(Rate rate, Set<String> alerted) {}

    private final String bootstrapServers;
    private final List<String> topics;
    private final EventParser parser;

    BenchBaselines(String bootstrapServers, List<String> topics, EventParser parser) {
        this.bootstrapServers = bootstrapServers;
        this.topics = List.copyOf(topics);
        this.parser = parser;
    }

    /** Consumes every record of the topics from the start and parses it: records per second, one thread. */
    Rate consumeAndParse() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long records = 0;
            long events = 0;
            long started = System.nanoTime();
            while (!reached(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    if (parser.parse(r.value(), r.topic(), r.partition(), r.offset()).isEvent()) {
                        events++;
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (events != records) {
                System.err.println("vigil bench: " + (records - events) + " of " + records + " records did not parse as events");
            }
            return new Rate(records, seconds);
        }
    }

    /**
     * Feeds every event of the topics, parsed and merged in event-time order, to one {@link EntityCorrelator} with
     * the rules, routed once per partition field as the job routes; only the correlator's time is counted.
     */
    EsperRun bareEsper(List<RuleDefinition> rules, int maxEvidence) throws RuleException {
        List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
        try (EntityCorrelator correlator = new EntityCorrelator(rules, maxEvidence)) {
            List<PartitionReader> readers = new ArrayList<>();
            for (String topic : topics) {
                KafkaConsumer<byte[], byte[]> c = consumer();
                consumers.add(c);
                for (TopicPartition tp : partitions(c, topic)) {
                    readers.add(new PartitionReader(c, tp));
                }
            }
            if (readers.size() != topics.size()) {
                throw new IllegalStateException("the bench expects one partition per topic, found " + readers.size());
            }
            List<String> fields = List.copyOf(correlator.partitionFields());
            java.util.Set<String> alerted = new java.util.HashSet<>();
            long events = 0;
            long nanos = 0;
            while (true) {
                // The reader whose next event is earliest: each topic is in event-time order, as the generator writes.
                PartitionReader next = null;
                for (PartitionReader r : readers) {
                    SecurityEvent head = r.peek();
                    if (head != null && (next == null || head.timestampMillis() < next.peek().timestampMillis())) {
                        next = r;
                    }
                }
                if (next == null) {
                    break;
                }
                SecurityEvent event = next.take();
                events++;
                long t0 = System.nanoTime();
                for (String field : fields) {
                    Object value = event.get(field);
                    if (value instanceof List<?> values) {
                        for (Object v : new java.util.TreeSet<>(values.stream().map(String::valueOf).toList())) {
                            collect(correlator.process(field, (String) v, event), alerted);
                        }
                    } else if (value != null) {
                        collect(correlator.process(field, String.valueOf(value), event), alerted);
                    }
                }
                nanos += System.nanoTime() - t0;
            }
            return new EsperRun(new Rate(events, nanos / 1e9), alerted);
        } finally {
            consumers.forEach(KafkaConsumer::close);
        }
    }

    private static void collect(List<Alert> alerts, Set<String> out) {
        for (Alert a : alerts) {
            out.add(a.ruleId() + "@" + a.partitionValue());
        }
    }

    /** One partition read from its start to its end offset, parsed, one event at a time. */
    private final class PartitionReader {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final TopicPartition partition;
        private final long end;
        private final ArrayDeque<SecurityEvent> buffer = new ArrayDeque<>();

        PartitionReader(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition) {
            this.consumer = consumer;
            this.partition = partition;
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            this.end = consumer.endOffsets(List.of(partition)).get(partition);
        }

        SecurityEvent peek() {
            while (buffer.isEmpty() && consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    ParseResult parsed = parser.parse(r.value(), r.topic(), r.partition(), r.offset());
                    if (parsed.isEvent()) {
                        buffer.add(parsed.event());
                    }
                }
            }
            return buffer.peek();
        }

        SecurityEvent take() {
            return buffer.poll();
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The job's source fetches in large batches too (max.partition.fetch.bytes is raised there).
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return new KafkaConsumer<>(p);
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<TopicPartition> all = new ArrayList<>();
        topics.forEach(t -> all.addAll(partitions(consumer, t)));
        return all;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
