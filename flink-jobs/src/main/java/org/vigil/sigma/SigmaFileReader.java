package org.vigil.sigma;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads Sigma rule files: single documents, multi-document YAML ({@code ---}) such as correlation rules with the
 * rules they refer to, and directories of them ({@code .yml}, {@code .yaml}, recursively, in path order).
 */
public final class SigmaFileReader {
    /** A file that could not be read as YAML, reported as a refusal of the whole file. */
    public record Unreadable(String file, String reason) {}

    /** The documents read and the files that could not be read. */
    public record Result(List<SigmaDocument> documents, List<Unreadable> unreadable) {}

    private SigmaFileReader() {}

    /** Reads every file and directory given; names in messages are relative to each argument's parent. */
    public static Result read(List<Path> inputs) throws IOException {
        List<SigmaDocument> documents = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        for (Path input : inputs) {
            List<Path> files;
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    files = walk.filter(Files::isRegularFile)
                            .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                            .sorted().toList();
                }
            } else if (Files.isRegularFile(input)) {
                files = List.of(input);
            } else {
                throw new IOException(input + ": no such file or directory");
            }
            for (Path file : files) {
                String name = file.toString();
                try {
                    documents.addAll(parse(name, Files.readString(file, StandardCharsets.UTF_8)));
                } catch (RuntimeException e) {
                    unreadable.add(new Unreadable(name, "not valid YAML: " + firstLine(e.getMessage())));
                }
            }
        }
        return new Result(documents, unreadable);
    }

    /** The documents of one file's text; empty documents are skipped, a document that is not a map is an error. */
    @SuppressWarnings("unchecked")
    public static List<SigmaDocument> parse(String file, String text) {
        // A fresh loader per file: SnakeYAML's loader is not thread-safe and keeps no state worth sharing.
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<SigmaDocument> out = new ArrayList<>();
        int index = 0;
        for (Object doc : yaml.loadAll(text)) {
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("document " + (index + 1) + " is not a map of attributes");
            }
            out.add(new SigmaDocument(file, index++, (Map<String, Object>) map));
        }
        return out;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
