package org.vigil.sigma;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.vigil.correlate.EntityCorrelator;
import org.vigil.correlate.EsperEventType;
import org.vigil.correlate.RoutedEvent;
import org.vigil.correlate.RuleCompiler;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFileParser;

/**
 * Measures what loading many converted Sigma rules costs: Esper compile time per rule, compile and deploy time per
 * rule in Vigil's correlator, heap per deployed rule, the time to hot-deploy one rule with 1,000 warm-up events, and
 * event throughput as the number of rules grows, in Vigil's correlator and, for comparison, with the rules deployed
 * in a bare Esper runtime (no alert listeners, no routing). A program, not a test: it prints figures.
 *
 * <p>Without arguments the rules are generated process-creation rules (an image suffix and a command-line
 * substring each, as most community rules are); {@code --sigma DIR} converts a directory of Sigma rules instead.
 * {@code --rules 50,200,800} sets the rule counts, {@code --events N} the events per measurement. Times are CPU time
 * of the measuring thread, so other processes on a shared machine do not count.
 */
public final class SigmaLoadBenchmark {
    /** Events a measured hot deploy warms the swapped rule up with. */
    private static final int HOT_DEPLOY_WARM_UP = 1_000;

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(50, 200, 800);
        int eventCount = 20_000;
        Path sigmaDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rules" -> counts = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--events" -> eventCount = Integer.parseInt(args[++i]);
                case "--sigma" -> sigmaDir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<RuleDefinition> all = sigmaDir == null ? generated(counts.get(counts.size() - 1)) : converted(sigmaDir);
        List<SecurityEvent> events = events(eventCount);
        RuleCompiler compiler = new RuleCompiler();
        // Warm the compiler up so the first measured rule does not carry the class loading.
        for (int i = 0; i < Math.min(20, all.size()); i++) {
            compiler.compile(all.get(i));
        }
        System.out.printf("%d Sysmon events per measurement on 500 hosts (host.name partition); CPU time of the measuring thread%n", events.size());
        System.out.printf("%8s %15s %15s %14s %15s %22s %22s%n", "rules", "compile ms/rule", "deploy ms/rule", "heap KB/rule",
                "hot deploy ms", "events/s (correlator)", "events/s (bare Esper)");
        for (int n : counts) {
            List<RuleDefinition> rules = all.subList(0, Math.min(n, all.size()));
            long start = cpuNanos();
            List<EPCompiled> compiled = new ArrayList<>();
            for (RuleDefinition r : rules) {
                compiled.add(compiler.compile(r));
            }
            double compileMs = (cpuNanos() - start) / 1e6 / rules.size();

            long before = usedHeap();
            long deployStart = cpuNanos();
            EntityCorrelator correlator = new EntityCorrelator(rules, 20);
            double deployMs = (cpuNanos() - deployStart) / 1e6 / rules.size();
            long after = usedHeap();
            double perRule = (after - before) / 1024.0 / rules.size();
            double perRuntime = throughput(events, e -> correlator.process("host.name", e.getString("host.name"), e));
            // A hot deploy swaps one rule, warmed up with what the job would retain: here the last events fed.
            List<RoutedEvent> warmUp = events.subList(Math.max(0, events.size() - HOT_DEPLOY_WARM_UP), events.size())
                    .stream().map(e -> new RoutedEvent("host.name", e.getString("host.name"), e)).toList();
            long hotStart = cpuNanos();
            correlator.deploy(rules.get(0), warmUp);
            double hotDeployMs = (cpuNanos() - hotStart) / 1e6;
            correlator.close();

            EPRuntime shared = EPRuntimeProvider.getRuntime("bench-" + UUID.randomUUID(), compiler.runtimeConfiguration());
            shared.getDeploymentService().deploy(compiler.base());
            for (EPCompiled c : compiled) {
                shared.getDeploymentService().deploy(c);
            }
            double oneRuntime = throughput(events, e -> {
                shared.getEventService().advanceTime(e.timestampMillis());
                shared.getEventService().sendEventMap(EsperEventType.toEsper(e, e.getString("host.name")), EsperEventType.NAME);
            });
            shared.destroy();
            System.out.printf("%8d %15.1f %15.1f %14.1f %15.1f %22.0f %22.0f%n", rules.size(), compileMs, deployMs, perRule,
                    hotDeployMs, perRuntime, oneRuntime);
        }
    }

    private interface Feed {
        void accept(SecurityEvent e) throws Exception;
    }

    private static double throughput(List<SecurityEvent> events, Feed feed) throws Exception {
        for (int i = 0; i < Math.min(2_000, events.size()); i++) {
            feed.accept(events.get(i)); // warm-up
        }
        long start = cpuNanos();
        for (SecurityEvent e : events) {
            feed.accept(e);
        }
        return events.size() / ((cpuNanos() - start) / 1e9);
    }

    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static List<RuleDefinition> generated(int n) throws Exception {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < n; i++) {
            yaml.append(String.format("""
                    title: generated %d
                    id: 00000000-0000-0000-0000-%012d
                    level: medium
                    tags: [attack.execution, attack.t1059]
                    logsource: {product: windows, category: process_creation}
                    detection:
                        selection_img: {Image|endswith: ['\\\\tool%d.exe', '\\\\alt%d.exe']}
                        selection_cli: {CommandLine|contains: ' -arg%d '}
                        filter: {ParentImage|startswith: 'C:\\\\Program Files\\\\'}
                        condition: all of selection_* and not filter
                    ---
                    """, i, i, i, i, i));
        }
        SigmaConverter.Result r = new SigmaConverter(FieldMapping.shipped(), null, List.of())
                .convert(SigmaFileReader.parse("generated.yml", yaml.toString()));
        List<RuleDefinition> rules = new ArrayList<>();
        for (SigmaConverter.Converted c : r.converted()) {
            rules.add(RuleFileParser.parse(c.path(), c.text()));
        }
        return rules;
    }

    private static List<RuleDefinition> converted(Path dir) throws Exception {
        SigmaFileReader.Result read = SigmaFileReader.read(List.of(dir));
        SigmaConverter.Result r = new SigmaConverter(FieldMapping.shipped(), null, List.of()).convert(read.documents());
        List<RuleDefinition> rules = new ArrayList<>();
        RuleCompiler compiler = new RuleCompiler();
        for (SigmaConverter.Converted c : r.converted()) {
            RuleDefinition rule = RuleFileParser.parse(c.path(), c.text());
            compiler.compile(rule);
            rules.add(rule);
        }
        System.out.printf("%d Sigma documents, %d rules converted and compiled, %d refused%n", read.documents().size(),
                rules.size(), r.refused().size());
        return rules;
    }

    /** Sysmon process starts on 500 hosts; one in a hundred matches one of the first rules. */
    private static List<SecurityEvent> events(int n) {
        Random random = new Random(7);
        List<SecurityEvent> out = new ArrayList<>();
        long t = SigmaTestRules.T0.toEpochMilli();
        for (int i = 0; i < n; i++) {
            t += 50;
            int k = random.nextInt(100) == 0 ? random.nextInt(50) : 100_000 + random.nextInt(1000);
            out.add(SigmaTestRules.event(java.time.Instant.ofEpochMilli(t), "e" + i, "winlog.channel", SigmaTestRules.SYSMON,
                    "winlog.event_id", 1L, "host.name", "host-" + random.nextInt(500),
                    "Image", "C:\\Windows\\tool" + k + ".exe", "CommandLine", "tool" + k + " -arg" + k + " x",
                    "ParentImage", "C:\\Windows\\explorer.exe", "User", "CORP\\u" + random.nextInt(50)));
        }
        return out;
    }
}
