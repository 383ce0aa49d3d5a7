package org.vigil.enrich;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and writes reference-data records as they are on the compacted topics: a UTF-8 string key ({@code kind} +
 * natural key) and a JSON object of the record's fields as text, the same names as the loader's files. A null value
 * is a tombstone.
 */
public final class ReferenceRecordCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {};

    private ReferenceRecordCodec() {}

    /** The topic value of a record. */
    public static byte[] encode(ReferenceRecord record) {
        try {
            return JSON.writeValueAsBytes(record.fields());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + record.key(), e);
        }
    }

    /** The topic key of a record, as bytes. */
    public static byte[] encodeKey(ReferenceRecord record) {
        return record.key().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The record a topic key and (non-null) value hold; throws {@link IllegalArgumentException} naming the key, field
     * and reason when the value is not a valid record of the key's kind or does not belong under that key.
     */
    public static ReferenceRecord decode(String key, byte[] value) {
        Map<String, String> fields;
        try {
            fields = JSON.readValue(value, FIELDS);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("reference record " + key + ": not a JSON object of text fields: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("reference record " + key + ": unreadable: " + e.getMessage());
        }
        if (fields == null) {
            throw new IllegalArgumentException("reference record " + key + ": the value is JSON null; a removal is a "
                    + "tombstone (a record without a value)");
        }
        List<FieldError> errors = new ArrayList<>();
        ReferenceRecord record = parse(kindOfKey(key), fields, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("reference record " + key + ": " + errors.stream()
                    .map(e -> e.field() + ": " + e.reason()).collect(Collectors.joining("; ")));
        }
        if (!record.key().equals(key)) {
            throw new IllegalArgumentException("reference record " + key + ": its fields give the key " + record.key());
        }
        return record;
    }

    /** The record type a topic key belongs to, by its prefix. */
    static Class<? extends ReferenceRecord> kindOfKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("reference record without a key");
        }
        // botnet-list: before botnet: would not matter (different separators), but keep the longer prefix first.
        if (key.startsWith(BotnetListVersion.KEY_PREFIX)) {
            return BotnetListVersion.class;
        }
        if (key.startsWith(BotnetEntry.KEY_PREFIX)) {
            return BotnetEntry.class;
        }
        if (key.startsWith(Asset.KEY_PREFIX)) {
            return Asset.class;
        }
        if (key.startsWith(Ioc.KEY_PREFIX)) {
            return Ioc.class;
        }
        if (key.startsWith(Vulnerability.KEY_PREFIX)) {
            return Vulnerability.class;
        }
        throw new IllegalArgumentException("reference record key '" + key
                + "' has no known kind prefix (asset:, botnet:, botnet-list:, ioc:, vuln:)");
    }

    /** A record of the given kind from its text fields (file columns), or null with {@code errors} filled. */
    public static ReferenceRecord parse(ReferenceKind kind, Map<String, String> fields, List<FieldError> errors) {
        switch (kind) {
            case ASSETS:
                return Asset.fromRow(fields, errors);
            case BOTNET:
                return BotnetEntry.fromRow(fields, errors);
            case IOCS:
                return Ioc.fromRow(fields, errors);
            case VULNS:
                return Vulnerability.fromRow(fields, errors);
            default:
                throw new AssertionError(kind);
        }
    }

    private static ReferenceRecord parse(Class<? extends ReferenceRecord> type, Map<String, String> fields,
            List<FieldError> errors) {
        if (type == BotnetListVersion.class) {
            return BotnetListVersion.fromRow(fields, errors);
        }
        if (type == BotnetEntry.class) {
            return BotnetEntry.fromRow(fields, errors);
        }
        if (type == Asset.class) {
            return Asset.fromRow(fields, errors);
        }
        if (type == Ioc.class) {
            return Ioc.fromRow(fields, errors);
        }
        return Vulnerability.fromRow(fields, errors);
    }
}
