package org.vigil.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vigil.correlate.RuleCompiler;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleFileParser;
import org.vigil.sigma.FieldMapping;
import org.vigil.sigma.SigmaConverter;
import org.vigil.sigma.SigmaFileReader;
import org.vigil.sigma.SigmaRefusal;

/** {@code vigil sigma convert}: compiles Sigma rule files into Vigil rule files and reports what it refused and why. */
final class SigmaCommand {
    static final String USAGE = """
            usage: vigil sigma convert FILE|DIR... --out DIR [--mapping FILE] [--verification POLICY] [--attack IDS]

            Converts Sigma detection and correlation rules (.yml/.yaml files, multi-document files, directories read
            recursively) into Vigil rule files under DIR/<tactic>/sigma-<id>.epl. A correlation is converted together
            with the rules it refers to, which must be among the inputs. Every converted rule is compiled as the job
            would compile it; a rule Vigil cannot express exactly is refused with its file, the reason and the feature,
            never converted into a rule that matches differently.

              --out DIR              where to write the rule files (created; existing files of the same name are replaced)
              --mapping FILE         extends the shipped Sigma-to-Vigil field mapping (log sources, fields, placeholders)
              --verification POLICY  the @verification of converted rules (default: corroboration PT30M or intel)
              --attack IDS           ATT&CK tactic and technique ids (TA0006,T1110) for rules without attack.* tags,
                                     which are refused otherwise (every Vigil rule declares @tactic and @technique)

            Exit status: 0 when every rule converted, 1 when some were refused, 2 for a usage error.
            """;

    private final PrintStream out;
    private final PrintStream err;

    SigmaCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) throws IOException {
        List<String> a = new ArrayList<>(args);
        if (a.isEmpty() || a.contains("--help") || a.contains("-h")) {
            out.print(USAGE);
            return a.isEmpty() ? 2 : 0;
        }
        if (!a.get(0).equals("convert")) {
            err.println("vigil sigma: expected 'convert', got '" + a.get(0) + "'\n\n" + USAGE);
            return 2;
        }
        a.remove(0);
        String outDir = option(a, "--out");
        String mappingFile = option(a, "--mapping");
        String verification = option(a, "--verification");
        String attack = option(a, "--attack");
        List<String> fallbackAttack = attack == null ? List.of() : List.of(attack.split("[,\\s]+"));
        for (String id : fallbackAttack) {
            if (!id.matches("TA\\d{4}|T\\d{4}(\\.\\d{3})?")) {
                err.println("vigil sigma convert: --attack takes ATT&CK ids such as TA0006,T1110, got '" + id + "'");
                return 2;
            }
        }
        if (outDir == null || a.isEmpty() || a.stream().anyMatch(s -> s.startsWith("--"))) {
            err.println("vigil sigma convert: give Sigma files or directories and --out DIR\n\n" + USAGE);
            return 2;
        }
        List<Path> inputs = a.stream().map(Path::of).toList();
        for (Path p : inputs) {
            if (!Files.exists(p)) {
                err.println("vigil sigma convert: " + p + ": no such file or directory");
                return 2;
            }
        }
        FieldMapping mapping = FieldMapping.shipped();
        if (mappingFile != null) {
            try {
                mapping = mapping.extendedBy(Path.of(mappingFile));
            } catch (IOException | RuntimeException e) {
                err.println("vigil sigma convert: the mapping " + mappingFile + " cannot be used: " + e.getMessage());
                return 2;
            }
        }
        SigmaFileReader.Result read = SigmaFileReader.read(inputs);
        SigmaConverter.Result result = new SigmaConverter(mapping, verification, fallbackAttack).convert(read.documents());

        Map<String, Integer> refusedByReason = new TreeMap<>();
        read.unreadable().forEach(u -> {
            err.println("REFUSED " + u.file() + ": " + SigmaRefusal.INVALID_RULE.code() + ": " + u.reason());
            refusedByReason.merge(SigmaRefusal.INVALID_RULE.code(), 1, Integer::sum);
        });
        result.refused().forEach(r -> {
            err.println("REFUSED " + r.message());
            refusedByReason.merge(r.reason().code(), 1, Integer::sum);
        });

        // Every rule is compiled as the job compiles it before it is written: what does not load is not written.
        RuleCompiler compiler = new RuleCompiler();
        Path dir = Path.of(outDir);
        int written = 0;
        long compileNanos = 0;
        for (SigmaConverter.Converted c : result.converted()) {
            long start = System.nanoTime();
            try {
                RuleDefinition rule = RuleFileParser.parse(c.path(), c.text());
                compiler.compile(rule);
            } catch (RuleException e) {
                err.println("REFUSED " + c.source().location() + ": " + c.source().title() + ": "
                        + SigmaRefusal.DOES_NOT_COMPILE.code() + ": " + e.getMessage());
                refusedByReason.merge(SigmaRefusal.DOES_NOT_COMPILE.code(), 1, Integer::sum);
                continue;
            } finally {
                compileNanos += System.nanoTime() - start;
            }
            Path file = dir.resolve(c.path());
            Files.createDirectories(file.getParent());
            Files.writeString(file, c.text(), StandardCharsets.UTF_8);
            written++;
        }
        int refused = refusedByReason.values().stream().mapToInt(Integer::intValue).sum();
        out.println("vigil sigma convert: " + read.documents().size() + " Sigma documents in " + inputs.size()
                + " input(s): " + written + " Vigil rules written to " + dir + ", " + refused + " refused");
        if (written > 0) {
            out.printf("compiled with Esper in %.1f s, %.0f ms per rule%n", compileNanos / 1e9, compileNanos / 1e6 / written);
        }
        if (!refusedByReason.isEmpty()) {
            out.println("refused by reason:");
            refusedByReason.forEach((reason, n) -> out.printf("  %6d  %s%n", n, reason));
        }
        return refused == 0 ? 0 : 1;
    }

    private static String option(List<String> a, String name) {
        int i = a.indexOf(name);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= a.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String v = a.get(i + 1);
        a.remove(i + 1);
        a.remove(i);
        return v;
    }
}
