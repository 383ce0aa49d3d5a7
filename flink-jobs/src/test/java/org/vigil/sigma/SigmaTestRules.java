package org.vigil.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.rules.RuleFileParser;
import org.vigil.rules.RuleFixtureRunner;

/** Converts Sigma rule text in tests and runs the Vigil rule it becomes over events with the fixture runner. */
public final class SigmaTestRules {
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    static final String SYSMON = "Microsoft-Windows-Sysmon/Operational";
    /** The three detection rules (whoami, net user, ipconfig) the specification's temporal examples refer to. */
    public static final String RECON_RULES = """
            title: whoami
            name: recon_cmd_a
            tags: [attack.discovery, attack.t1033]
            logsource: {product: windows, category: process_creation}
            detection: {selection: {CommandLine|contains: whoami}, condition: selection}
            ---
            title: net user
            name: recon_cmd_b
            tags: [attack.discovery, attack.t1087]
            logsource: {product: windows, category: process_creation}
            detection: {selection: {CommandLine|contains: 'net user'}, condition: selection}
            ---
            title: ipconfig
            name: recon_cmd_c
            tags: [attack.discovery, attack.t1016]
            logsource: {product: windows, category: process_creation}
            detection: {selection: {CommandLine|contains: ipconfig}, condition: selection}
            ---
            """;

    private SigmaTestRules() {}

    static SigmaConverter.Result convert(String yaml, FieldMapping mapping, String... attack) {
        return new SigmaConverter(mapping, null, List.of(attack)).convert(SigmaFileReader.parse("test.yml", yaml));
    }

    /** The one rule {@code yaml} converts into, loaded as the rule loader loads it. */
    static RuleDefinition rule(String yaml) throws RuleException {
        return rule(yaml, FieldMapping.shipped());
    }

    static RuleDefinition rule(String yaml, FieldMapping mapping, String... attack) throws RuleException {
        SigmaConverter.Result r = convert(yaml, mapping, attack);
        assertThat(r.refused()).as("refusals").isEmpty();
        assertThat(r.converted()).hasSize(1);
        SigmaConverter.Converted c = r.converted().get(0);
        return RuleFileParser.parse(c.path(), c.text());
    }

    /** The refusal of the only (top-level) rule in {@code yaml}. */
    static SigmaConverter.Refused refusal(String yaml) {
        return refusal(yaml, FieldMapping.shipped());
    }

    static SigmaConverter.Refused refusal(String yaml, FieldMapping mapping) {
        SigmaConverter.Result r = convert(yaml, mapping);
        assertThat(r.converted()).isEmpty();
        assertThat(r.refused()).hasSize(1);
        return r.refused().get(0);
    }

    /** The shared data directory: system property {@code vigil.shared.data} (set by the pom), else ../../shared/data. */
    static java.nio.file.Path sharedData() {
        String configured = System.getProperty("vigil.shared.data");
        java.nio.file.Path dir = configured != null ? java.nio.file.Path.of(configured) : java.nio.file.Path.of("../../shared/data");
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new IllegalStateException("shared data not found at " + dir.toAbsolutePath() + "; set -Dvigil.shared.data");
        }
        return dir;
    }

    /** An event at {@code at} with the given fields (dotted names; bare names are Windows event data). */
    static SecurityEvent event(Instant at, String id, Object... keyValues) {
        SecurityEvent.Builder b = SecurityEvent.builder().timestamp(at).id(id);
        for (int i = 0; i < keyValues.length; i += 2) {
            String k = (String) keyValues[i];
            b.put(k.contains(".") ? k : "winlog.event_data." + k, keyValues[i + 1]);
        }
        return b.build();
    }

    /** A Sysmon event of the given id on its own host, with raw event data. */
    static SecurityEvent sysmon(int id, String host, Map<String, Object> data) {
        return windows(SYSMON, id, host, data, T0);
    }

    static SecurityEvent windows(String channel, int id, String host, Map<String, Object> data, Instant at) {
        SecurityEvent.Builder b = SecurityEvent.builder().timestamp(at).id(host + "-" + id + "-" + at.toEpochMilli() + "-" + data.hashCode())
                .put("winlog.channel", channel).put("winlog.event_id", (long) id).put("event.code", String.valueOf(id))
                .put("host.name", host);
        data.forEach((k, v) -> {
            if (k.contains(".")) {
                b.put(k, v);
            } else {
                b.put("winlog.event_data." + k, v);
            }
        });
        return b.build();
    }

    /**
     * Which of the Sysmon events (each on its own host, so suppression does not join them) the rule alerts on,
     * by index.
     */
    static Set<Integer> matching(RuleDefinition rule, int eventId, List<Map<String, Object>> eventData) throws RuleException {
        List<SecurityEvent> events = new ArrayList<>();
        for (int i = 0; i < eventData.size(); i++) {
            events.add(sysmon(eventId, "host-" + i, eventData.get(i)));
        }
        return hosts(RuleFixtureRunner.alertsFor(rule, events));
    }

    static Set<Integer> hosts(List<Alert> alerts) {
        Set<Integer> out = new TreeSet<>();
        for (Alert a : alerts) {
            out.add(Integer.parseInt(a.partitionValue().substring("host-".length())));
        }
        return out;
    }

    static Map<String, Object> data(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** A process-creation rule with the given detection block (YAML, indented by four). */
    static String processCreation(String detection) {
        return """
                title: test rule
                id: 11111111-2222-3333-4444-555555555555
                level: high
                tags: [attack.execution, attack.t1059.001]
                logsource: {product: windows, category: process_creation}
                detection:
                """ + detection.stripTrailing().indent(4);
    }
}
