package org.vigil.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.vigil.correlate.RuleCompiler;

/** Loads every {@code .epl} rule under a directory, refusing the set if any rule is malformed or does not compile. */
public final class RuleLoader {
    private RuleLoader() {}

    /** All rules under {@code dir} (recursively, in path order), each parsed and compiled. */
    public static List<RuleDefinition> load(Path dir) throws RuleException {
        List<RuleException> problems = new ArrayList<>();
        List<RuleDefinition> rules = loadAll(dir, problems);
        if (!problems.isEmpty()) {
            RuleException first = problems.get(0);
            if (problems.size() == 1) {
                throw first;
            }
            StringBuilder all = new StringBuilder(problems.size() + " rule problems:");
            problems.forEach(p -> all.append("\n  ").append(p.getMessage()));
            throw new RuleException(first.file(), first.line(), all.toString());
        }
        return rules;
    }

    /** Loads what it can, adding one {@link RuleException} per refused rule to {@code problems}. */
    public static List<RuleDefinition> loadAll(Path dir, List<RuleException> problems) {
        if (!Files.isDirectory(dir)) {
            problems.add(new RuleException(dir.toString(), 0, "rules directory does not exist"));
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".epl")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list rules in " + dir, e);
        }
        RuleCompiler compiler = new RuleCompiler();
        List<RuleDefinition> rules = new ArrayList<>();
        Map<String, String> fileById = new HashMap<>();
        for (Path file : files) {
            String name = dir.relativize(file).toString();
            try {
                RuleDefinition rule = RuleFileParser.parse(name, Files.readString(file, StandardCharsets.UTF_8));
                String other = fileById.putIfAbsent(rule.id(), name);
                if (other != null) {
                    throw new RuleException(name, 0, "rule id " + rule.id() + " is already used by " + other);
                }
                compiler.compile(rule);
                // Deploying checks what compiling cannot: the alert rows name an entity, @suppress columns exist.
                org.vigil.correlate.RuleDeploymentGate.trialDeploy(rule);
                rules.add(rule);
            } catch (RuleException e) {
                problems.add(e);
            } catch (IOException e) {
                problems.add(new RuleException(name, 0, "cannot read: " + e.getMessage()));
            }
        }
        if (rules.isEmpty() && problems.isEmpty()) {
            problems.add(new RuleException(dir.toString(), 0, "no .epl rule files found"));
        }
        return rules;
    }

    /** The fixture file beside a rule file: {@code <rule>.test.yaml}. */
    public static Path fixtureFileOf(Path ruleFile) {
        String name = ruleFile.getFileName().toString();
        return ruleFile.resolveSibling(name.substring(0, name.length() - ".epl".length()) + ".test.yaml");
    }
}
