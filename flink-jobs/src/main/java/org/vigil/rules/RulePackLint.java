package org.vigil.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vigil.sink.stix.MitreAttack;

/**
 * The rule-pack checks that loading does not make: ATT&CK ids known to {@link MitreAttack}, each file in the
 * folder of one of its tactics, descriptions and false-positive notes written, a horizon that covers the
 * rule's windows and patterns, a written {@code @verification} policy, and fixtures with a must-alert and a look-alike case beside every rule.
 *
 * <p>Loading ({@link RuleLoader}) already refuses malformed headers, malformed ATT&CK ids, unknown partition
 * fields, unbounded horizons, duplicate ids and EPL that does not compile; {@link #check(Path)} reports those too,
 * so one call lists everything an author has to fix.
 */
public final class RulePackLint {
    /** ATT&CK Enterprise techniques are T1001 to T1999; T0xxx ids belong to the ICS matrix, which has other tactics. */
    private static final Pattern ENTERPRISE_TECHNIQUE = Pattern.compile("T1\\d{3}(\\.\\d{3})?");
    /** A view, pattern guard or observer whose arguments give how far back it looks. */
    private static final Pattern TIMED_CONSTRUCT = Pattern.compile(
            "(#time\\w*|#ext_timed\\w*|timer:within\\w*|timer:interval)\\s*\\(([^()]*)\\)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME_PERIOD_PART = Pattern.compile(
            "(\\d+(?:\\.\\d+)?)\\s*(years?|months?|weeks?|days?|hours?|minutes?|min|seconds?|sec|milliseconds?|msec)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HAS_VERIFICATION = Pattern.compile("^\\s*\\*?\\s*@verification\\b", Pattern.MULTILINE);
    private static final Pattern PLAIN_SECONDS = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*");

    private RulePackLint() {}

    /** Everything wrong with the rule pack under {@code dir}: load and compile problems, then lint findings. */
    public static List<RuleException> check(Path dir) {
        List<RuleException> problems = new ArrayList<>();
        List<RuleDefinition> rules = RuleLoader.loadAll(dir, problems);
        problems.addAll(lint(dir, rules));
        return problems;
    }

    /** The lint findings for rules already loaded from {@code dir}, in file order. */
    public static List<RuleException> lint(Path dir, List<RuleDefinition> rules) {
        List<RuleException> findings = new ArrayList<>();
        for (RuleDefinition rule : rules) {
            findings.addAll(lint(dir, rule));
        }
        findings.addAll(orphanFixtures(dir));
        findings.sort(Comparator.comparing(RuleException::file).thenComparingInt(RuleException::line));
        return findings;
    }

    /** The findings for one rule loaded from {@code dir}. */
    static List<RuleException> lint(Path dir, RuleDefinition rule) {
        List<RuleException> findings = new ArrayList<>();
        String file = rule.sourceFile();
        RuleMetadata m = rule.metadata();

        List<String> phases = new ArrayList<>();
        for (String tactic : m.tacticIds()) {
            Optional<String> phase = MitreAttack.phaseName(tactic);
            if (phase.isEmpty()) {
                findings.add(new RuleException(file, lineOf(rule, "@tactic"), "@tactic " + tactic
                        + " is not an ATT&CK Enterprise tactic (TA0001 initial access ... TA0043 reconnaissance,"
                        + " see https://attack.mitre.org/tactics/enterprise/)"));
            } else {
                phases.add(phase.get());
            }
        }
        if (m.tacticIds().isEmpty()) {
            findings.add(new RuleException(file, lineOf(rule, "@tactic"), "@tactic names no tactic id"));
        }
        for (String technique : m.techniqueIds()) {
            if (!ENTERPRISE_TECHNIQUE.matcher(technique).matches()) {
                findings.add(new RuleException(file, lineOf(rule, "@technique"), "@technique " + technique
                        + " is not an ATT&CK Enterprise technique id (T1001 to T1999, sub-techniques as T1110.001)"));
            }
        }
        if (m.techniqueIds().isEmpty()) {
            findings.add(new RuleException(file, lineOf(rule, "@technique"), "@technique names no technique id"));
        }

        Path relative = Path.of(file);
        String folder = relative.getParent() == null ? null : relative.getParent().toString();
        if (!phases.isEmpty() && (relative.getNameCount() != 2 || !phases.contains(folder))) {
            findings.add(new RuleException(file, lineOf(rule, "@tactic"), "a rule with @tactic "
                    + String.join(", ", m.tacticIds()) + " belongs in rules/" + String.join("/ or rules/", phases)
                    + "/, not " + (folder == null ? "the top of the rules directory" : "rules/" + folder + "/")));
        }

        if (m.description().isBlank()) {
            findings.add(new RuleException(file, 1, "missing metadata @description: say what the rule detects"));
        }
        if (m.falsePositives().isBlank()) {
            findings.add(new RuleException(file, 1,
                    "missing metadata @false_positives: say what benign activity looks like this, for triage"));
        }

        if (!HAS_VERIFICATION.matcher(rule.epl()).find()) {
            // Without the tag the rule is silently "none": its alerts would never be verified nor reach the NCSC.
            findings.add(new RuleException(file, 1, "missing metadata @verification: say when a match counts as verified"
                    + " (high-fidelity, corroboration PT30M, vulnerable-target, intel, joined with 'or'; none to never share)"));
        }

        longestTimedConstruct(rule).ifPresent(longest -> {
            if (m.horizon().compareTo(longest.period()) < 0) {
                findings.add(new RuleException(file, lineOf(rule, "@horizon"), "@horizon " + m.horizon()
                        + " is shorter than '" + longest.text() + "' at line " + longest.line()
                        + ": declare the full reach of the rule's state, or a restored job raises other alerts"));
            }
        });

        findings.addAll(fixtureFindings(dir, rule));
        return findings;
    }

    private static List<RuleException> fixtureFindings(Path dir, RuleDefinition rule) {
        Path fixtureFile = RuleLoader.fixtureFileOf(dir.resolve(rule.sourceFile()));
        String name = dir.relativize(fixtureFile).toString();
        if (!Files.exists(fixtureFile)) {
            return List.of(new RuleException(rule.sourceFile(), 0, "no fixtures: add " + name
                    + " with a case that must alert and a look-alike that must not"));
        }
        RuleFixtures fixtures;
        try {
            fixtures = RuleFixtures.read(fixtureFile);
        } catch (RuleException e) {
            return List.of(new RuleException(name, e.line(), e.reason()));
        }
        List<RuleException> findings = new ArrayList<>();
        if (fixtures.mustAlertCases() == 0) {
            findings.add(new RuleException(name, 0, "no case that must alert (a case with a non-empty 'expect')"));
        }
        if (fixtures.mustNotAlertCases() == 0) {
            findings.add(new RuleException(name, 0, "no look-alike case that must not alert ('expect: []')"));
        }
        return findings;
    }

    /** Fixture files no rule uses: a misspelt name means the fixtures never run. */
    private static List<RuleException> orphanFixtures(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<RuleException> findings = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String fileName = p.getFileName().toString();
                String name = dir.relativize(p).toString();
                if (fileName.endsWith(".test.yml")) {
                    findings.add(new RuleException(name, 0, "fixture files end in .test.yaml; this one is never run"));
                } else if (fileName.endsWith(".test.yaml")) {
                    String base = fileName.substring(0, fileName.length() - ".test.yaml".length());
                    if (!Files.exists(p.resolveSibling(base + ".epl"))) {
                        findings.add(new RuleException(name, 0, "fixtures without a rule: no " + base + ".epl beside them"));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return findings;
    }

    /** A window, guard or observer of the EPL with its period. */
    record TimedConstruct(String text, int line, Duration period) {}

    /** The window, pattern guard or timer observer that looks furthest back; empty when the rule has none. */
    static Optional<TimedConstruct> longestTimedConstruct(RuleDefinition rule) {
        String epl = withoutComments(rule.epl());
        Matcher m = TIMED_CONSTRUCT.matcher(epl);
        TimedConstruct longest = null;
        while (m.find()) {
            Duration period = period(m.group(1), m.group(2));
            if (period != null && (longest == null || period.compareTo(longest.period()) > 0)) {
                int line = 1 + (int) epl.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                longest = new TimedConstruct(m.group().replaceAll("\\s+", " "), line, period);
            }
        }
        return Optional.ofNullable(longest);
    }

    /** The longest time period among a construct's arguments; null when none is a literal (a variable, say). */
    private static Duration period(String construct, String arguments) {
        Duration longest = null;
        String name = construct.toLowerCase(Locale.ROOT);
        // ext_timed and time_order take a timestamp expression first; the other views take the period first.
        boolean periodFirst = !name.startsWith("#ext_timed") && !name.startsWith("#time_order");
        String[] args = arguments.split(",");
        for (int i = 0; i < args.length; i++) {
            String argument = args[i];
            Duration d = timePeriod(argument);
            if (d == null && i == 0 && periodFirst) {
                // A bare number as the period is seconds in EPL.
                Matcher plain = PLAIN_SECONDS.matcher(argument);
                if (plain.matches()) {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(plain.group(1)) * 1000));
                }
            }
            if (d != null && (longest == null || d.compareTo(longest) > 0)) {
                longest = d;
            }
        }
        return longest;
    }

    /** An EPL time period such as {@code 1 hour 30 minutes}; null when the text has none. */
    static Duration timePeriod(String text) {
        Matcher part = TIME_PERIOD_PART.matcher(text);
        Duration total = null;
        while (part.find()) {
            double amount = Double.parseDouble(part.group(1));
            String unit = part.group(2).toLowerCase(Locale.ROOT);
            double seconds = switch (unit.replaceAll("s$", "")) {
                case "year" -> 365 * 86400.0;
                case "month" -> 30 * 86400.0;
                case "week" -> 7 * 86400.0;
                case "day" -> 86400.0;
                case "hour" -> 3600.0;
                case "minute", "min" -> 60.0;
                case "second", "sec" -> 1.0;
                default -> 0.001; // millisecond, msec
            };
            Duration d = Duration.ofMillis(Math.round(amount * seconds * 1000));
            total = total == null ? d : total.plus(d);
        }
        return total;
    }

    /** The EPL with comments blanked out, keeping line breaks so line numbers stay right. */
    private static String withoutComments(String epl) {
        StringBuilder out = new StringBuilder(epl.length());
        int i = 0;
        while (i < epl.length()) {
            if (epl.startsWith("/*", i)) {
                int end = epl.indexOf("*/", i + 2);
                end = end < 0 ? epl.length() : end + 2;
                epl.substring(i, end).chars().filter(c -> c == '\n').forEach(c -> out.append('\n'));
                i = end;
            } else if (epl.startsWith("//", i)) {
                int end = epl.indexOf('\n', i);
                i = end < 0 ? epl.length() : end;
            } else if (epl.charAt(i) == '\'' || epl.charAt(i) == '"') {
                // String literals may contain '//' (URLs), which is no comment.
                char quote = epl.charAt(i);
                int end = epl.indexOf(quote, i + 1);
                end = end < 0 ? epl.length() : end + 1;
                out.append(epl, i, end);
                i = end;
            } else {
                out.append(epl.charAt(i++));
            }
        }
        return out.toString();
    }

    /** The 1-based line of the first occurrence of {@code text} in the rule file; 1 when absent. */
    private static int lineOf(RuleDefinition rule, String text) {
        int at = rule.epl().indexOf(text);
        return at < 0 ? 1 : 1 + (int) rule.epl().substring(0, at).chars().filter(c -> c == '\n').count();
    }
}
