package org.vigil.sigma;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.vigil.event.EventSchema;
import org.vigil.event.FieldType;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Sigma's taxonomy mapped onto Vigil's event model, read from a YAML file ({@code org/vigil/sigma/mapping.yml} in
 * the jar, optionally extended by a user's file): per log source the events it means and the Vigil field each Sigma
 * field reads, plus the defaults of converted rules and the values of {@code |expand} placeholders.
 */
public final class FieldMapping {
    /** The prefix of a Windows event's raw event data; such targets need not be in {@link EventSchema}. */
    public static final String EVENT_DATA = "winlog.event_data";
    private static final String RESOURCE = "/org/vigil/sigma/mapping.yml";

    /** One way a log source's events arrive (Sysmon or the Security log): its conditions and field names. */
    public record Variant(String name, Map<String, List<Object>> where, Map<String, String> fields, String otherFields,
                          Map<String, String> groupFields) {
        /**
         * The Vigil field a correlation groups (and partitions) by for a Sigma field: {@code group_fields} names an
         * event field that carries the same value as raw event data, which cannot partition state.
         */
        public String groupTarget(String sigmaField) {
            String g = groupFields.get(sigmaField);
            return g != null ? g : target(sigmaField);
        }

        /** The Vigil field a Sigma field reads in this variant; null when it has none. */
        public String target(String sigmaField) {
            String mapped = fields.get(sigmaField);
            if (mapped != null) {
                return mapped;
            }
            return otherFields == null ? null : otherFields + "." + sigmaField;
        }
    }

    /** A Sigma log source: which rules it applies to, the partition field of its single-event rules, its variants. */
    public record LogSource(String name, Map<String, String> logsource, String partition, String keywordField,
                            List<Variant> variants) {
        /** Whether a rule's log source is this one: product, category and service equal (each may be absent). */
        boolean matches(Map<String, Object> rule) {
            for (String key : List.of("product", "category", "service")) {
                Object value = rule.get(key);
                String ruleValue = value == null ? null : String.valueOf(value).strip().toLowerCase(Locale.ROOT);
                if (!Objects.equals(ruleValue, logsource.get(key))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Map<String, LogSource> logSources;
    private final Map<String, String> defaults;
    private final Map<String, List<String>> placeholders;

    private FieldMapping(Map<String, LogSource> logSources, Map<String, String> defaults, Map<String, List<String>> placeholders) {
        this.logSources = logSources;
        this.defaults = defaults;
        this.placeholders = placeholders;
    }

    /** The mapping shipped in the jar. */
    public static FieldMapping shipped() {
        try (InputStream in = FieldMapping.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return parse(RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** The shipped mapping extended by {@code file}: same-named log sources replaced, others added. */
    public FieldMapping extendedBy(Path file) throws IOException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8), this);
    }

    /** Parses a mapping text on top of {@code base} (null for none); problems name the file and the entry. */
    @SuppressWarnings("unchecked")
    static FieldMapping parse(String file, String text, FieldMapping base) {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (!(loaded instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException(file + ": a field mapping is a map with 'logsources'");
        }
        Map<String, LogSource> sources = new LinkedHashMap<>(base == null ? Map.of() : base.logSources);
        Map<String, String> defaults = new LinkedHashMap<>(base == null ? Map.of() : base.defaults);
        Map<String, List<String>> placeholders = new LinkedHashMap<>(base == null ? Map.of() : base.placeholders);
        if (root.get("defaults") instanceof Map<?, ?> d) {
            d.forEach((k, v) -> defaults.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        }
        if (root.get("placeholders") instanceof Map<?, ?> p) {
            p.forEach((k, v) -> placeholders.put(String.valueOf(k), strings(v)));
        }
        Object list = root.get("logsources");
        if (list != null && !(list instanceof List<?>)) {
            throw new IllegalArgumentException(file + ": 'logsources' must be a list");
        }
        for (Object entry : list == null ? List.of() : (List<Object>) list) {
            LogSource source = logSource(file, (Map<String, Object>) entry);
            sources.put(source.name(), source);
        }
        return new FieldMapping(sources, defaults, placeholders);
    }

    @SuppressWarnings("unchecked")
    private static LogSource logSource(String file, Map<String, Object> entry) {
        String name = String.valueOf(entry.get("name"));
        String where = file + ": log source '" + name + "'";
        if (!(entry.get("logsource") instanceof Map<?, ?> ls)) {
            throw new IllegalArgumentException(where + " needs 'logsource' (product, category, service)");
        }
        Map<String, String> logsource = new LinkedHashMap<>();
        ls.forEach((k, v) -> logsource.put(String.valueOf(k), String.valueOf(v).toLowerCase(Locale.ROOT)));
        String partition = String.valueOf(entry.get("partition"));
        if (!EventSchema.isKnown(partition)) {
            throw new IllegalArgumentException(where + ": partition '" + partition + "' is not a Vigil event field");
        }
        String keywords = entry.get("keywords") == null ? null : String.valueOf(entry.get("keywords"));
        if (keywords != null) {
            checkTarget(where, keywords);
        }
        List<Variant> variants = new ArrayList<>();
        if (!(entry.get("variants") instanceof List<?> vs) || vs.isEmpty()) {
            throw new IllegalArgumentException(where + " needs a non-empty 'variants' list");
        }
        for (Object v : vs) {
            Map<String, Object> variant = (Map<String, Object>) v;
            String variantWhere = where + " variant '" + variant.get("name") + "'";
            Map<String, List<Object>> conditions = new LinkedHashMap<>();
            if (variant.get("where") instanceof Map<?, ?> w) {
                for (Map.Entry<?, ?> c : w.entrySet()) {
                    String field = String.valueOf(c.getKey());
                    checkTarget(variantWhere, field);
                    conditions.put(field, c.getValue() instanceof List<?> alternatives
                            ? List.copyOf((List<Object>) alternatives) : List.of(c.getValue()));
                }
            }
            Map<String, String> fields = new LinkedHashMap<>();
            if (variant.get("fields") instanceof Map<?, ?> f) {
                addFields(variantWhere, f, fields);
            }
            String other = variant.get("other_fields") == null ? null : String.valueOf(variant.get("other_fields"));
            if (other != null && !other.equals(EVENT_DATA)) {
                throw new IllegalArgumentException(variantWhere + ": other_fields can only be " + EVENT_DATA);
            }
            Map<String, String> groupFields = new LinkedHashMap<>();
            if (variant.get("group_fields") instanceof Map<?, ?> g) {
                addFields(variantWhere, g, groupFields);
            }
            variants.add(new Variant(String.valueOf(variant.get("name")), conditions, fields, other, groupFields));
        }
        return new LogSource(name, logsource, partition, keywords, List.copyOf(variants));
    }

    /** Adds field mappings, resolving YAML merge keys ({@code <<}) that the loader left as entries. */
    private static void addFields(String where, Map<?, ?> from, Map<String, String> into) {
        for (Map.Entry<?, ?> e : from.entrySet()) {
            if ("<<".equals(e.getKey()) && e.getValue() instanceof Map<?, ?> merged) {
                addFields(where, merged, into);
                continue;
            }
            String target = String.valueOf(e.getValue());
            checkTarget(where, target);
            into.put(String.valueOf(e.getKey()), target);
        }
    }

    private static void checkTarget(String where, String target) {
        if (!EventSchema.isKnown(target) && !target.startsWith(EVENT_DATA + ".")) {
            throw new IllegalArgumentException(where + ": '" + target + "' is neither a Vigil event field (EventSchema)"
                    + " nor " + EVENT_DATA + ".<Name>");
        }
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(o -> out.add(String.valueOf(o)));
        } else if (v != null) {
            out.add(String.valueOf(v));
        }
        return out;
    }

    /** The log source of a rule's {@code logsource} attribute. */
    public LogSource logSourceOf(Map<String, Object> ruleLogsource) throws SigmaException {
        for (LogSource s : logSources.values()) {
            if (s.matches(ruleLogsource)) {
                return s;
            }
        }
        throw new SigmaException(SigmaRefusal.UNMAPPED_LOGSOURCE, "log source " + describe(ruleLogsource)
                + " is not in the field mapping (add it with --mapping FILE)");
    }

    static String describe(Map<String, Object> logsource) {
        List<String> parts = new ArrayList<>();
        for (String key : List.of("product", "category", "service")) {
            if (logsource.get(key) != null) {
                parts.add(key + ": " + logsource.get(key));
            }
        }
        return "{" + String.join(", ", parts) + "}";
    }

    public String defaultValue(String key) {
        return defaults.get(key);
    }

    /** The values of an {@code |expand} placeholder; null when not configured. */
    public List<String> placeholder(String name) {
        return placeholders.get(name);
    }

    /** The type of a Vigil field target; null for raw event data (text). */
    public static FieldType typeOf(String target) {
        return EventSchema.typeOf(target);
    }

    public List<LogSource> logSources() {
        return List.copyOf(logSources.values());
    }
}
