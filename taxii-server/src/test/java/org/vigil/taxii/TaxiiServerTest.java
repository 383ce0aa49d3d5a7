package org.vigil.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server in normal mode over real HTTPS on a free port: a configured collection, users with hashed passwords and
 * tokens and per-collection rights, POSTs persisted so a restart loses nothing and changes no date_added.
 */
class TaxiiServerTest {
    private static final String COLLECTION_ID = "2f4b7c3e-6a0d-4f5e-9b1a-3c8d2e7f6a10";
    private static final String OBJECTS = "/vigil/collections/" + COLLECTION_ID + "/objects/";
    private static final String KEYSTORE_PASSWORD = "test-keystore-secret";
    private static final String WRITER_TOKEN = PasswordHash.newToken();

    @TempDir
    static Path keys;
    @TempDir
    Path dir;

    private static Path keystore;
    private static SSLContext trustServer;
    private TaxiiServer server;

    @BeforeAll
    static void makeCertificate() throws Exception {
        keystore = keys.resolve("taxii.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "taxii", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        trustServer = SSLContext.getInstance("TLS");
        trustServer.init(null, tmf.getTrustManagers(), null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void writerPostsReaderReadsOthersAreRefused() throws Exception {
        server = TaxiiServer.start(config());
        assertThat(server.discoveryUri().getScheme()).isEqualTo("https");

        TaxiiClient.Reply posted = writer().post(OBJECTS, MediaTypes.TAXII_21, envelope(indicator("2026-11-20T10:00:00.000Z")));
        assertThat(posted.status()).isEqualTo(202);
        assertThat(posted.json().get("status").asText()).isEqualTo("complete");
        assertThat(posted.json().get("success_count").asInt()).isEqualTo(1);
        String statusId = posted.json().get("id").asText();
        assertThat(reader().get("/vigil/status/" + statusId + "/").json().get("total_count").asInt()).isEqualTo(1);

        TaxiiClient.Reply read = reader().get(OBJECTS);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("objects")).hasSize(1);
        assertThat(read.header("X-TAXII-Date-Added-First")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

        TaxiiClient.Reply anonymous = TaxiiClient.anonymous(server.discoveryUri()).withTls(trustServer).get(OBJECTS);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).isNotNull();
        assertThat(client("intruder", "intruder-password").get(OBJECTS).status()).isEqualTo(403);
        assertThat(client("intruder", "intruder-password").get("/vigil/status/" + statusId + "/").status())
                .isEqualTo(403);
        assertThat(reader().post(OBJECTS, MediaTypes.TAXII_21, envelope(indicator("2026-11-21T10:00:00.000Z")))
                .status()).isEqualTo(403);
        assertThat(client("ncsc", "wrong-password").get(OBJECTS).status()).isEqualTo(401);
        assertThat(TaxiiClient.bearer(server.discoveryUri(), "not-a-token", trustServer).get(OBJECTS).status())
                .isEqualTo(401);

        JsonNode asReader = reader().get("/vigil/collections/" + COLLECTION_ID + "/").json();
        assertThat(asReader.get("can_read").asBoolean()).isTrue();
        assertThat(asReader.get("can_write").asBoolean()).isFalse();
        JsonNode asWriter = writer().get("/vigil/collections/" + COLLECTION_ID + "/").json();
        assertThat(asWriter.get("can_write").asBoolean()).isTrue();
        assertThat(client("intruder", "intruder-password").get("/vigil/collections/").json().has("collections"))
                .isFalse();
        assertThat(reader().get("/taxii2/").json().get("api_roots").get(0).asText())
                .isEqualTo("https://127.0.0.1:" + server.port() + "/vigil/");
    }

    @Test
    void postNeedsTheTaxiiContentTypeAndAnEnvelope() throws Exception {
        server = TaxiiServer.start(config());
        String body = envelope(indicator("2026-11-20T10:00:00.000Z"));

        assertThat(writer().post(OBJECTS, "application/json", body).status()).isEqualTo(415);
        assertThat(writer().post(OBJECTS, "application/taxii+json", body).status()).isEqualTo(202);
        assertThat(writer().post(OBJECTS, MediaTypes.TAXII_21, "{not json").status()).isEqualTo(400);
        assertThat(writer().post(OBJECTS, MediaTypes.TAXII_21, "{\"objects\": 3}").status()).isEqualTo(400);

        TaxiiClient.Reply mixed = writer().post(OBJECTS, MediaTypes.TAXII_21,
                "{\"objects\":[{\"type\":\"indicator\",\"id\":\"indicator--nope\"}]}");
        assertThat(mixed.status()).isEqualTo(202);
        assertThat(mixed.json().get("failure_count").asInt()).isEqualTo(1);
        assertThat(mixed.json().get("failures").get(0).get("message").asText()).contains("UUID");
    }

    @Test
    void sameVersionTwiceIsOneVersionAndANewVersionIsAnother() throws Exception {
        server = TaxiiServer.start(config());
        writer().post(OBJECTS, MediaTypes.TAXII_21, envelope(indicator("2026-11-20T10:00:00.000Z")));
        TaxiiClient.Reply again = writer().post(OBJECTS, MediaTypes.TAXII_21,
                envelope(indicator("2026-11-20T10:00:00.000Z")));
        assertThat(again.json().get("success_count").asInt()).isEqualTo(1);
        writer().post(OBJECTS, MediaTypes.TAXII_21, envelope(indicator("2026-11-20T11:00:00.000Z")));

        JsonNode versions = reader().get(OBJECTS + INDICATOR_ID + "/versions/").json().get("versions");
        assertThat(versions).extracting(JsonNode::asText)
                .containsExactly("2026-11-20T10:00:00.000Z", "2026-11-20T11:00:00.000Z");
        assertThat(reader().get(OBJECTS).json().get("objects").get(0).get("modified").asText())
                .isEqualTo("2026-11-20T11:00:00.000Z");
    }

    @Test
    void aRestartLosesNothingAndKeepsDateAdded() throws Exception {
        server = TaxiiServer.start(config());
        for (int i = 0; i < 5; i++) {
            writer().post(OBJECTS, MediaTypes.TAXII_21, envelope(indicator("2026-11-20T10:00:0" + i + ".000Z")));
        }
        JsonNode before = reader().get(manifestAll()).json();
        server.close();

        server = TaxiiServer.start(config());
        JsonNode after = reader().get(manifestAll()).json();
        assertThat(after).isEqualTo(before);
        assertThat(after.get("objects")).hasSize(5);

        // date_added stays strictly increasing across the restart.
        writer().post(OBJECTS, MediaTypes.TAXII_21, envelope(indicator("2026-11-20T10:00:09.000Z")));
        List<String> dates = new ArrayList<>();
        reader().get(manifestAll()).json().get("objects").forEach(o -> dates.add(o.get("date_added").asText()));
        assertThat(dates).hasSize(6).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aPostsStatusIsReadableAfterARestart() throws Exception {
        server = TaxiiServer.start(config());
        TaxiiClient.Reply posted = writer().post(OBJECTS, MediaTypes.TAXII_21, envelope(
                indicator("2026-11-20T10:00:00.000Z"), "{\"type\":\"indicator\",\"id\":\"indicator--nope\"}"));
        TaxiiClient.Reply repeated = writer().post(OBJECTS, MediaTypes.TAXII_21,
                envelope(indicator("2026-11-20T10:00:00.000Z")));
        String statusPath = "/vigil/status/" + posted.json().get("id").asText() + "/";
        String repeatedPath = "/vigil/status/" + repeated.json().get("id").asText() + "/";
        assertThat(writer().get(statusPath).json()).isEqualTo(posted.json());
        server.close();
        server = null;

        server = TaxiiServer.start(config());
        TaxiiClient.Reply afterRestart = writer().get(statusPath);
        assertThat(afterRestart.status()).isEqualTo(200);
        assertThat(afterRestart.json()).as("the status as the POST answered it").isEqualTo(posted.json());
        assertThat(afterRestart.json().get("success_count").asInt()).isEqualTo(1);
        assertThat(afterRestart.json().get("failure_count").asInt()).isEqualTo(1);
        assertThat(writer().get(repeatedPath).json()).as("a POST that added nothing has its status too")
                .isEqualTo(repeated.json());
        assertThat(writer().get("/vigil/status/" + java.util.UUID.randomUUID() + "/").status()).isEqualTo(404);
        assertThat(reader().get(OBJECTS + "?match[version]=all").json().get("objects"))
                .as("statuses are not objects").hasSize(1);
    }

    @Test
    void aLastLineCutShortByACrashIsDroppedAndTheRestKept() throws Exception {
        server = TaxiiServer.start(config());
        writer().post(OBJECTS, MediaTypes.TAXII_21, envelope(indicator("2026-11-20T10:00:00.000Z")));
        server.close();
        server = null;
        Files.writeString(dir.resolve("data").resolve(COLLECTION_ID + ".jsonl"), "{\"objects\":[{\"date_ad",
                StandardOpenOption.APPEND);

        server = TaxiiServer.start(config());
        assertThat(reader().get(OBJECTS).json().get("objects")).hasSize(1);
        writer().post(OBJECTS, MediaTypes.TAXII_21, envelope(indicator("2026-11-20T11:00:00.000Z")));
        server.close();
        server = TaxiiServer.start(config());
        assertThat(reader().get(OBJECTS + "?match[version]=all").json().get("objects")).hasSize(2);
    }

    @Test
    void aCorruptedCompleteLineStopsTheStartWithTheLine() throws Exception {
        server = TaxiiServer.start(config());
        writer().post(OBJECTS, MediaTypes.TAXII_21, envelope(indicator("2026-11-20T10:00:00.000Z")));
        server.close();
        server = null;
        Files.writeString(dir.resolve("data").resolve(COLLECTION_ID + ".jsonl"), "garbage\n",
                StandardOpenOption.APPEND);

        assertThatThrownBy(() -> TaxiiServer.start(config())).hasMessageContaining("line 2");
    }

    @Test
    void insecureHttpOnlyWhenAsked() throws Exception {
        server = TaxiiServer.start(config().withInsecureHttp());
        assertThat(server.discoveryUri().getScheme()).isEqualTo("http");
        assertThat(TaxiiClient.basic(server.discoveryUri(), "ncsc", "ncsc-password").get("/taxii2/").status())
                .isEqualTo(200);
    }

    @Test
    void theLocalStackConfigurationServesOneCollectionToItsUser() {
        server = TaxiiServer.start(TaxiiServerConfig.local(dir.resolve("local"), COLLECTION_ID, "ncsc",
                "local-password".toCharArray(), null));

        assertThat(server.apiRootUri().toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/vigil/");
        assertThat(TaxiiClient.basic(server.discoveryUri(), "ncsc", "local-password").get(OBJECTS).status())
                .isEqualTo(200);
        assertThat(TaxiiClient.anonymous(server.discoveryUri()).get(OBJECTS).status()).isEqualTo(401);
    }

    @Test
    void configWithoutKeystoreOrWithAMissingPasswordIsRefused() throws Exception {
        ObjectNode c = configJson();
        c.remove("tls");
        Path file = dir.resolve("no-tls.json");
        TaxiiClient.JSON.writeValue(file.toFile(), c);
        assertThatThrownBy(() -> TaxiiServerConfig.read(file, Map.<String, String>of()::get))
                .hasMessageContaining("--insecure-http");
        assertThatThrownBy(() -> TaxiiServerConfig.read(writeConfig(), Map.<String, String>of()::get))
                .hasMessageContaining("VIGIL_TAXII_KEYSTORE_PASSWORD");
    }

    private static final String INDICATOR_ID = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";

    private static String indicator(String modified) {
        ObjectNode o = TaxiiClient.JSON.createObjectNode();
        o.put("type", "indicator");
        o.put("spec_version", "2.1");
        o.put("id", INDICATOR_ID);
        o.put("created", "2026-11-20T10:00:00.000Z");
        o.put("modified", modified);
        o.put("pattern", "[ipv4-addr:value = '198.51.100.7']");
        o.put("pattern_type", "stix");
        o.put("valid_from", "2026-11-20T10:00:00Z");
        return o.toString();
    }

    private static String envelope(String... objects) {
        return "{\"objects\":[" + String.join(",", objects) + "]}";
    }

    private static String manifestAll() {
        return "/vigil/collections/" + COLLECTION_ID + "/manifest/?match[version]=all";
    }

    private TaxiiClient reader() {
        return client("ncsc", "ncsc-password");
    }

    private TaxiiClient writer() {
        return TaxiiClient.bearer(server.discoveryUri(), WRITER_TOKEN, server.discoveryUri().getScheme()
                .equals("https") ? trustServer : null);
    }

    private TaxiiClient client(String user, String password) {
        return TaxiiClient.basic(server.discoveryUri(), user, password).withTls(trustServer);
    }

    private TaxiiServerConfig config() throws Exception {
        return TaxiiServerConfig.read(writeConfig(), Map.of("VIGIL_TAXII_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD)::get);
    }

    private Path writeConfig() throws Exception {
        Path file = dir.resolve("taxii.json");
        TaxiiClient.JSON.writeValue(file.toFile(), configJson());
        return file;
    }

    private ObjectNode configJson() {
        ObjectNode c = TaxiiClient.JSON.createObjectNode();
        c.put("host", "127.0.0.1");
        c.put("port", 0);
        c.put("data_dir", "data");
        c.putObject("tls").put("keystore", keystore.toString());
        c.putObject("api_root").put("name", "vigil").put("title", "Vigil SOC sharing");
        ObjectNode collection = c.putArray("collections").addObject();
        collection.put("id", COLLECTION_ID);
        collection.put("title", "Verified alerts");
        collection.putArray("read").add("ncsc");
        collection.putArray("write").add("vigil");
        ObjectNode users = c.putObject("users");
        users.putObject("ncsc").put("password_hash", PasswordHash.hash("ncsc-password".toCharArray(), 1000));
        users.putObject("intruder").put("password_hash", PasswordHash.hash("intruder-password".toCharArray(), 1000));
        ArrayNode tokens = users.putObject("vigil").putArray("token_hashes");
        tokens.add(PasswordHash.tokenHash(WRITER_TOKEN));
        return c;
    }
}
