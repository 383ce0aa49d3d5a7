package org.vigil.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.sigma.SigmaTestRules.T0;
import static org.vigil.sigma.SigmaTestRules.event;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFixtureRunner;

/**
 * Every correlation example of the shared Sigma data converted (with hand-written detection rules where an example
 * refers to rules it does not contain) and run over hand-written event streams: each type fires where the
 * specification says, once per window, and not at window edges, for another group or in the wrong order.
 */
class SigmaCorrelationTest {
    private static final String FAILED_LOGON = """
            title: Failed logon
            id: 5638f7c0-ac70-491d-8465-2a65075e0d86
            name: failed_logon
            tags: [attack.credential-access, attack.t1110]
            logsource: {product: windows, service: security}
            detection:
                selection: {EventID: 4625}
                condition: selection
            """;

    private static String example(String path) throws Exception {
        return Files.readString(SigmaTestRules.sharedData().resolve("sigma").resolve(path), StandardCharsets.UTF_8);
    }

    private static RuleDefinition convert(String yaml, FieldMapping mapping) throws Exception {
        return SigmaTestRules.rule(yaml, mapping, "TA0006", "T1110");
    }

    private static List<Alert> run(RuleDefinition rule, List<SecurityEvent> events) throws Exception {
        return RuleFixtureRunner.alertsFor(rule, events);
    }

    private static SecurityEvent logon(int id, Instant at, String user, String host, String workstation) {
        return event(at, "logon-" + id + "-" + user + "-" + host + "-" + at.toEpochMilli(), "winlog.channel", "Security",
                "winlog.event_id", (long) id, "user.name", user, "host.name", host, "WorkstationName", workstation);
    }

    private static List<SecurityEvent> failures(int n, Instant from, Duration step, String user, String host) {
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(logon(4625, from.plus(step.multipliedBy(i)), user, host, "ws-1"));
        }
        return out;
    }

    private static List<SecurityEvent> with(List<SecurityEvent> a, SecurityEvent... more) {
        List<SecurityEvent> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    @Test
    void specificationExampleFailedLogonsFollowedBySuccessIsTemporalOrderedOverEventCount() throws Exception {
        RuleDefinition rule = convert(example("spec-example_failed_logins_followed_by_success.yml"), FieldMapping.shipped());
        assertThat(rule.metadata().partitionField()).isEqualTo("user.name");
        assertThat(rule.metadata().horizon()).isEqualTo(Duration.ofMinutes(20));
        Duration s30 = Duration.ofSeconds(30);
        Instant tenth = T0.plus(s30.multipliedBy(9));

        List<Alert> alerts = run(rule, with(failures(10, T0, s30, "alice", "dc1"), logon(4624, tenth.plusSeconds(60), "alice", "dc1", "ws-1")));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).partitionValue()).isEqualTo("alice");
        assertThat(alerts.get(0).evidence()).hasSize(11);

        assertThat(run(rule, with(failures(9, T0, s30, "alice", "dc1"), logon(4624, tenth.plusSeconds(60), "alice", "dc1", "ws-1"))))
                .as("nine failures are not ten").isEmpty();
        assertThat(run(rule, with(failures(10, T0, s30, "alice", "dc1"), logon(4624, tenth.plusSeconds(60), "bob", "dc1", "ws-1"))))
                .as("the success of another user").isEmpty();
        assertThat(run(rule, with(failures(10, T0, s30, "alice", "dc1"), logon(4625, T0.minusSeconds(5), "bob", "dc1", "ws-1"),
                logon(4624, tenth.plusSeconds(60), "bob", "dc1", "ws-1"))))
                .as("the success of another user already seen: the inner count stays in its partition").isEmpty();
        assertThat(run(rule, with(failures(10, T0, s30, "alice", "dc1"), logon(4624, T0.minusSeconds(1), "alice", "dc1", "ws-1"))))
                .as("the success before the failures: wrong order").isEmpty();
        assertThat(run(rule, with(failures(10, T0, s30, "alice", "dc1"), logon(4624, tenth.plus(Duration.ofMinutes(10)), "alice", "dc1", "ws-1"))))
                .as("the success ten minutes after the tenth failure: outside the timespan").isEmpty();
        assertThat(run(rule, with(failures(10, T0, s30, "alice", "dc1"), logon(4624, tenth.plus(Duration.ofMinutes(10)).minusSeconds(1), "alice", "dc1", "ws-1"))))
                .as("just inside the timespan").hasSize(1);
        assertThat(run(rule, with(failures(25, T0, s30, "alice", "dc1"), logon(4624, T0.plus(Duration.ofMinutes(13)), "alice", "dc1", "ws-1"))))
                .as("once per window, not once per failure past the threshold").hasSize(1);
    }

    @Test
    void eventCountFiresOncePerWindowAtTheThresholdAndNotAcrossGroupsOrWindowEdges() throws Exception {
        RuleDefinition rule = convert(FAILED_LOGON + "---\n" + example("tests/schema/correlation/event_count.yml"), FieldMapping.shipped());
        assertThat(rule.metadata().partitionField()).isEqualTo("host.name");
        Duration step = Duration.ofSeconds(35); // 100 events take 57m45s

        List<Alert> alerts = run(rule, failures(150, T0, step, "u", "dc1"));
        assertThat(alerts).as("one alert per window, at the 100th event").hasSize(1);
        assertThat(alerts.get(0).timestamp()).isEqualTo(T0.plus(step.multipliedBy(99)));
        assertThat(run(rule, failures(99, T0, step, "u", "dc1"))).isEmpty();
        assertThat(run(rule, failures(100, T0, Duration.ofSeconds(37), "u", "dc1")))
                .as("100 events over 61 minutes never hold 100 in an hour").isEmpty();
        List<SecurityEvent> split = new ArrayList<>(failures(50, T0, step, "u", "dc1"));
        split.addAll(failures(50, T0.plusSeconds(1), step, "u", "dc2"));
        assertThat(run(rule, split)).as("two hosts are two groups").isEmpty();
    }

    @Test
    void eventCountInTheEcsTaxonomyGroupsByTheEcsField() throws Exception {
        String dnsRule = """
                title: DNS query
                id: 5638f7c0-ac70-491d-8465-2a65075e0d86
                tags: [attack.command-and-control, attack.t1071.004]
                logsource: {product: windows, category: dns_query}
                detection:
                    selection: {QueryName|endswith: '.example'}
                    condition: selection
                """;
        RuleDefinition rule = convert(dnsRule + "---\n" + example("tests/schema/correlation/event_count_ecs.yml"), FieldMapping.shipped());
        assertThat(rule.metadata().partitionField()).isEqualTo("dns.question.name");
        List<SecurityEvent> same = new ArrayList<>();
        List<SecurityEvent> different = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            same.add(event(T0.plusSeconds(i), "q" + i, "winlog.channel", SigmaTestRules.SYSMON, "winlog.event_id", 22L,
                    "host.name", "h", "QueryName", "a.example", "dns.question.name", "a.example"));
            different.add(event(T0.plusSeconds(i), "d" + i, "winlog.channel", SigmaTestRules.SYSMON, "winlog.event_id", 22L,
                    "host.name", "h", "QueryName", "a" + (i % 2) + ".example", "dns.question.name", "a" + (i % 2) + ".example"));
        }
        assertThat(run(rule, same)).hasSize(1);
        assertThat(run(rule, different)).isEmpty();
    }

    @Test
    void valueCountCountsDistinctValuesPerGroup() throws Exception {
        RuleDefinition rule = convert(FAILED_LOGON + "---\n" + example("tests/schema/correlation/value_count.yml"), FieldMapping.shipped());
        List<SecurityEvent> distinct = new ArrayList<>();
        List<SecurityEvent> twoWorkstations = new ArrayList<>();
        List<SecurityEvent> oneUser = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Instant at = T0.plus(Duration.ofMinutes(10).multipliedBy(i));  // 100 users over 16.5 hours, inside a day
            distinct.add(logon(4625, at, "user" + i, "dc1", "ws-1"));
            twoWorkstations.add(logon(4625, at, "user" + i, "dc1", "ws-" + (i % 2)));
            oneUser.add(logon(4625, at, "same", "dc1", "ws-1"));
        }
        assertThat(run(rule, distinct)).hasSize(1);
        assertThat(run(rule, twoWorkstations)).as("50 users per workstation").isEmpty();
        assertThat(run(rule, oneUser)).as("one user a hundred times").isEmpty();
    }

    private static SecurityEvent command(Instant at, String commandLine, String host, String user) {
        return event(at, "cmd-" + commandLine + host + user + at.toEpochMilli(), "winlog.channel", SigmaTestRules.SYSMON,
                "winlog.event_id", 1L, "host.name", host, "CommandLine", commandLine, "User", user);
    }

    private static List<SecurityEvent> recon(String host, String... userAndCommandAtMinutes) {
        List<SecurityEvent> out = new ArrayList<>();
        for (String spec : userAndCommandAtMinutes) {
            String[] p = spec.split("@");
            out.add(command(T0.plusSeconds((long) (Double.parseDouble(p[2]) * 60)), p[1], host, p[0]));
        }
        return out;
    }

    @Test
    void temporalNeedsEveryRuleInTheTimespanInAnyOrderForOneGroup() throws Exception {
        RuleDefinition rule = convert(SigmaTestRules.RECON_RULES + example("tests/schema/correlation/temporal.yml"), FieldMapping.shipped());
        assertThat(rule.metadata().tacticIds()).containsExactly("TA0007");
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user x@1", "CORP\\eve@ipconfig /all@4"))).hasSize(1);
        assertThat(run(rule, recon("h1", "CORP\\eve@ipconfig@0", "CORP\\eve@whoami@1", "CORP\\eve@net user@2")))
                .as("any order").hasSize(1);
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1"))).as("two of three").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1", "CORP\\bob@ipconfig@2")))
                .as("the third by another user").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1", "CORP\\eve@ipconfig@5")))
                .as("the third five minutes after the first: outside the timespan").isEmpty();
    }

    @Test
    void temporalOrderedNeedsTheRulesInTheirOrder() throws Exception {
        RuleDefinition rule = convert(SigmaTestRules.RECON_RULES + example("tests/schema/correlation/temporal_ordered.yml"), FieldMapping.shipped());
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1", "CORP\\eve@ipconfig@4"))).hasSize(1);
        assertThat(run(rule, recon("h1", "CORP\\eve@ipconfig@0", "CORP\\eve@net user@1", "CORP\\eve@whoami@2")))
                .as("reverse order").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@ipconfig@1", "CORP\\eve@net user@2")))
                .as("b and c swapped").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1", "CORP\\bob@ipconfig@2")))
                .as("another user").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1", "CORP\\eve@ipconfig@5.5")))
                .as("outside the timespan").isEmpty();
    }

    /** A temporal_ordered over another temporal_ordered: (whoami then net user) then ipconfig, per host and user. */
    private static final String NESTED_ORDERED = """
            title: whoami then net user
            name: recon_ab
            correlation:
                type: temporal_ordered
                rules: [recon_cmd_a, recon_cmd_b]
                group-by: [ComputerName, User]
                timespan: 5m
            ---
            title: whoami then net user, then ipconfig
            correlation:
                type: temporal_ordered
                rules: [recon_ab, recon_cmd_c]
                group-by: [ComputerName, User]
                timespan: 10m
            """;

    @Test
    void temporalOrderedOverATemporalOrderedFiresOnlyInOrderWithinBothTimespansForOneGroup() throws Exception {
        RuleDefinition rule = convert(SigmaTestRules.RECON_RULES + NESTED_ORDERED, FieldMapping.shipped());
        assertThat(rule.metadata().horizon()).as("the outer timespan plus the inner one").isEqualTo(Duration.ofMinutes(15));

        List<Alert> alerts = run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1", "CORP\\eve@ipconfig@4"));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).evidence()).as("the three commands").hasSize(3);
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1", "CORP\\eve@ipconfig@10.9")))
                .as("ipconfig just inside ten minutes of the inner match").hasSize(1);

        assertThat(run(rule, recon("h1", "CORP\\eve@ipconfig@0", "CORP\\eve@whoami@1", "CORP\\eve@net user@2")))
                .as("the outer step before the inner match").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@net user@0", "CORP\\eve@whoami@1", "CORP\\eve@ipconfig@2")))
                .as("the inner steps in the wrong order").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@6", "CORP\\eve@ipconfig@7")))
                .as("the inner steps further apart than the inner timespan").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1", "CORP\\eve@ipconfig@11.1")))
                .as("ipconfig past ten minutes after the inner match").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1", "CORP\\bob@ipconfig@2")))
                .as("the last step by another user").isEmpty();
        assertThat(run(rule, recon("h1", "CORP\\eve@whoami@0", "CORP\\bob@net user@1", "CORP\\eve@ipconfig@2")))
                .as("the inner steps by two users").isEmpty();
        List<SecurityEvent> twoHosts = new ArrayList<>(recon("h1", "CORP\\eve@whoami@0", "CORP\\eve@net user@1"));
        twoHosts.addAll(recon("h2", "CORP\\eve@ipconfig@2"));
        assertThat(run(rule, twoHosts)).as("the last step on another host").isEmpty();
        List<SecurityEvent> crossed = new ArrayList<>(recon("h2", "CORP\\eve@whoami@0"));
        crossed.addAll(recon("h1", "CORP\\eve@net user@1", "CORP\\eve@ipconfig@2"));
        assertThat(run(rule, crossed)).as("the inner steps on two hosts").isEmpty();
    }

    private static final FieldMapping TRAFFIC = FieldMapping.parse("test-mapping", """
            logsources:
              - name: webserver
                logsource: {category: webserver}
                partition: source.ip
                variants:
                  - name: access-log
                    where: {event.category: web}
                    fields: {SourceIP: source.ip, User: user.name, bytes_sent: http.response.body.bytes, c-ip: source.ip}
              - name: firewall
                logsource: {category: firewall}
                partition: source.ip
                variants:
                  - name: network-event
                    where: {event.category: network}
                    fields: {SourceIP: source.ip, User: user.name, BytesOut: source.bytes, src_ip: source.ip, dst_ip: destination.ip}
            """, FieldMapping.shipped());

    private static SecurityEvent web(Instant at, String ip, String user, long bytes) {
        return event(at, "web-" + ip + user + at.toEpochMilli() + bytes, "event.category", "web", "source.ip", ip,
                "user.name", user, "http.response.body.bytes", bytes, "url.path", "/download");
    }

    private static SecurityEvent flow(Instant at, String ip, String user, long bytes) {
        return event(at, "fw-" + ip + user + at.toEpochMilli() + bytes, "event.category", "network", "source.ip", ip,
                "user.name", user, "source.bytes", bytes, "destination.ip", "203.0.113.9");
    }

    @Test
    void valueSumAddsUpAFieldPerGroup() throws Exception {
        String base = """
                title: Website access
                name: website_access
                tags: [attack.exfiltration, attack.t1048]
                logsource: {category: webserver}
                detection: {selection: {c-uri|startswith: '/'}, condition: selection}
                ---
                """.replace("c-uri", "c-ip").replace("'/'", "'1'");
        RuleDefinition rule = convert(base + example("tests/schema/correlation/value_sum.yml"), TRAFFIC);
        assertThat(run(rule, List.of(web(T0, "10.0.0.1", "u", 400_000), web(T0.plusSeconds(60), "10.0.0.1", "u", 400_000),
                web(T0.plusSeconds(120), "10.0.0.1", "u", 400_000)))).hasSize(1);
        assertThat(run(rule, List.of(web(T0, "10.0.0.1", "u", 400_000), web(T0.plusSeconds(60), "10.0.0.1", "u", 400_000),
                web(T0.plusSeconds(120), "10.0.0.1", "v", 400_000)))).as("two users").isEmpty();
        assertThat(run(rule, List.of(web(T0, "10.0.0.1", "u", 400_000), web(T0.plusSeconds(60), "10.0.0.1", "u", 400_000),
                web(T0.plusSeconds(3601), "10.0.0.1", "u", 400_000)))).as("the third after the hour").isEmpty();
    }

    @Test
    void valueAvgAveragesAFieldPerGroup() throws Exception {
        String base = """
                title: Firewall flow
                id: rule_a_id
                tags: [attack.exfiltration, attack.t1048]
                logsource: {category: firewall}
                detection: {selection: {dst_ip|cidr: '203.0.113.0/24'}, condition: selection}
                ---
                """;
        RuleDefinition rule = convert(base + example("tests/schema/correlation/value_avg.yml"), TRAFFIC);
        assertThat(run(rule, List.of(flow(T0, "10.0.0.1", "u", 400), flow(T0.plusSeconds(60), "10.0.0.1", "u", 800)))).hasSize(1);
        assertThat(run(rule, List.of(flow(T0, "10.0.0.1", "u", 400), flow(T0.plusSeconds(60), "10.0.0.1", "u", 500)))).isEmpty();
    }

    @Test
    void valuePercentileIsRefusedWithItsReason() {
        SigmaConverter.Refused r = SigmaTestRules.refusal("""
                title: Process creation
                name: process_creation
                tags: [attack.execution, attack.t1059]
                logsource: {product: windows, category: process_creation}
                detection: {selection: {Image|endswith: '.exe'}, condition: selection}
                ---
                """ + uncheckedExample("tests/schema/correlation/value_percentile.yml"));
        assertThat(r.reason()).isEqualTo(SigmaRefusal.UNSUPPORTED_CORRELATION);
        assertThat(r.detail()).contains("value_percentile");
    }

    private static String uncheckedExample(String path) {
        try {
            return example(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final FieldMapping TEST_CATEGORY = FieldMapping.parse("test-mapping", """
            logsources:
              - name: test
                logsource: {category: test}
                partition: user.name
                variants:
                  - name: test
                    where: {event.dataset: test}
                    fields: {fieldA: event.action, fieldB: event.outcome, fieldC: user.name, fieldD: source.ip}
            """, FieldMapping.shipped());

    private static SecurityEvent testEvent(Instant at, String a, String b, String c, String d) {
        return event(at, "t-" + a + b + c + d + at.toEpochMilli(), "event.dataset", "test", "event.action", a,
                "event.outcome", b, "user.name", c, "source.ip", d);
    }

    @Test
    void pySigmaCorrelationFileConvertsEventCountValueCountAndTemporalWithAliases() throws Exception {
        SigmaConverter.Result result = SigmaTestRules.convert(example("pySigma-tests-files/correlation_rule.yml"), TEST_CATEGORY,
                "TA0001", "T1078");
        assertThat(result.refused()).isEmpty();
        assertThat(result.converted()).extracting(SigmaConverter.Converted::vigilId).containsExactly(
                "sigma-4db3cdb5-aac6-4827-a756-d99475865d32", "sigma-16a288b8-4ed2-440f-9984-7a128e86e006",
                "sigma-dc48f97e-237d-42f4-a136-39c94cd53a17");
        RuleDefinition eventCount = load(result.converted().get(0));
        RuleDefinition valueCount = load(result.converted().get(1));
        RuleDefinition temporal = load(result.converted().get(2));

        List<SecurityEvent> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(testEvent(T0.plusSeconds(60L * i), "value1", "value2", "carol", "10.0.0.1"));
        }
        assertThat(run(eventCount, ten)).hasSize(1);
        assertThat(run(eventCount, ten.subList(0, 9))).isEmpty();

        // value_count lt 10: decided when each 15-minute window (aligned to the epoch) closes.
        List<SecurityEvent> few = List.of(testEvent(T0.plusSeconds(10), "value1", "value2", "carol", "10.0.0.1"),
                testEvent(T0.plusSeconds(20), "value1", "value2", "carol", "10.0.0.2"));
        List<Alert> alerts = run(valueCount, few);
        assertThat(alerts).hasSize(1);
        // Reported when Esper's clock passes the window's end: here at the first event plus the rule's horizon.
        assertThat(alerts.get(0).timestamp()).isBetween(T0.plus(Duration.ofMinutes(15)), T0.plus(Duration.ofMinutes(15)).plusSeconds(10));
        List<SecurityEvent> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            many.add(testEvent(T0.plusSeconds(10L * i), "value1", "value2", "carol", "10.0.0." + i));
        }
        assertThat(run(valueCount, many)).as("ten distinct values are not fewer than ten").isEmpty();

        assertThat(run(temporal, List.of(testEvent(T0, "value1", "value2", "carol", "10.0.0.1"),
                testEvent(T0.plusSeconds(300), "value3", "value4", "carol", "10.0.0.9")))).hasSize(1);
        assertThat(run(temporal, List.of(testEvent(T0, "value1", "value2", "carol", "10.0.0.1"),
                testEvent(T0.plusSeconds(300), "value3", "value4", "dave", "10.0.0.9")))).as("another fieldC").isEmpty();
        assertThat(run(temporal, List.of(testEvent(T0, "value1", "value2", "carol", "10.0.0.1"),
                testEvent(T0.plusSeconds(900), "value3", "value4", "carol", "10.0.0.9")))).as("15 minutes apart").isEmpty();
    }

    private static RuleDefinition load(SigmaConverter.Converted c) throws Exception {
        return org.vigil.rules.RuleFileParser.parse(c.path(), c.text());
    }

    @Test
    void aliasesJoinDifferentlyNamedFieldsOfTheSameEventField() throws Exception {
        String yaml = """
                title: Web request
                name: web_request
                tags: [attack.initial-access, attack.t1190]
                logsource: {category: webserver}
                detection: {selection: {c-ip|cidr: '0.0.0.0/0'}, condition: selection}
                ---
                title: Firewall flow
                name: fw_flow
                tags: [attack.initial-access, attack.t1190]
                logsource: {category: firewall}
                detection: {selection: {dst_ip: '203.0.113.9'}, condition: selection}
                ---
                title: Web request and flow from one address
                id: 66666666-2222-3333-4444-555555555555
                correlation:
                    type: temporal
                    rules: [web_request, fw_flow]
                    aliases:
                        client: {web_request: c-ip, fw_flow: src_ip}
                    group-by: [client]
                    timespan: 10m
                """;
        RuleDefinition rule = convert(yaml, TRAFFIC);
        assertThat(rule.metadata().partitionField()).isEqualTo("source.ip");
        assertThat(run(rule, List.of(web(T0, "10.0.0.1", "u", 1), flow(T0.plusSeconds(30), "10.0.0.1", "u", 1)))).hasSize(1);
        assertThat(run(rule, List.of(web(T0, "10.0.0.1", "u", 1), flow(T0.plusSeconds(30), "10.0.0.2", "u", 1)))).isEmpty();

        SigmaConverter.Refused refused = SigmaTestRules.refusal(yaml.replace("fw_flow: src_ip", "fw_flow: dst_ip"), TRAFFIC);
        assertThat(refused.reason()).isEqualTo(SigmaRefusal.GROUP_BY_NOT_PARTITIONABLE);
    }
}
