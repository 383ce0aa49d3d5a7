package org.vigil.sink.stix;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Checks STIX 2.1 JSON against the OASIS JSON schemas (read from the shared data folder, never the network),
 * plus the rules the schemas cannot express: timestamps in order and references to objects of the right type.
 */
public final class StixSchemaValidator {

    /** What every schema's {@code $id} starts with; mapped to the local schemas folder. */
    public static final String SCHEMA_ID_PREFIX =
            "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";
    private static final List<String> SCHEMA_FOLDERS = List.of("sdos", "sros", "observables", "common");

    private final Path schemasDir;
    private final JsonSchemaFactory factory;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    public StixSchemaValidator(Path schemasDir) {
        if (!Files.isRegularFile(schemasDir.resolve("common/bundle.json"))) {
            throw new IllegalArgumentException("not the STIX 2.1 schemas folder: " + schemasDir.toAbsolutePath());
        }
        this.schemasDir = schemasDir.toAbsolutePath().normalize();
        this.factory = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
                .schemaMappers(m -> m.mapPrefix(SCHEMA_ID_PREFIX, this.schemasDir.toUri().toString()))
                // A reference the mapping misses must fail the test, not quietly go to GitHub.
                .schemaLoaders(l -> l.values(loaders -> loaders.add(0, iri -> {
                    String scheme = iri.getScheme();
                    if ("http".equals(scheme) || "https".equals(scheme)) {
                        throw new IllegalStateException("schema validator tried to fetch " + iri);
                    }
                    return null;
                })))
                .build();
    }

    /** The shared reference data: system property {@code vigil.shared.data}, else {@code ../../shared/data}. */
    public static Path sharedData() {
        return Path.of(System.getProperty("vigil.shared.data", "../../shared/data"));
    }

    public static StixSchemaValidator fromSharedData() {
        return new StixSchemaValidator(sharedData().resolve("stix21-json-schemas/schemas"));
    }

    /** Schema violations and consistency problems of a bundle; empty when it is valid. */
    public List<String> problems(JsonNode bundle) {
        List<String> problems = new ArrayList<>(schemaErrors(bundle));
        problems.addAll(consistencyErrors(bundle));
        return problems;
    }

    /** The bundle against {@code common/bundle.json}, then each object against the schema of its type. */
    public List<String> schemaErrors(JsonNode bundle) {
        List<String> errors = new ArrayList<>(validate(schema("common/bundle.json"), bundle, "bundle"));
        for (JsonNode object : bundle.path("objects")) {
            errors.addAll(objectSchemaErrors(object));
        }
        return errors;
    }

    /** One STIX object against the schema of its {@code type}. */
    public List<String> objectSchemaErrors(JsonNode object) {
        String type = object.path("type").asText();
        String where = type + " " + object.path("id").asText();
        String file = schemaFile(type);
        if (file == null) {
            return List.of(where + ": no STIX 2.1 schema for type '" + type + "'");
        }
        return validate(schema(file), object, where);
    }

    /** Checks the schemas cannot: id prefixes, unique ids, time order, and that refs resolve to the right types. */
    public List<String> consistencyErrors(JsonNode bundle) {
        List<String> errors = new ArrayList<>();
        Map<String, String> typeById = new HashMap<>();
        for (JsonNode o : bundle.path("objects")) {
            String id = o.path("id").asText();
            String type = o.path("type").asText();
            if (!id.startsWith(type + "--")) {
                errors.add(id + ": id does not start with its type '" + type + "--'");
            }
            if (typeById.put(id, type) != null) {
                errors.add(id + ": id appears twice in the bundle");
            }
        }
        for (JsonNode o : bundle.path("objects")) {
            String id = o.path("id").asText();
            notBefore(errors, o, "modified", "created");
            notBefore(errors, o, "last_observed", "first_observed");
            notBefore(errors, o, "last_seen", "first_seen");
            notBefore(errors, o, "valid_until", "valid_from");
            refs(errors, typeById, o, "created_by_ref", "identity"::equals);
            refs(errors, typeById, o, "object_marking_refs", "marking-definition"::equals);
            refs(errors, typeById, o, "where_sighted_refs", t -> t.equals("identity") || t.equals("location"));
            refs(errors, typeById, o, "observed_data_refs", "observed-data"::equals);
            refs(errors, typeById, o, "sighting_of_ref", this::isSdo);
            if ("observed-data".equals(o.path("type").asText())) {
                refs(errors, typeById, o, "object_refs", t -> "observables".equals(folderOf(t)));
            }
            if (o.has("spec_version") && !"2.1".equals(o.get("spec_version").asText())) {
                errors.add(id + ": spec_version is not 2.1");
            }
        }
        return errors;
    }

    private boolean isSdo(String type) {
        return "sdos".equals(folderOf(type));
    }

    private static void notBefore(List<String> errors, JsonNode o, String later, String earlier) {
        if (o.has(later) && o.has(earlier)
                && Instant.parse(o.get(later).asText()).isBefore(Instant.parse(o.get(earlier).asText()))) {
            errors.add(o.path("id").asText() + ": " + later + " " + o.get(later).asText() + " is before "
                    + earlier + " " + o.get(earlier).asText());
        }
    }

    private static void refs(List<String> errors, Map<String, String> typeById, JsonNode o, String property,
                             Predicate<String> allowedType) {
        JsonNode value = o.get(property);
        if (value == null) {
            return;
        }
        List<JsonNode> targets = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(targets::add);
        } else {
            targets.add(value);
        }
        for (JsonNode target : targets) {
            String ref = target.asText();
            String type = typeById.get(ref);
            if (type == null) {
                errors.add(o.path("id").asText() + ": " + property + " " + ref + " is not in the bundle");
            } else if (!allowedType.test(type)) {
                errors.add(o.path("id").asText() + ": " + property + " " + ref + " points to a " + type);
            }
        }
    }

    private List<String> validate(JsonSchema schema, JsonNode node, String where) {
        Set<ValidationMessage> messages = schema.validate(node);
        return messages.stream().map(m -> where + ": " + m.getMessage()).sorted().toList();
    }

    private JsonSchema schema(String file) {
        return schemas.computeIfAbsent(file, f -> factory.getSchema(SchemaLocation.of(SCHEMA_ID_PREFIX + f)));
    }

    private String schemaFile(String type) {
        String folder = folderOf(type);
        return folder == null ? null : folder + "/" + type + ".json";
    }

    private String folderOf(String type) {
        if (!type.matches("[a-z0-9-]+")) {
            return null;
        }
        for (String folder : SCHEMA_FOLDERS) {
            if (Files.isRegularFile(schemasDir.resolve(folder).resolve(type + ".json"))) {
                return folder;
            }
        }
        return null;
    }
}
