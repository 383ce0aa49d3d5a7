package org.vigil.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a data file in the TAXII 2.1 reference server's (medallion's) format into a read-only {@link TaxiiCatalog},
 * with the HTTP Basic users of the {@code config.json} beside it.
 *
 * <p>An object's date_added comes from its private {@code __meta} block (removed before serving) or, in files that
 * keep a per-collection {@code manifest} instead, from the manifest entry with the object's id and version.
 */
public final class FixtureData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_MAX_PAGE_SIZE = 100;

    private FixtureData() {}

    /** Loads {@code dataFile} and {@code config.json} from the same folder. */
    public static TaxiiCatalog load(Path dataFile) throws IOException {
        ObjectNode data = (ObjectNode) JSON.readTree(dataFile.toFile());
        Path configFile = dataFile.toAbsolutePath().getParent().resolve("config.json");
        if (!Files.exists(configFile)) {
            throw new IllegalArgumentException("fixture mode needs the reference server's config.json (its users) "
                    + "beside " + dataFile + "; none at " + configFile);
        }
        JsonNode config = JSON.readTree(configFile.toFile());
        Map<String, String> passwords = new LinkedHashMap<>();
        config.path("users").fields().forEachRemaining(e -> passwords.put(e.getKey(), e.getValue().asText()));
        if (passwords.isEmpty()) {
            throw new IllegalArgumentException(configFile + " has no users; fixture mode serves only HTTP Basic users");
        }
        int maxPageSize = config.path("taxii").path("max_page_size").asInt(DEFAULT_MAX_PAGE_SIZE);

        ObjectNode source = (ObjectNode) data.get("/discovery");
        if (source == null) {
            throw new IllegalArgumentException(dataFile + " has no \"/discovery\" entry; is it a reference-server file?");
        }
        ObjectNode discovery = source.deepCopy();
        if (source.hasNonNull("default")) {
            discovery.put("default", pathOf(source.get("default").asText()));
        }
        ArrayNode roots = discovery.putArray("api_roots");
        source.path("api_roots").forEach(r -> roots.add(pathOf(r.asText())));

        List<ApiRoot> apiRoots = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = data.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> root = fields.next();
            if (!root.getKey().equals("/discovery")) {
                apiRoots.add(apiRoot(root.getKey(), root.getValue()));
            }
        }
        return new TaxiiCatalog(discovery, apiRoots, UserDirectory.ofPlainPasswords(passwords), maxPageSize);
    }

    private static ApiRoot apiRoot(String name, JsonNode root) {
        List<TaxiiCollection> collections = new ArrayList<>();
        for (JsonNode c : root.path("collections")) {
            String id = c.get("id").asText();
            List<String> mediaTypes = new ArrayList<>();
            c.path("media_types").forEach(m -> mediaTypes.add(m.asText()));
            CollectionAccess access = new CollectionAccess(
                    c.path("can_read").asBoolean() ? Set.of(CollectionAccess.ANY_USER) : Set.of(),
                    c.path("can_write").asBoolean() ? Set.of(CollectionAccess.ANY_USER) : Set.of());
            collections.add(TaxiiCollection.fixture(id, c.path("title").asText(id),
                    c.hasNonNull("description") ? c.get("description").asText() : null, mediaTypes, access,
                    objects(name, id, c)));
        }
        ApiRoot apiRoot = new ApiRoot(name, (ObjectNode) root.get("information").deepCopy(), collections, true);
        for (JsonNode status : root.path("status")) {
            apiRoot.putFixtureStatus(status.get("id").asText(), (ObjectNode) status.deepCopy());
        }
        return apiRoot;
    }

    private static List<TaxiiCollection.FixtureObject> objects(String root, String collection, JsonNode c) {
        List<TaxiiCollection.FixtureObject> result = new ArrayList<>();
        Set<JsonNode> usedManifestEntries = new HashSet<>();
        for (JsonNode o : c.path("objects")) {
            ObjectNode object = (ObjectNode) o.deepCopy();
            JsonNode meta = object.remove("__meta");
            String dateAdded = meta != null ? meta.path("date_added").asText(null)
                    : manifestDateAdded(c.path("manifest"), object, usedManifestEntries);
            if (dateAdded == null) {
                throw new IllegalArgumentException(root + "/" + collection + ": object " + object.path("id").asText()
                        + " has no __meta.date_added and no manifest entry for its version");
            }
            result.add(new TaxiiCollection.FixtureObject(object, TaxiiTimestamps.parse(dateAdded)));
        }
        return result;
    }

    private static String manifestDateAdded(JsonNode manifest, ObjectNode object, Set<JsonNode> used) {
        String declared = StoredObject.declaredVersion(object);
        if (declared == null) {
            return null;
        }
        Instant version = TaxiiTimestamps.parse(declared);
        String specVersion = object.path("spec_version").asText("2.0");
        for (JsonNode entry : manifest) {
            if (!used.contains(entry) && entry.path("id").asText().equals(object.path("id").asText())
                    && TaxiiTimestamps.parse(entry.path("version").asText()).equals(version)
                    && entry.path("media_type").asText(MediaTypes.STIX + ";version=" + specVersion)
                            .endsWith("version=" + specVersion)) {
                used.add(entry);
                return entry.path("date_added").asText();
            }
        }
        return null;
    }

    private static String pathOf(String url) {
        String path = URI.create(url).getPath();
        return path.endsWith("/") ? path : path + "/";
    }
}
