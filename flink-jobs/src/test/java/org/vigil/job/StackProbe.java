package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.vigil.local.LocalStack;

/** Reads what a job run left in the stack: alert documents in Elasticsearch, records on Kafka topics. */
final class StackProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private StackProbe() {}

    /** The run's alert documents by id; fails on a document whose id is not its alert id. */
    static Map<String, JsonNode> alertsById(VigilConfig config) throws Exception {
        String base = config.require(VigilOptions.ELASTICSEARCH_HOSTS) + "/" + config.require(VigilOptions.ELASTICSEARCH_INDEX);
        send(HttpRequest.newBuilder(URI.create(base + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build());
        JsonNode result = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/_search?size=10000")).GET().build()));
        Map<String, JsonNode> byId = new TreeMap<>();
        for (JsonNode hit : result.at("/hits/hits")) {
            assertThat(hit.get("_id").asText()).isEqualTo(hit.at("/_source/vigil/alert_id").asText());
            assertThat(byId.put(hit.get("_id").asText(), hit.get("_source"))).as("duplicate alert").isNull();
        }
        assertThat(result.at("/hits/total/value").asInt()).as("documents in the index").isEqualTo(byId.size());
        return byId;
    }

    /** The run's share audit records by document id. */
    static Map<String, JsonNode> auditRecords(VigilConfig config) throws Exception {
        String base = config.require(VigilOptions.ELASTICSEARCH_HOSTS) + "/" + config.require(VigilOptions.SHARE_AUDIT_INDEX);
        send(HttpRequest.newBuilder(URI.create(base + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build());
        JsonNode result = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/_search?size=10000")).GET().build()));
        Map<String, JsonNode> byId = new TreeMap<>();
        result.at("/hits/hits").forEach(hit -> byId.put(hit.get("_id").asText(), hit.get("_source")));
        return byId;
    }

    /** The verification status ({@code candidate} or {@code verified}) of each alert document, by id. */
    static Map<String, String> statuses(Map<String, JsonNode> alerts) {
        Map<String, String> statuses = new TreeMap<>();
        alerts.forEach((id, doc) -> statuses.put(id, doc.at("/vigil/verification/status").asText()));
        return statuses;
    }

    /** Each verified alert once: what the NCSC feed must hold for these alert documents. */
    static Map<String, Integer> verifiedOnce(Map<String, JsonNode> alerts) {
        Map<String, Integer> once = new TreeMap<>();
        statuses(alerts).forEach((id, status) -> {
            if (status.equals("verified")) {
                once.put(id, 1);
            }
        });
        return once;
    }

    /** The occurrence count (1 plus the repeats merged in) of each alert document, by id. */
    static Map<String, Integer> occurrencesById(Map<String, JsonNode> alerts) {
        Map<String, Integer> counts = new TreeMap<>();
        alerts.forEach((id, doc) -> counts.put(id, doc.at("/vigil/occurrences").asInt()));
        return counts;
    }

    /** How many documents the run's index holds; 0 when it does not exist yet or the server is down. */
    static int alertCount(VigilConfig config) {
        String base = config.require(VigilOptions.ELASTICSEARCH_HOSTS) + "/" + config.require(VigilOptions.ELASTICSEARCH_INDEX);
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/_count")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("count").asInt() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private static String send(HttpRequest request) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(request.uri() + " " + response.body()).isLessThan(300);
        return response.body();
    }

    /**
     * Asserts that a run over {@link AttackStream} left the alerts of an uninterrupted run (five brute-force, three
     * scan and three IDS-burst alerts), each once in the index and once on the feed; returns them by id.
     */
    static Map<String, JsonNode> assertAttackStreamAlertsOnce(LocalStack stack, VigilConfig config) throws Exception {
        Map<String, JsonNode> alerts = alertsById(config);
        Map<String, Long> perRule = new TreeMap<>();
        alerts.values().forEach(a -> perRule.merge(a.at("/rule/id").asText(), 1L, Long::sum));
        assertThat(perRule).as("the alerts of an uninterrupted run").isEqualTo(Map.of(
                "vigil-brute-force-then-success", 5L, "vigil-network-service-scan", 3L, "vigil-ids-alert-burst", 3L));
        assertThat(bundlesPerAlert(bundles(stack, config))).as("committed bundles per verified alert")
                .isEqualTo(verifiedOnce(alerts)).hasSize(4);
        return alerts;
    }

    /** Every record value on a topic, reading committed records only when asked; stops after a few empty polls. */
    static List<byte[]> readAll(LocalStack stack, String topic, boolean readCommitted) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            int emptyPolls = 0;
            // Everything was committed before the job finished; stop after a few empty polls.
            while (System.nanoTime() < deadline && emptyPolls < 3) {
                var batch = consumer.poll(Duration.ofSeconds(1));
                if (batch.isEmpty() && !consumer.assignment().isEmpty()) {
                    emptyPolls++;
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    /** The STIX bundles on the feed topic (committed only), as JSON. */
    static List<JsonNode> bundles(LocalStack stack, VigilConfig config) {
        return readAll(stack, config.require(VigilOptions.STIX_TOPIC), true).stream().map(StackProbe::json).toList();
    }

    /** How many bundles on the feed carry each alert (by the alert id in their sighting's external reference). */
    static Map<String, Integer> bundlesPerAlert(List<JsonNode> bundles) {
        Map<String, Integer> counts = new TreeMap<>();
        for (JsonNode bundle : bundles) {
            for (JsonNode object : bundle.get("objects")) {
                if (object.get("type").asText().equals("sighting")) {
                    object.get("external_references").forEach(r -> counts.merge(r.get("external_id").asText(), 1, Integer::sum));
                }
            }
        }
        return counts;
    }

    static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }
}
