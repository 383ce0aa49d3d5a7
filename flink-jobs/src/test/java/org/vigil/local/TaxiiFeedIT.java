package org.vigil.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.taxii.PasswordHash;
import org.vigil.taxii.TaxiiServer;
import org.vigil.taxii.TaxiiServerConfig;

/**
 * The TAXII server consuming the NCSC feed topic of a real broker: committed bundles' objects appear in the
 * collection for an authorised reader, aborted ones never, a record that is not a bundle is refused without
 * stopping the feed, and a restart (with records re-sent meanwhile) neither loses nor duplicates.
 */
class TaxiiFeedIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "ncsc.stix";
    private static final String COLLECTION = "8c3e5a3e-2b7d-4f0c-9d61-5b1f0e2a7c44";
    private static final Duration ARRIVAL = Duration.ofSeconds(30);
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;
    private TaxiiServer server;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(2, TOPIC);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void committedBundlesAppearOnceAcrossARestartAbortedOnesNever() throws Exception {
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            send(producer, true, "alert-1", bundle(indicator(1, "2026-11-20T10:00:00.000Z"), identity()));
            send(producer, false, "alert-2", bundle(indicator(2, "2026-11-20T10:00:00.000Z")));
            send(producer, true, "alert-3", "{\"this is\": \"not a bundle\"}");
            send(producer, true, "alert-4", bundle(indicator(4, "2026-11-20T10:00:00.000Z")));
        }
        server = TaxiiServer.start(config());
        List<JsonNode> first = awaitManifest(3);
        assertThat(ids(first)).containsExactlyInAnyOrder(indicatorId(1), identityId(), indicatorId(4));

        assertThat(get("/vigil/collections/" + COLLECTION + "/objects/", null).statusCode()).isEqualTo(401);
        assertThat(get("/vigil/collections/" + COLLECTION + "/objects/", "outsider:outsider-password").statusCode())
                .isEqualTo(403);
        server.close();

        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            // alert-1 again (a replay upstream) and a new version of alert-4's indicator, while the server is down.
            send(producer, true, "alert-1", bundle(indicator(1, "2026-11-20T10:00:00.000Z"), identity()));
            send(producer, true, "alert-4", bundle(indicator(4, "2026-11-20T10:05:00.000Z")));
            send(producer, true, "alert-5", bundle(indicator(5, "2026-11-20T10:06:00.000Z")));
        }
        server = TaxiiServer.start(config());
        List<JsonNode> after = awaitManifest(5);

        assertThat(after.subList(0, 3)).as("what was there before the restart, date_added unchanged")
                .isEqualTo(first);
        assertThat(after.subList(3, 5)).extracting(e -> e.get("id").asText() + "@" + e.get("version").asText())
                .containsExactlyInAnyOrder(indicatorId(4) + "@2026-11-20T10:05:00.000Z",
                        indicatorId(5) + "@2026-11-20T10:06:00.000Z");
        assertThat(ids(after)).doesNotContain(indicatorId(2));
        var collection = server.catalog().apiRoot("vigil").collection(COLLECTION);
        assertThat(collection.rejectedFeedRecords()).isEqualTo(1);
        // Nothing more arrives later: the manifest stays at 5 versions.
        Thread.sleep(1000);
        assertThat(manifest()).hasSize(5);
    }

    @Test
    void aFeedTopicCreatedAfterTheServerStartedIsFollowed() throws Exception {
        String lateTopic = "ncsc.stix.late";
        server = TaxiiServer.start(config(lateTopic));
        kafka.createTopics(lateTopic);
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(lateTopic, "alert-9", bundle(indicator(9, "2026-11-20T10:00:00.000Z"))))
                    .get();
            producer.commitTransaction();
        }

        assertThat(ids(awaitManifest(1))).containsExactly(indicatorId(9));
    }

    private List<JsonNode> awaitManifest(int versions) throws Exception {
        Instant deadline = Instant.now().plus(ARRIVAL);
        List<JsonNode> entries = manifest();
        while (entries.size() < versions && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            entries = manifest();
        }
        assertThat(entries).as("manifest after up to %s", ARRIVAL).hasSize(versions);
        return entries;
    }

    private List<JsonNode> manifest() throws Exception {
        HttpResponse<String> response = get("/vigil/collections/" + COLLECTION + "/manifest/?match[version]=all",
                "ncsc:ncsc-password");
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        JSON.readTree(response.body()).path("objects").forEach(entries::add);
        return entries;
    }

    private HttpResponse<String> get(String path, String userPassword) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Accept", "application/taxii+json;version=2.1");
        if (userPassword != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private TaxiiServerConfig config() throws Exception {
        return config(TOPIC);
    }

    private TaxiiServerConfig config(String topic) throws Exception {
        ObjectNode c = JSON.createObjectNode();
        c.put("host", "127.0.0.1");
        c.put("port", 0);
        c.put("insecure_http", true);
        c.put("data_dir", "taxii-data");
        c.putObject("api_root").put("name", "vigil");
        ObjectNode collection = c.putArray("collections").addObject();
        collection.put("id", COLLECTION);
        collection.put("title", "Verified alerts");
        collection.putArray("read").add("ncsc");
        ObjectNode users = c.putObject("users");
        users.putObject("ncsc").put("password_hash", PasswordHash.hash("ncsc-password".toCharArray(), 1000));
        users.putObject("outsider").put("password_hash", PasswordHash.hash("outsider-password".toCharArray(), 1000));
        c.putObject("feed").put("bootstrap_servers", kafka.bootstrapServers()).put("topic", topic)
                .put("collection", COLLECTION);
        Path file = dir.resolve("taxii.json");
        JSON.writeValue(file.toFile(), c);
        return TaxiiServerConfig.read(file, Map.<String, String>of()::get);
    }

    private static KafkaProducer<String, String> transactionalProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "taxii-feed-it-" + UUID.randomUUID());
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> producer, boolean commit, String key, String value)
            throws Exception {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }

    private static String bundle(ObjectNode... objects) {
        ObjectNode b = JSON.createObjectNode();
        b.put("type", "bundle");
        b.put("id", "bundle--" + UUID.randomUUID());
        var array = b.putArray("objects");
        for (ObjectNode o : objects) {
            array.add(o);
        }
        return b.toString();
    }

    private static ObjectNode indicator(int n, String modified) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "indicator");
        o.put("spec_version", "2.1");
        o.put("id", indicatorId(n));
        o.put("created", "2026-11-20T10:00:00.000Z");
        o.put("modified", modified);
        o.put("pattern", "[ipv4-addr:value = '198.51.100." + n + "']");
        o.put("pattern_type", "stix");
        o.put("valid_from", "2026-11-20T10:00:00Z");
        return o;
    }

    private static ObjectNode identity() {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "identity");
        o.put("spec_version", "2.1");
        o.put("id", identityId());
        o.put("created", "2026-01-01T00:00:00.000Z");
        o.put("modified", "2026-01-01T00:00:00.000Z");
        o.put("name", "Provincial SOC");
        o.put("identity_class", "organization");
        return o;
    }

    private static String indicatorId(int n) {
        return "indicator--" + UUID.nameUUIDFromBytes(("alert-" + n).getBytes(StandardCharsets.UTF_8));
    }

    private static String identityId() {
        return "identity--6a1f4f0e-3c0b-4d2a-9a55-0f3b1d2c4e5f";
    }

    private static List<String> ids(List<JsonNode> entries) {
        return entries.stream().map(e -> e.get("id").asText()).toList();
    }
}
