package org.vigil.enrich;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The reference data of a directory of files in the formats {@code intel load} reads, each file's kind given by its
 * name ({@code assets*.csv}, {@code botnet-2026-11.csv}, {@code iocs.json}, {@code vulns.jsonl}), for backtests.
 *
 * <p>A botnet file is one list version: its entries and the announcement that completes it, as the loader publishes
 * them. Files of other extensions (a README) are skipped.
 */
public record ReferenceDirectory(List<ReferenceRecord> records, List<LoadError> errors, List<String> files) {
    public ReferenceDirectory {
        records = List.copyOf(records);
        errors = List.copyOf(errors);
        files = List.copyOf(files);
    }

    /** Whether every file was read without a problem. */
    public boolean ok() {
        return errors.isEmpty();
    }

    /** Reads every reference-data file directly in {@code dir}, in name order. */
    public static ReferenceDirectory read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("reference directory " + dir + " does not exist");
        }
        List<Path> paths;
        try (Stream<Path> list = Files.list(dir)) {
            paths = list.filter(Files::isRegularFile).filter(ReferenceDirectory::isDataFile).sorted().toList();
        }
        List<ReferenceRecord> records = new ArrayList<>();
        List<LoadError> errors = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (Path file : paths) {
            ReferenceKind kind = kindOf(file);
            LoadResult result = ReferenceFileReader.read(file, kind);
            errors.addAll(result.errors());
            records.addAll(result.records());
            if (kind == ReferenceKind.BOTNET && result.ok() && !result.records().isEmpty()) {
                String version = ((BotnetEntry) result.records().get(0)).listVersion();
                records.add(new BotnetListVersion(version, result.records().size()));
            }
            files.add(file.getFileName() + " (" + kind.label() + ", " + result.records().size() + " records)");
        }
        return new ReferenceDirectory(records, errors, files);
    }

    private static boolean isDataFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (name.endsWith(".csv") || name.endsWith(".json") || name.endsWith(".jsonl")
                || name.endsWith(".ndjson"));
    }

    /** The kind a file's name starts with: {@code assets}, {@code botnet}, {@code iocs} or {@code vulns}. */
    public static ReferenceKind kindOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (ReferenceKind kind : ReferenceKind.values()) {
            if (name.startsWith(kind.label())) {
                char next = name.length() > kind.label().length() ? name.charAt(kind.label().length()) : '.';
                if (next == '.' || next == '-' || next == '_') {
                    return kind;
                }
            }
        }
        throw new IllegalArgumentException("reference file " + file + ": its name must start with its kind, assets, "
                + "botnet, iocs or vulns (e.g. assets.csv, botnet-2026-11.csv)");
    }
}
