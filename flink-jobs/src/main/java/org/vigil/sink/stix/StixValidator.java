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
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Checks STIX 2.1 JSON against the OASIS JSON schemas (read from a local folder, never the network), plus the rules
 * the schemas cannot express: timestamps in order and every reference resolving to an object of a fitting type.
 *
 * <p>Not serialisable: the share gate builds one per task from the schemas folder it is configured with.
 */
public final class StixValidator {

    /** What every schema's {@code $id} starts with; mapped to the local schemas folder. */
    public static final String SCHEMA_ID_PREFIX =
            "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";
    private static final List<String> SCHEMA_FOLDERS = List.of("sdos", "sros", "observables", "common");

    private final Path schemasDir;
    private final JsonSchemaFactory factory;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();
    /** Ids a bundle may reference without carrying them: the predefined TLP markings (recipients know them). */
    private final Map<String, String> knownTypeById = new HashMap<>();

    /** A validator that checks only what the schemas cannot (no schemas at hand). */
    public static StixValidator withoutSchemas() {
        return new StixValidator(null);
    }

    /** With {@code schemasDir} the 'schemas' folder of the OASIS repository; null checks consistency only. */
    public StixValidator(Path schemasDir) {
        for (TlpMarking tlp : TlpMarking.values()) {
            knownTypeById.put(tlp.id(), "marking-definition");
        }
        if (schemasDir == null) {
            this.schemasDir = null;
            this.factory = null;
            return;
        }
        if (!Files.isRegularFile(schemasDir.resolve("common/bundle.json"))) {
            throw new IllegalArgumentException("not the STIX 2.1 schemas folder (no common/bundle.json): "
                    + schemasDir.toAbsolutePath() + "; point share.stix-schemas at the 'schemas' folder of the OASIS "
                    + "cti-stix2-json-schemas repository");
        }
        this.schemasDir = schemasDir.toAbsolutePath().normalize();
        this.factory = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
                .schemaMappers(m -> m.mapPrefix(SCHEMA_ID_PREFIX, this.schemasDir.toUri().toString()))
                // A reference the mapping misses must fail loudly, not quietly go to GitHub from a SOC network.
                .schemaLoaders(l -> l.values(loaders -> loaders.add(0, iri -> {
                    String scheme = iri.getScheme();
                    if ("http".equals(scheme) || "https".equals(scheme)) {
                        throw new IllegalStateException("STIX validator tried to fetch " + iri);
                    }
                    return null;
                })))
                .build();
    }

    /** Whether this validator checks against the OASIS schemas (not only consistency). */
    public boolean checksSchemas() {
        return factory != null;
    }

    /** Schema violations and consistency problems of a bundle; empty when it is valid. */
    public List<String> problems(JsonNode bundle) {
        List<String> problems = new ArrayList<>(schemaErrors(bundle));
        problems.addAll(consistencyErrors(bundle));
        return problems;
    }

    /** The bundle against {@code common/bundle.json}, then each object against the schema of its type. */
    public List<String> schemaErrors(JsonNode bundle) {
        if (factory == null) {
            return List.of();
        }
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

    /**
     * Checks the schemas cannot: id prefixes, unique ids, time order, and that every {@code *_ref} and
     * {@code *_refs} resolves to an object in the bundle (or a predefined TLP marking), of a fitting type where
     * the specification fixes one.
     */
    public List<String> consistencyErrors(JsonNode bundle) {
        List<String> errors = new ArrayList<>();
        Map<String, String> typeById = new HashMap<>(knownTypeById);
        Map<String, String> inBundle = new HashMap<>();
        for (JsonNode o : bundle.path("objects")) {
            String id = o.path("id").asText();
            String type = o.path("type").asText();
            if (!id.startsWith(type + "--")) {
                errors.add(id + ": id does not start with its type '" + type + "--'");
            }
            if (inBundle.put(id, type) != null) {
                errors.add(id + ": id appears twice in the bundle");
            }
            typeById.put(id, type);
        }
        for (JsonNode o : bundle.path("objects")) {
            String id = o.path("id").asText();
            notBefore(errors, o, "modified", "created");
            notBefore(errors, o, "last_observed", "first_observed");
            notBefore(errors, o, "last_seen", "first_seen");
            notBefore(errors, o, "valid_until", "valid_from");
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> property = it.next();
                if (property.getKey().endsWith("_ref") || property.getKey().endsWith("_refs")) {
                    refs(errors, typeById, o, property.getKey(), allowedTargets(o.path("type").asText(), property.getKey()));
                }
            }
            if (o.has("spec_version") && !"2.1".equals(o.get("spec_version").asText())) {
                errors.add(id + ": spec_version is not 2.1");
            }
        }
        return errors;
    }

    /** The target types the specification fixes for a reference property; any type where it fixes none. */
    private Predicate<String> allowedTargets(String type, String property) {
        return switch (property) {
            case "created_by_ref" -> "identity"::equals;
            case "object_marking_refs" -> "marking-definition"::equals;
            case "where_sighted_refs" -> t -> t.equals("identity") || t.equals("location");
            case "observed_data_refs" -> "observed-data"::equals;
            case "sighting_of_ref" -> this::isSdo;
            case "source_ref", "target_ref" -> t -> isSdo(t) || "observables".equals(folderOf(t));
            case "object_refs" -> "observed-data".equals(type) ? t -> "observables".equals(folderOf(t)) : t -> true;
            default -> t -> true;
        };
    }

    private boolean isSdo(String type) {
        return "sdos".equals(folderOf(type));
    }

    private static void notBefore(List<String> errors, JsonNode o, String later, String earlier) {
        if (!o.has(later) || !o.has(earlier)) {
            return;
        }
        try {
            if (Instant.parse(o.get(later).asText()).isBefore(Instant.parse(o.get(earlier).asText()))) {
                errors.add(o.path("id").asText() + ": " + later + " " + o.get(later).asText() + " is before "
                        + earlier + " " + o.get(earlier).asText());
            }
        } catch (DateTimeParseException e) {
            // The schema reports the malformed timestamp itself.
        }
    }

    private static void refs(List<String> errors, Map<String, String> typeById, JsonNode o, String property,
                             Predicate<String> allowedType) {
        JsonNode value = o.get(property);
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
        if (schemasDir == null) {
            return StixTypes.folderOf(type);
        }
        for (String folder : SCHEMA_FOLDERS) {
            if (Files.isRegularFile(schemasDir.resolve(folder).resolve(type + ".json"))) {
                return folder;
            }
        }
        return null;
    }
}
