package org.vigil.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.vigil.job.VigilConfig;
import org.vigil.job.VigilOptions;
import org.vigil.taxii.FeedSettings;
import org.vigil.taxii.TaxiiServer;
import org.vigil.taxii.TaxiiServerConfig;

/** The local stack's TAXII 2.1 server: one collection fed from the NCSC feed topic, readable by one generated user. */
final class LocalTaxii implements AutoCloseable {
    /** The collection of verified alerts (fixed, so bookmarks and scripts keep working across runs). */
    static final String COLLECTION_ID = "5c8a5a7e-3f0c-4b8e-9d2a-6a1f0e7c4b21";
    static final String USER = "ncsc";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TaxiiServer server;
    private final String password;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private LocalTaxii(TaxiiServer server, String password) {
        this.server = server;
        this.password = password;
    }

    /** Starts the server on a free loopback port, ingesting the configured NCSC feed topic. */
    static LocalTaxii start(VigilConfig config) throws IOException {
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        FeedSettings feed = new FeedSettings(config.require(VigilOptions.KAFKA_BOOTSTRAP_SERVERS),
                config.require(VigilOptions.STIX_TOPIC), COLLECTION_ID, "vigil-taxii-local", Map.of());
        TaxiiServerConfig taxii = TaxiiServerConfig.local(Files.createTempDirectory("vigil-taxii"), COLLECTION_ID, USER,
                password.toCharArray(), feed);
        return new LocalTaxii(TaxiiServer.start(taxii), password);
    }

    /** The objects URL of the collection. */
    URI objectsUri() {
        return server.apiRootUri().resolve("collections/" + COLLECTION_ID + "/objects/");
    }

    /** How to read the collection, for the start-up banner. */
    String banner() {
        return server.discoveryUri() + "  (collection " + COLLECTION_ID + ", user " + USER + ", password " + password
                + "; curl -u " + USER + ":" + password + " -H 'Accept: application/taxii+json;version=2.1' " + objectsUri() + ")";
    }

    /** The STIX objects the collection serves to its reader now (one page of up to 100), by type. */
    Map<String, Integer> objectsByType() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(objectsUri())
                .header("Accept", "application/taxii+json;version=2.1")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("TAXII objects request answered " + response.statusCode() + ": " + response.body());
        }
        Map<String, Integer> byType = new java.util.TreeMap<>();
        for (JsonNode object : JSON.readTree(response.body()).path("objects")) {
            byType.merge(object.path("type").asText(), 1, Integer::sum);
        }
        return byType;
    }

    /** Closes the server once (called at the end of the demo and again by the shutdown hook). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.close();
        }
    }
}
