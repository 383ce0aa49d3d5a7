package org.vigil.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The configuration of a TAXII server in normal mode, read from a JSON file (keys documented in the README);
 * secrets are never in the file: passwords and tokens as hashes, the keystore password from an environment variable.
 *
 * @param host             address to listen on
 * @param port             port to listen on (0: any free port)
 * @param keystore         PKCS12 keystore with the server's certificate and key; null only with insecureHttp
 * @param keystorePassword its password
 * @param insecureHttp     serve plain HTTP (local use only)
 * @param dataDir          where the collections' logs live
 * @param maxPageSize      the most objects one response carries
 * @param discovery        title, description, contact of the discovery resource
 * @param apiRootName      the API root's path segment
 * @param apiRootInfo      the API root resource (title, description, versions, max_content_length)
 * @param collections      the collections
 * @param users            the users
 * @param feed             the Kafka feed to ingest, or null
 */
public record TaxiiServerConfig(
        String host, int port, Path keystore, char[] keystorePassword, boolean insecureHttp, Path dataDir,
        int maxPageSize, ObjectNode discovery, String apiRootName, ObjectNode apiRootInfo,
        List<CollectionSettings> collections, UserDirectory users, FeedSettings feed) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 9443;
    public static final int DEFAULT_MAX_PAGE_SIZE = 100;
    public static final long DEFAULT_MAX_CONTENT_LENGTH = 10L * 1024 * 1024;
    public static final String DEFAULT_API_ROOT = "vigil";
    public static final String DEFAULT_KEYSTORE_PASSWORD_ENV = "VIGIL_TAXII_KEYSTORE_PASSWORD";
    private static final ObjectMapper JSON = new ObjectMapper();
    // A throw-away local password needs no slow hash; start-up of the local stack stays quick.
    private static final int LOCAL_ITERATIONS = 1000;

    public TaxiiServerConfig {
        collections = List.copyOf(collections);
        if (!insecureHttp && keystore == null) {
            throw new IllegalArgumentException("tls.keystore is required (a PKCS12 file); plain HTTP only with "
                    + "--insecure-http for local use");
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("data_dir is required: where collections are persisted");
        }
        if (!apiRootName.matches("[A-Za-z0-9._~-]+") || apiRootName.equals("taxii2")) {
            throw new IllegalArgumentException("api_root.name must be one URL path segment other than taxii2, got '"
                    + apiRootName + "'");
        }
        Set<String> ids = new HashSet<>();
        for (CollectionSettings c : collections) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("collection id " + c.id() + " appears twice");
            }
        }
        if (feed != null && !ids.contains(feed.collectionId())) {
            throw new IllegalArgumentException("feed.collection " + feed.collectionId()
                    + " is not one of the configured collections " + ids);
        }
    }

    /**
     * Reads a config file; relative paths in it are resolved against its folder; the keystore password comes from
     * the environment variable named by {@code tls.keystore_password_env}.
     */
    public static TaxiiServerConfig read(Path file, Function<String, String> environment) throws IOException {
        JsonNode c = JSON.readTree(file.toFile());
        Path base = file.toAbsolutePath().getParent();
        JsonNode tls = c.path("tls");
        Path keystore = tls.hasNonNull("keystore") ? base.resolve(tls.get("keystore").asText()) : null;
        char[] password = null;
        if (keystore != null) {
            String env = tls.path("keystore_password_env").asText(DEFAULT_KEYSTORE_PASSWORD_ENV);
            String value = environment.apply(env);
            if (value == null) {
                throw new IllegalArgumentException("set the keystore password in the environment variable " + env);
            }
            password = value.toCharArray();
        }
        ObjectNode discovery = JSON.createObjectNode();
        JsonNode d = c.path("discovery");
        discovery.put("title", d.path("title").asText("Vigil TAXII server"));
        copyText(d, discovery, "description");
        copyText(d, discovery, "contact");

        JsonNode r = c.path("api_root");
        ObjectNode info = JSON.createObjectNode();
        info.put("title", r.path("title").asText("Vigil SOC sharing"));
        copyText(r, info, "description");
        info.putArray("versions").add(MediaTypes.TAXII_21);
        info.put("max_content_length", r.path("max_content_length").asLong(DEFAULT_MAX_CONTENT_LENGTH));

        List<CollectionSettings> collections = new ArrayList<>();
        for (JsonNode col : c.path("collections")) {
            collections.add(new CollectionSettings(required(col, "id", "collections[].id"),
                    col.path("title").asText(col.path("id").asText()),
                    col.hasNonNull("description") ? col.get("description").asText() : null,
                    new CollectionAccess(names(col.path("read")), names(col.path("write")))));
        }
        Map<String, String> passwordHashes = new LinkedHashMap<>();
        Map<String, Set<String>> tokenHashes = new LinkedHashMap<>();
        c.path("users").fields().forEachRemaining(u -> {
            if (u.getValue().hasNonNull("password_hash")) {
                passwordHashes.put(u.getKey(), u.getValue().get("password_hash").asText());
            }
            tokenHashes.put(u.getKey(), names(u.getValue().path("token_hashes")));
        });
        FeedSettings feed = null;
        JsonNode f = c.path("feed");
        if (f.isObject()) {
            Map<String, String> props = new LinkedHashMap<>();
            f.path("properties").fields().forEachRemaining(p -> props.put(p.getKey(), p.getValue().asText()));
            feed = new FeedSettings(f.path("bootstrap_servers").asText(null), f.path("topic").asText(null),
                    f.path("collection").asText(null), f.path("group_id").asText(null), props);
        }
        return new TaxiiServerConfig(c.path("host").asText(DEFAULT_HOST), c.path("port").asInt(DEFAULT_PORT),
                keystore, password, c.path("insecure_http").asBoolean(false),
                c.hasNonNull("data_dir") ? base.resolve(c.get("data_dir").asText()) : null,
                c.path("max_page_size").asInt(DEFAULT_MAX_PAGE_SIZE), discovery,
                r.path("name").asText(DEFAULT_API_ROOT), info, collections,
                UserDirectory.of(passwordHashes, tokenHashes), feed);
    }

    /**
     * The configuration of a local stack ({@code bin/vigil local}, tests): plain HTTP on 127.0.0.1, a free port,
     * one collection of verified alerts that {@code user} may read, persisted in {@code dataDir}, fed from
     * {@code feed} if not null.
     */
    public static TaxiiServerConfig local(Path dataDir, String collectionId, String user, char[] password,
            FeedSettings feed) {
        ObjectNode discovery = JSON.createObjectNode().put("title", "Vigil TAXII server (local)");
        ObjectNode info = JSON.createObjectNode().put("title", "Vigil SOC sharing");
        info.putArray("versions").add(MediaTypes.TAXII_21);
        info.put("max_content_length", DEFAULT_MAX_CONTENT_LENGTH);
        CollectionSettings collection = new CollectionSettings(collectionId, "Verified alerts",
                "STIX 2.1 objects of the SOC's verified alerts, as shared with NCSC",
                new CollectionAccess(Set.of(user), Set.of()));
        UserDirectory users = UserDirectory.of(Map.of(user, PasswordHash.hash(password, LOCAL_ITERATIONS)), Map.of());
        return new TaxiiServerConfig("127.0.0.1", 0, null, null, true, dataDir, DEFAULT_MAX_PAGE_SIZE, discovery,
                DEFAULT_API_ROOT, info, List.of(collection), users, feed);
    }

    /** The same configuration on another port. */
    public TaxiiServerConfig withPort(int newPort) {
        return new TaxiiServerConfig(host, newPort, keystore, keystorePassword, insecureHttp, dataDir, maxPageSize,
                discovery, apiRootName, apiRootInfo, collections, users, feed);
    }

    /** The same configuration serving plain HTTP (local use). */
    public TaxiiServerConfig withInsecureHttp() {
        return new TaxiiServerConfig(host, port, keystore, keystorePassword, true, dataDir, maxPageSize,
                discovery, apiRootName, apiRootInfo, collections, users, feed);
    }

    /** The same configuration ingesting this feed. */
    public TaxiiServerConfig withFeed(FeedSettings newFeed) {
        return new TaxiiServerConfig(host, port, keystore, keystorePassword, insecureHttp, dataDir, maxPageSize,
                discovery, apiRootName, apiRootInfo, collections, users, newFeed);
    }

    private static void copyText(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.put(field, from.get(field).asText());
        }
    }

    private static String required(JsonNode node, String field, String name) {
        if (!node.hasNonNull(field) || node.get(field).asText().isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return node.get(field).asText();
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new LinkedHashSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    /**
     * One configured collection.
     *
     * @param id          its id (a UUID by the standard's convention)
     * @param title       its title
     * @param description its description, or null
     * @param access      who may read and write it
     */
    public record CollectionSettings(String id, String title, String description, CollectionAccess access) {}
}
