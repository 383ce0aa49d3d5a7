package org.vigil.enrich;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The announcement that a botnet-list version is complete: its month and how many entries it has. The loader
 * publishes it after the version's entries, and a version becomes the current list only once all of them are present
 * (see {@link ReferenceData#activeBotnetVersion()}).
 */
public record BotnetListVersion(String listVersion, int count) implements ReferenceRecord {
    private static final long serialVersionUID = 1L;

    static final List<String> FIELDS = List.of("list_version", "count");
    static final String KEY_PREFIX = "botnet-list:";

    @Override
    public String key() {
        return KEY_PREFIX + listVersion;
    }

    @Override
    public Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("list_version", listVersion);
        f.put("count", Integer.toString(count));
        return f;
    }

    static BotnetListVersion fromRow(Map<String, String> values, List<FieldError> errors) {
        RecordRow row = new RecordRow(values, FIELDS);
        String version = BotnetEntry.listVersion(row, "list_version");
        int count = row.integer("count", 0, Integer.MAX_VALUE);
        errors.addAll(row.errors());
        return row.errors().isEmpty() ? new BotnetListVersion(version, count) : null;
    }
}
