package org.vigil.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleFixtureRunner;
import org.vigil.rules.RuleFixtures;
import org.vigil.rules.RuleLoader;
import org.vigil.rules.RulePackLint;
import org.vigil.taxii.TaxiiCommand;

/**
 * The {@code bin/vigil} command line: {@code local}, {@code rules validate|test|deploy}, {@code backtest}, {@code intel load},
 * {@code sigma convert}, {@code taxii} and {@code bench}.
 */
public final class VigilCli {
    private static final String USAGE = """
            usage: vigil <command> [options]

            commands:
              local [--exit-after-demo] [--timeout SECONDS] [--rules DIR]
                    start Kafka and Elasticsearch on loopback, run the correlator on a Flink MiniCluster,
                    feed the drill and print alerts as they arrive; Ctrl-C stops everything.
                    --exit-after-demo  exit 0 once the drill's alerts all arrived, 1 after the timeout (default 300 s)
              rules validate [--rules DIR]   compile and lint every rule (ATT&CK ids, folder per tactic, horizon
                                             covering windows, fixtures with a must-alert and a look-alike case);
                                             each problem names the file, line and reason
              rules test [--rules DIR]       run every rule's fixtures on a bare Esper runtime
              rules deploy [--rules DIR] [--bootstrap-servers HOST:PORT] [--config FILE] [--wait] [--dry-run]
                                             publish changed rules to the running job's rules topic, undeploy
                                             removed ones; --wait prints the job's answers (see rules deploy --help)
              backtest --input FILE... [--format F] [--rules DIR] [--reference DIR]
                    run the rules over recorded event files on a MiniCluster (no Kafka, no Elasticsearch); alert
                    documents as JSON lines on stdout, counts per rule and dead letters on stderr (see backtest --help)
              intel load --kind assets|botnet|iocs|vulns FILE [--check] [--replace] [--bootstrap-servers HOSTS]
                    validate a reference-data file (CSV or JSON) and publish it to its compacted topic;
                    see vigil intel --help
              sigma convert FILE|DIR... --out DIR [--mapping FILE] [--verification POLICY]
                    compile Sigma detection and correlation rules into Vigil rule files; what cannot be expressed
                    exactly is refused with the reason (see vigil sigma --help)
              taxii --config FILE [--port P] [--insecure-http] | --fixture FILE [--port P] | hash-password | new-token
                    run the TAXII 2.1 server for NCSC (HTTPS, persisted collections, the feed topic ingested) or
                    serve a reference-server data file read-only; see vigil taxii --help
              bench [--rate N|max] [--duration PT60S] [--warmup PT20S]
                    benchmark the correlator on the embedded stack: events/s, alert latency p50/p95/p99, CPU, heap,
                    state, every injected attack alerted exactly once, same-run baselines (see bench --help)

            --rules defaults to ./rules. Each command exits non-zero on failure.
            """;

    private VigilCli() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        if (a.size() >= 2 && a.get(0).equals("rules") && a.get(1).equals("deploy") && (a.contains("--help") || a.contains("-h"))) {
            System.out.print(RulesDeploy.USAGE);
            return 0;
        }
        if (!a.isEmpty() && a.get(0).equals("backtest")) {
            return Backtest.run(a.subList(1, a.size()), System.out, System.err);
        }
        if (!a.isEmpty() && a.get(0).equals("sigma")) {
            return new SigmaCommand(System.out, System.err).run(a.subList(1, a.size()));
        }
        if (!a.isEmpty() && a.get(0).equals("bench")) {
            return Bench.run(a.subList(1, a.size()), System.out, System.err);
        }
        if (!a.isEmpty() && a.get(0).equals("intel")) {
            return new IntelCommand(System.out, System.err).run(a.subList(1, a.size()));
        }
        if (!a.isEmpty() && a.get(0).equals("taxii")) {
            return new TaxiiCommand(System.out, System.err, System.in).run(a.subList(1, a.size()));
        }
        if (a.isEmpty() || a.contains("--help") || a.contains("-h")) {
            System.out.print(USAGE);
            return a.isEmpty() ? 2 : 0;
        }
        Path rules = Path.of(option(a, "--rules", "rules"));
        String command = a.remove(0);
        switch (command) {
            case "local": {
                boolean exitAfterDemo = a.remove("--exit-after-demo");
                Duration timeout = Duration.ofSeconds(Long.parseLong(option(a, "--timeout", "300")));
                rejectRest(a);
                return new LocalDemo(System.out).run(rules, exitAfterDemo, timeout);
            }
            case "rules": {
                String sub = a.isEmpty() ? "" : a.remove(0);
                if (sub.equals("deploy")) {
                    return new RulesDeploy(System.out, System.err).run(rules, a);
                }
                rejectRest(a);
                if (sub.equals("validate")) {
                    return validate(rules);
                }
                if (sub.equals("test")) {
                    return test(rules);
                }
                System.err.println("vigil rules: expected 'validate', 'test' or 'deploy', got '" + sub + "'\n\n" + USAGE);
                return 2;
            }
            default:
                System.err.println("vigil: unknown command '" + command + "'\n\n" + USAGE);
                return 2;
        }
    }

    private static int validate(Path dir) {
        List<RuleException> problems = new ArrayList<>();
        List<RuleDefinition> rules = RuleLoader.loadAll(dir, problems);
        List<RuleException> findings = RulePackLint.lint(dir, rules);
        rules.forEach(r -> System.out.println("ok      " + r.sourceFile() + "  (" + r.id() + ")"));
        problems.forEach(p -> System.err.println("REFUSED " + p.getMessage()));
        findings.forEach(f -> System.err.println("LINT    " + f.getMessage()));
        System.out.println(rules.size() + " rules compiled, " + problems.size() + " refused, " + findings.size()
                + " lint findings");
        return problems.isEmpty() && findings.isEmpty() ? 0 : 1;
    }

    private static int test(Path dir) throws RuleException {
        List<RuleException> problems = new ArrayList<>();
        List<RuleDefinition> rules = RuleLoader.loadAll(dir, problems);
        problems.forEach(p -> System.err.println("REFUSED " + p.getMessage()));
        int passed = 0;
        int failed = problems.size();
        for (RuleDefinition rule : rules) {
            Path fixtureFile = RuleLoader.fixtureFileOf(dir.resolve(rule.sourceFile()));
            if (!Files.exists(fixtureFile)) {
                System.err.println("FAIL    " + rule.sourceFile() + ": no fixtures at " + fixtureFile.getFileName());
                failed++;
                continue;
            }
            List<RuleFixtureRunner.CaseResult> results;
            try {
                results = RuleFixtureRunner.run(rule, RuleFixtures.read(fixtureFile));
            } catch (RuleException e) {
                // A malformed fixture file fails its rule with the file and reason; the other rules still run.
                System.err.println("FAIL    " + e.getMessage());
                failed++;
                continue;
            }
            for (RuleFixtureRunner.CaseResult result : results) {
                if (result.passed()) {
                    passed++;
                    System.out.println("pass    " + rule.id() + ": " + result.caseName());
                } else {
                    failed++;
                    System.out.println("FAIL    " + rule.id() + ": " + result.caseName());
                    result.differences().forEach(d -> System.out.println("          " + d));
                }
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    private static String option(List<String> args, String name, String defaultValue) {
        int i = args.indexOf(name);
        if (i < 0) {
            return defaultValue;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return value;
    }

    private static void rejectRest(List<String> rest) {
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException("unexpected arguments " + rest + "; see vigil --help");
        }
    }
}
