package org.vigil.sigma;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One YAML document of a Sigma rule file: a detection rule or a correlation rule, with where it was read from. */
public record SigmaDocument(String file, int index, Map<String, Object> yaml) {
    public SigmaDocument {
        yaml = new LinkedHashMap<>(yaml);
    }

    public boolean isCorrelation() {
        return yaml.containsKey("correlation");
    }

    public String id() {
        return text("id");
    }

    public String name() {
        return text("name");
    }

    public String title() {
        String t = text("title");
        return t == null ? "(untitled)" : t;
    }

    /** Where the document is: the file, and its position when the file holds several. */
    public String location() {
        return index == 0 ? file : file + " (document " + (index + 1) + ")";
    }

    /** A top-level attribute as text; null when absent. */
    public String text(String key) {
        Object v = yaml.get(key);
        return v == null ? null : String.valueOf(v).strip();
    }

    /** A top-level attribute as a list of texts (a single value is a list of one). */
    public List<String> texts(String key) {
        Object v = yaml.get(key);
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (o != null) {
                    out.add(String.valueOf(o).strip());
                }
            }
        } else if (v != null) {
            out.add(String.valueOf(v).strip());
        }
        return out;
    }

    /** A top-level attribute that must be a map; empty when absent. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String key) throws SigmaException {
        Object v = yaml.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "'" + key + "' must be a map");
        }
        return (Map<String, Object>) v;
    }
}
