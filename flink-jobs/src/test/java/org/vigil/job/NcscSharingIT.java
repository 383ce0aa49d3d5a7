package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vigil.local.LocalStack;
import org.vigil.sink.stix.StixObservable;
import org.vigil.taxii.PasswordHash;
import org.vigil.taxii.TaxiiServer;
import org.vigil.taxii.TaxiiServerConfig;

/**
 * Sharing with NCSC end to end on the real broker, Elasticsearch, a MiniCluster and the TAXII server: an attack
 * written to Kafka while the job runs becomes verified alerts whose STIX objects the TAXII collection serves to its
 * reader within seconds, with no internal user name or address under the default policy, and refuses to a caller
 * without credentials (401) or without the right (403). A second job, with a pseudonym key and its own event topic,
 * feed topic and TAXII server (started by its test), shares internal users and addresses as stable pseudonyms
 * instead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NcscSharingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENTS = "ncsc.events";
    private static final String PSEUDONYMISED_EVENTS = "ncsc.events.pseudonymised";
    /** The job reads it from the environment only; handed in as the environment map production reads. */
    private static final String PSEUDONYM_KEY = "it-pseudonym-key-0123456789abcdef";
    private static final String COLLECTION = "2f0d6a51-8c1e-4b7a-9e3d-7c5b1a0f4e92";
    private static final String ATTACKER = "203.0.113.66";
    private static final String PORTAL = "10.20.0.5";
    private static final String SECOND_ATTACKER = "198.51.100.77";
    private static final String INTERNAL_USER = "tran.thi.b";
    /** Generous for a loaded 2-core machine; the time measured is printed. */
    private static final Duration WITHIN = Duration.ofSeconds(60);
    /** Starting a job (task deployment, Elasticsearch template) on the loaded machine. */
    private static final Duration JOB_START = Duration.ofSeconds(60);

    private static LocalStack stack;
    private static TaxiiServer taxii;
    private static JobClient job;
    private static JobRuns runs;
    private static TaxiiServer pseudonymisingTaxii;
    private static JobClient pseudonymisingJob;
    private static JobRuns pseudonymisingRuns;

    @BeforeAll
    static void startStackJobAndTaxii() throws Exception {
        stack = LocalStack.start();
        stack.kafka().createTopics(1, EVENTS);
        runs = new JobRuns(stack, EVENTS);
        // The default policy (no pseudonym key: internal users and addresses removed), bundles checked against the
        // OASIS schemas before they are shared.
        VigilConfig config = runs.config("sharing")
                .with(VigilOptions.SHARE_STIX_SCHEMAS, org.vigil.sink.stix.StixTestData.schemas().toString());
        taxii = TaxiiServer.start(taxiiConfig(config.require(VigilOptions.STIX_TOPIC)));
        JobRuns.Run run = new JobRuns.Run(config, 1, 0, ChaosSource.Fault.none());
        job = runs.start(run, KafkaConnectors.from(config, false));
    }

    /**
     * The second job, with a pseudonym key, its own event and feed topics and its own TAXII server, on the class's
     * broker and Elasticsearch. Started by the test that needs it, after the latency test, so the two jobs never
     * start together on the shared 2-core machine.
     */
    private static void startPseudonymisingJobAndTaxii() throws Exception {
        stack.kafka().createTopics(1, PSEUDONYMISED_EVENTS);
        pseudonymisingRuns = new JobRuns(stack, PSEUDONYMISED_EVENTS);
        // The key comes in through the environment map, the way VigilConfig.load hands it System.getenv(). Its own
        // run name: the alert index template of "sharing" would also match indices named "sharing-...".
        VigilConfig pseudonymising = VigilConfig.of(pseudonymisingRuns.config("pseudonymised")
                        .with(VigilOptions.SHARE_STIX_SCHEMAS, org.vigil.sink.stix.StixTestData.schemas().toString())
                        .with(VigilOptions.SHARE_INTERNAL_USERS, "pseudonymise")
                        .with(VigilOptions.SHARE_INTERNAL_ADDRESSES, "pseudonymise")
                        .asMap(),
                Map.of(VigilOptions.SHARE_PSEUDONYM_KEY.envName(), PSEUDONYM_KEY));
        pseudonymisingTaxii = TaxiiServer.start(taxiiConfig(pseudonymising.require(VigilOptions.STIX_TOPIC)));
        pseudonymisingJob = pseudonymisingRuns.start(new JobRuns.Run(pseudonymising, 1, 0, ChaosSource.Fault.none()),
                KafkaConnectors.from(pseudonymising, false));
    }

    @AfterAll
    static void stop() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        if (pseudonymisingJob != null) {
            pseudonymisingJob.cancel().get();
        }
        if (taxii != null) {
            taxii.close();
        }
        if (pseudonymisingTaxii != null) {
            pseudonymisingTaxii.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void anAttackInKafkaIsServedToTheAuthorisedReaderWithinSecondsAndRefusedToOthers() throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        List<byte[]> attack = new ArrayList<>(attack(t0, ATTACKER));
        // Later traffic moves event time past the attack, as a running feed does.
        attack.addAll(laterTraffic(t0.plusSeconds(300)));
        long sent = System.nanoTime();
        runs.produce(attack, 1);

        List<JsonNode> sightings = List.of();
        while (sightings.size() < 2 && System.nanoTime() - sent < WITHIN.toNanos()) {
            Thread.sleep(250);
            sightings = objects(taxii, "ncsc:ncsc-password", "sighting");
        }
        long millis = (System.nanoTime() - sent) / 1_000_000;
        System.out.println("NcscSharingIT: the attack's sightings were served by TAXII " + millis + " ms after it was written");
        assertThat(sightings).as("sightings of the scan and the brute force within %s", WITHIN).hasSize(2);
        assertThat(objects(taxii, "ncsc:ncsc-password", "indicator")).extracting(o -> o.path("pattern").asText())
                .contains("[ipv4-addr:value = '" + ATTACKER + "']");
        assertThat(objects(taxii, "ncsc:ncsc-password", "attack-pattern"))
                .as("one per technique of the two rules, not one per alert")
                .extracting(o -> o.at("/external_references/0/external_id").asText())
                .doesNotHaveDuplicates().isNotEmpty();

        HttpResponse<String> all = get(taxii, objectsPath(""), "ncsc:ncsc-password");
        assertThat(all.body()).as("what NCSC reads").contains(ATTACKER)
                .doesNotContain(INTERNAL_USER).doesNotContain(PORTAL).doesNotContain("mail-01")
                .doesNotContain(StixObservable.PSEUDONYM_DOMAIN).as("no key, nothing pseudonymised")
                .doesNotContain("pseudonym:");

        assertThat(get(taxii, objectsPath(""), null).statusCode()).as("no credentials").isEqualTo(401);
        assertThat(get(taxii, objectsPath(""), "outsider:outsider-password").statusCode()).as("no read right")
                .isEqualTo(403);
    }

    @Test
    @Order(2)
    void withAPseudonymKeyTheCollectionHoldsStablePseudonymsAndNeverTheInternalValues() throws Exception {
        startPseudonymisingJobAndTaxii();
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        // Two attackers, each scanning the portal and then breaking into the same internal account: four alerts,
        // two of them about the same user and two about the same internal address.
        List<byte[]> attacks = new ArrayList<>(attack(t0, ATTACKER));
        attacks.addAll(attack(t0.plusSeconds(150), SECOND_ATTACKER));
        attacks.addAll(laterTraffic(t0.plusSeconds(450)));
        long sent = System.nanoTime();
        pseudonymisingRuns.produce(attacks, 1);

        List<JsonNode> sightings = List.of();
        // This bound includes starting the job, which the latency test's job did before its clock started.
        while (sightings.size() < 4 && System.nanoTime() - sent < WITHIN.plus(JOB_START).toNanos()) {
            Thread.sleep(250);
            sightings = objects(pseudonymisingTaxii, "ncsc:ncsc-password", "sighting");
        }
        assertThat(sightings).as("sightings of two scans and two brute forces within %s", WITHIN.plus(JOB_START))
                .hasSize(4);

        String userPseudonym = "pseudonym:" + hmacSha256Prefix(INTERNAL_USER);
        String portalPseudonym = hmacSha256Prefix(PORTAL) + ".pseudonym.invalid";
        List<JsonNode> users = objects(pseudonymisingTaxii, "ncsc:ncsc-password", "user-account");
        assertThat(users).as("one object for the user, whichever alert named it")
                .extracting(u -> u.path("user_id").asText()).containsExactly(userPseudonym);
        List<JsonNode> hosts = objects(pseudonymisingTaxii, "ncsc:ncsc-password", "domain-name");
        assertThat(hosts).extracting(d -> d.path("value").asText()).containsExactly(portalPseudonym);
        List<JsonNode> observed = objects(pseudonymisingTaxii, "ncsc:ncsc-password", "observed-data");
        assertThat(observed).as("both brute forces observed the same pseudonymous user")
                .filteredOn(o -> refers(o, users.get(0))).hasSize(2);
        assertThat(observed).as("both scans observed the same pseudonymous portal")
                .filteredOn(o -> refers(o, hosts.get(0))).hasSize(2);

        HttpResponse<String> all = get(pseudonymisingTaxii, objectsPath(""), "ncsc:ncsc-password");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).as("what NCSC reads").contains(ATTACKER).contains(SECOND_ATTACKER)
                .doesNotContain(INTERNAL_USER).doesNotContain(PORTAL).doesNotContain("mail-01");
    }

    /** A port scan of the e-portal, then a brute force that succeeds on the mail system, from one source. */
    private static List<byte[]> attack(Instant t0, String attacker) throws Exception {
        List<byte[]> attack = new ArrayList<>();
        // Two rules on one attacker corroborate each other, so both alerts are verified.
        for (int port = 0; port < 20; port++) {
            attack.add(event(t0.plusSeconds(port), attacker + "-scan-" + port, Map.of("event",
                    Map.of("category", List.of("network")),
                    "source", Map.of("ip", attacker), "destination", Map.of("ip", PORTAL, "port", 8000 + port))));
        }
        for (int i = 0; i < 7; i++) {
            attack.add(event(t0.plusSeconds(120 + 5L * i), attacker + "-logon-" + i, Map.of(
                    "event", Map.of("category", List.of("authentication"), "outcome", i < 6 ? "failure" : "success"),
                    "source", Map.of("ip", attacker), "user", Map.of("name", INTERNAL_USER),
                    "host", Map.of("name", "mail-01"))));
        }
        return attack;
    }

    private static List<byte[]> laterTraffic(Instant from) throws Exception {
        List<byte[]> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            later.add(event(from.plusSeconds(i), "later-" + from.getEpochSecond() + "-" + i, Map.of("event",
                    Map.of("category", List.of("network")),
                    "source", Map.of("ip", "10.50.3.20"), "destination", Map.of("ip", "198.51.100.9", "port", 443))));
        }
        return later;
    }

    private static boolean refers(JsonNode observedData, JsonNode object) {
        for (JsonNode ref : observedData.path("object_refs")) {
            if (ref.asText().equals(object.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The pseudonym as the README defines it, computed here independently of the job's code. */
    private static String hmacSha256Prefix(String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PSEUDONYM_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    private static byte[] event(Instant at, String id, Map<String, Object> fields) throws Exception {
        ObjectNode e = JSON.valueToTree(fields);
        e.put("@timestamp", at.toString());
        ((ObjectNode) e.get("event")).put("id", id).put("kind", "event");
        return JSON.writeValueAsBytes(e);
    }

    private static String objectsPath(String query) {
        return "/vigil/collections/" + COLLECTION + "/objects/" + query;
    }

    private static List<JsonNode> objects(TaxiiServer server, String userPassword, String type) throws Exception {
        HttpResponse<String> response = get(server, objectsPath("?match[type]=" + type), userPassword);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(response.body()).path("objects").forEach(out::add);
        return out;
    }

    private static HttpResponse<String> get(TaxiiServer server, String path, String userPassword) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Accept", "application/taxii+json;version=2.1");
        if (userPassword != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static TaxiiServerConfig taxiiConfig(String feedTopic) throws Exception {
        ObjectNode c = JSON.createObjectNode();
        c.put("host", "127.0.0.1");
        c.put("port", 0);
        c.put("insecure_http", true);
        Path dir = Files.createTempDirectory("vigil-ncsc-taxii");
        c.put("data_dir", dir.resolve("data").toString());
        c.putObject("api_root").put("name", "vigil");
        ObjectNode collection = c.putArray("collections").addObject();
        collection.put("id", COLLECTION);
        collection.put("title", "Verified alerts");
        collection.putArray("read").add("ncsc");
        ObjectNode users = c.putObject("users");
        users.putObject("ncsc").put("password_hash", PasswordHash.hash("ncsc-password".toCharArray(), 1000));
        users.putObject("outsider").put("password_hash", PasswordHash.hash("outsider-password".toCharArray(), 1000));
        c.putObject("feed").put("bootstrap_servers", stack.kafka().bootstrapServers()).put("topic", feedTopic)
                .put("collection", COLLECTION).put("group_id", "taxii-" + feedTopic);
        Path file = dir.resolve("taxii.json");
        JSON.writeValue(file.toFile(), c);
        return TaxiiServerConfig.read(file, Map.<String, String>of()::get);
    }
}
