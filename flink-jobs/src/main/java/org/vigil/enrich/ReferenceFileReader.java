package org.vigil.enrich;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a reference-data file of one kind — CSV with a header line, a JSON array of objects, or JSON lines (one
 * object per line) — validating every record and reporting each problem with its file, line, field and reason.
 *
 * <p>Nothing is skipped silently: an unknown column or field, a missing value, a bad value, a duplicate key within
 * the file and (for the botnet list) a second list version in one file are all errors. Blank lines are not records.
 */
public final class ReferenceFileReader {
    /** The file formats the loader reads. */
    public enum Format { CSV, JSON }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private ReferenceFileReader() {}

    /** The format a file name implies: {@code .csv}, or {@code .json}, {@code .jsonl}, {@code .ndjson}. */
    public static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return Format.JSON;
        }
        throw new IllegalArgumentException(file + ": cannot tell the format from the name; use .csv, .json, .jsonl "
                + "or .ndjson (or --format csv|json)");
    }

    /** Reads {@code file} in the format its name implies. */
    public static LoadResult read(Path file, ReferenceKind kind) throws IOException {
        return read(file, kind, formatOf(file));
    }

    /** Reads {@code file} as {@code format}. */
    public static LoadResult read(Path file, ReferenceKind kind, Format format) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return read(file.toString(), text, kind, format);
    }

    /** Reads {@code text} as {@code format}; {@code name} is the file name errors report. */
    public static LoadResult read(String name, String text, ReferenceKind kind, Format format) {
        Collector collector = new Collector(name, kind);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (format == Format.CSV) {
            readCsv(text, collector);
        } else if (text.stripLeading().startsWith("[")) {
            readJsonArray(text, collector);
        } else {
            readJsonLines(text, collector);
        }
        if (collector.records.isEmpty() && collector.errors.isEmpty()) {
            collector.error(1, null, "no records in the file");
        }
        return new LoadResult(kind, collector.records, collector.errors);
    }

    private static void readCsv(String text, Collector c) {
        try (MappingIterator<String[]> rows = CSV.readerFor(String[].class).readValues(new StringReader(text))) {
            String[] header = null;
            while (true) {
                String[] row;
                long line;
                try {
                    if (!rows.hasNextValue()) {
                        break;
                    }
                    row = rows.nextValue();
                    line = rows.getParser().currentTokenLocation().getLineNr();
                } catch (IOException | RuntimeException e) {
                    c.error(rows.getParser().currentLocation().getLineNr(), null, "not valid CSV: " + message(e));
                    return;
                }
                if (header == null) {
                    header = row;
                    if (!checkHeader(header, line, c)) {
                        return;
                    }
                    continue;
                }
                if (row.length != header.length) {
                    c.error(line, null, "has " + row.length + " values, the header has " + header.length);
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    fields.put(header[i].trim(), row[i]);
                }
                c.record(line, fields);
            }
            if (header == null) {
                c.error(1, null, "no header line; expected " + String.join(",", c.kind.fields()));
            }
        } catch (IOException e) {
            c.error(1, null, "cannot read: " + message(e));
        }
    }

    private static boolean checkHeader(String[] header, long line, Collector c) {
        int before = c.errors.size();
        Set<String> seen = new HashSet<>();
        for (String column : header) {
            String name = column.trim();
            if (!c.kind.fields().contains(name)) {
                c.error(line, name, "unknown column; expected " + String.join(",", c.kind.fields()));
            } else if (!seen.add(name)) {
                c.error(line, name, "column appears twice");
            }
        }
        for (String field : c.kind.fields()) {
            if (!seen.contains(field) && !optional(c.kind, field)) {
                c.error(line, field, "column missing from the header");
            }
        }
        return c.errors.size() == before;
    }

    private static boolean optional(ReferenceKind kind, String field) {
        return kind == ReferenceKind.IOCS && field.equals("expires");
    }

    private static void readJsonArray(String text, Collector c) {
        try (JsonParser p = JSON.createParser(text)) {
            p.nextToken();
            while (true) {
                JsonToken t;
                try {
                    t = p.nextToken();
                } catch (JsonProcessingException e) {
                    c.error(e.getLocation() == null ? 1 : e.getLocation().getLineNr(), null,
                            "not valid JSON: " + e.getOriginalMessage());
                    return;
                }
                if (t == null) {
                    c.error(p.currentLocation().getLineNr(), null, "not valid JSON: the array is not closed");
                    return;
                }
                if (t == JsonToken.END_ARRAY) {
                    break;
                }
                long line = p.currentTokenLocation().getLineNr();
                JsonNode node;
                try {
                    node = JSON.readTree(p);
                } catch (JsonProcessingException e) {
                    c.error(e.getLocation() == null ? line : e.getLocation().getLineNr(), null,
                            "not valid JSON: " + e.getOriginalMessage());
                    return;
                }
                c.json(line, node);
            }
            if (p.nextToken() != null) {
                c.error(p.currentTokenLocation().getLineNr(), null, "text after the closing ']'");
            }
        } catch (IOException e) {
            c.error(1, null, "cannot read: " + message(e));
        }
    }

    private static void readJsonLines(String text, Collector c) {
        try (BufferedReader lines = new BufferedReader(new StringReader(text))) {
            String line;
            long number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    c.error(number, null, "not valid JSON: " + e.getOriginalMessage()
                            + " (JSON lines: one object per line, or a JSON array)");
                    continue;
                }
                c.json(number, node);
            }
        } catch (IOException e) {
            c.error(1, null, "cannot read: " + message(e));
        }
    }

    private static String message(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage());
    }

    /** Validates records as they are read and keeps the valid ones and the errors, in file order. */
    private static final class Collector {
        private final String name;
        private final ReferenceKind kind;
        private final List<ReferenceRecord> records = new ArrayList<>();
        private final List<LoadError> errors = new ArrayList<>();
        private final Map<String, Long> lineOfKey = new HashMap<>();
        private String botnetVersion;
        private long botnetVersionLine;

        Collector(String name, ReferenceKind kind) {
            this.name = name;
            this.kind = kind;
        }

        void error(long line, String field, String reason) {
            errors.add(new LoadError(name, line, field, reason));
        }

        void json(long line, JsonNode node) {
            if (!(node instanceof ObjectNode object)) {
                error(line, null, "must be a JSON object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
                return;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            boolean ok = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode v = f.getValue();
                if (v.isContainerNode()) {
                    error(line, f.getKey(), "must be text, a number or true/false, not an " + (v.isArray() ? "array" : "object"));
                    ok = false;
                } else {
                    fields.put(f.getKey(), v.isNull() ? null : v.asText());
                }
            }
            if (ok) {
                record(line, fields);
            }
        }

        void record(long line, Map<String, String> fields) {
            List<FieldError> fieldErrors = new ArrayList<>();
            ReferenceRecord record = ReferenceRecordCodec.parse(kind, fields, fieldErrors);
            fieldErrors.forEach(e -> error(line, e.field(), e.reason()));
            if (record == null) {
                return;
            }
            Long previous = lineOfKey.putIfAbsent(record.key(), line);
            if (previous != null) {
                error(line, null, "same key as line " + previous + " (" + record.key() + ")");
                return;
            }
            if (record instanceof BotnetEntry entry) {
                if (botnetVersion == null) {
                    botnetVersion = entry.listVersion();
                    botnetVersionLine = line;
                } else if (!botnetVersion.equals(entry.listVersion())) {
                    error(line, "list_version", "a file holds one list version: " + botnetVersion + " (line "
                            + botnetVersionLine + "), got " + entry.listVersion());
                    return;
                }
            }
            records.add(record);
        }
    }
}
