package org.vigil.sigma;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.sigma.SigmaTestRules.T0;
import static org.vigil.sigma.SigmaTestRules.data;
import static org.vigil.sigma.SigmaTestRules.hosts;
import static org.vigil.sigma.SigmaTestRules.rule;
import static org.vigil.sigma.SigmaTestRules.windows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.event.EventFormat;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleFixtureRunner;

/**
 * Log sources and fields the shipped mapping gained for the SigmaHQ sample's refusals: PowerShell module logging and
 * the PowerShell channel, the web server request target, and keywords on web server access lines.
 */
class SigmaLogSourceMappingTest {

    private static final String PS_OPERATIONAL = "Microsoft-Windows-PowerShell/Operational";
    private static final String WEB_TOPIC = "soc.events.web";

    @Test
    void psModuleIsModuleLoggingEvent4103() throws Exception {
        RuleDefinition r = rule("""
                title: decompress
                id: 1ddc1472-8e52-4f7d-9f11-eab14fc171f5
                tags: [attack.defense-evasion, attack.t1140]
                logsource: {product: windows, category: ps_module}
                detection:
                    selection_4103: {Payload|contains: 'Expand-Archive'}
                    condition: selection_4103
                """);
        var events = List.of(
                windows(PS_OPERATIONAL, 4103, "host-0", data("Payload", "CommandInvocation(Expand-Archive): x.zip"), T0),
                windows(PS_OPERATIONAL, 4104, "host-1", data("Payload", "Expand-Archive x.zip"), T0),
                windows("Windows PowerShell", 4103, "host-2", data("Payload", "Expand-Archive x.zip"), T0),
                windows(PS_OPERATIONAL, 4103, "host-3", data("Payload", "CommandInvocation(Get-ChildItem)"), T0));
        assertThat(hosts(RuleFixtureRunner.alertsFor(r, events)))
                .as("only 4103 of the PowerShell/Operational channel, and only with the value").containsExactly(0);
    }

    @Test
    void powershellServiceIsEveryEventOfTheOperationalChannel() throws Exception {
        RuleDefinition r = rule("""
                title: ai artefacts
                id: 9a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d
                tags: [attack.execution, attack.t1059.001]
                logsource: {product: windows, service: powershell}
                detection:
                    selection: {ScriptBlockText|contains: ['as an ai', 'here is the code']}
                    condition: selection
                """);
        var events = List.of(
                windows(PS_OPERATIONAL, 4104, "host-0", data("ScriptBlockText", "# Here is the code you asked for"), T0),
                windows(PS_OPERATIONAL, 4105, "host-1", data("ScriptBlockText", "As an AI language model"), T0),
                windows("Security", 4104, "host-2", data("ScriptBlockText", "here is the code"), T0),
                windows(PS_OPERATIONAL, 4104, "host-3", data("ScriptBlockText", "Get-Process | Stop-Process"), T0));
        assertThat(hosts(RuleFixtureRunner.alertsFor(r, events))).containsExactly(0, 1);
    }

    @Test
    void webserverCsUriQueryIsTheWholeRequestTarget() throws Exception {
        // As SigmaHQ's rules write it: a path (and a path ending) under cs-uri-query.
        RuleDefinition r = rule("""
                title: citrix and tilde scan
                id: ac5a6409-8c89-44c2-8d64-668c29a2d756
                tags: [attack.initial-access, attack.t1190]
                logsource: {category: webserver}
                detection:
                    selection_smb: {cs-uri-query|endswith: '/vpns/cfg/smb.conf'}
                    selection_tilde: {cs-uri-query|contains: '~1', cs-uri-query|endswith: 'a.aspx'}
                    condition: 1 of selection_*
                """);
        List<SecurityEvent> events = webEvents(
                "GET /vpns/cfg/smb.conf HTTP/1.1",              // 0 the path
                "GET /../vpns/cfg/SMB.CONF HTTP/1.1",           // 1 any case
                "OPTIONS /aspnet~1/x*~1*/a.aspx HTTP/1.1",      // 2 path with ~1, ending a.aspx
                "GET /vpns/cfg/smb.conf.bak HTTP/1.1",          // 3 no: does not end so
                "GET /search?q=/vpns/cfg/smb.conf.old HTTP/1.1", // 4 no
                "GET /web~1/index.html HTTP/1.1");              // 5 no: ~1 but not a.aspx
        assertThat(clients(RuleFixtureRunner.alertsFor(r, events))).containsExactly(0, 1, 2);
    }

    @Test
    void webserverKeywordsSearchTheAccessLine() throws Exception {
        RuleDefinition r = rule("""
                title: sql injection
                id: 5513deaf-f49a-46c2-a6c8-3f111b5cb453
                tags: [attack.initial-access, attack.t1190]
                logsource: {category: webserver}
                detection:
                    keywords: ['=select ', 'UNION ALL SELECT', 'sqlmap']
                    filter: {sc-status: 404}
                    condition: keywords and not filter
                """);
        List<SecurityEvent> events = webEvents(
                "GET /item.php?id=1%20UNION%20ALL%20SELECT%201 HTTP/1.1",    // 0 no: the line has %20, not spaces
                "GET /item.php?id=1 HTTP/1.1",                             // 1 no
                "GET /item.php?id=1 HTTP/1.1\" 200 10 \"-\" \"sqlmap/1.7",   // 2 the user agent is in the line
                "GET /q?x=SELECT%20a&y=select  HTTP/1.1",                  // 3 '=select ' in the request, any case
                "GET /q?y=select  HTTP/1.1\" 404 10 \"-\" \"sqlmap");      // 4 filtered by status
        assertThat(clients(RuleFixtureRunner.alertsFor(r, events))).containsExactly(2, 3);
    }

    @Test
    void linuxWithoutAServiceSearchesTheMessagesOfSyslogAndAuthLogs() throws Exception {
        RuleDefinition r = rule("""
                title: privileged user created
                id: 0ac15ec3-d24f-4246-aa2a-3077bb1cf90e
                tags: [attack.persistence, attack.t1136.001]
                logsource: {product: linux}
                detection:
                    selection_new_user: ['new user']
                    selection_uids_gids: ['GID=0,', 'UID=0,', 'GID=27,']
                    condition: all of selection_*
                """);
        var events = List.of(
                linux("host-0", "system.auth", "useradd[1337]: new user: name=john, UID=0, GID=0, home=/home/john"),
                linux("host-1", "system.syslog", "useradd[1337]: New user: name=b4, UID=1000, GID=27, home=/home/b4"),
                linux("host-2", "system.auth", "useradd[1337]: new user: name=ann, UID=1001, GID=1001, home=/home/ann"),
                linux("host-3", "windows.security", "new user: name=john, UID=0, GID=0,"),
                linux("host-4", "system.auth", "usermod[7]: change user 'john' GID=0, UID=0,"));
        assertThat(hosts(RuleFixtureRunner.alertsFor(r, events))).containsExactly(0, 1);
    }

    private static SecurityEvent linux(String host, String dataset, String message) {
        return SecurityEvent.builder().timestamp(T0).id(host + dataset).put("host.name", host)
                .put("event.dataset", dataset).put("message", message).build();
    }

    /**
     * Access lines parsed by the job's web line format, one client each (198.51.100.N): combined log format around
     * the given request (which may carry its own closing quote, status and user agent).
     */
    private static List<SecurityEvent> webEvents(String... requests) {
        EventParser parser = EventParser.builder().topicFormat(WEB_TOPIC, EventFormat.WEB)
                .clock(Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC)).build();
        List<SecurityEvent> out = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            String request = requests[i];
            String tail = request.contains("\" ") ? "\"" : "\" 200 512 \"-\" \"curl/8.0\"";
            String line = "198.51.100." + i + " - - [02/Mar/2026:08:00:00 +0000] \"" + request + tail;
            ParseResult parsed = parser.parse(line.getBytes(UTF_8), WEB_TOPIC, 0, i);
            assertThat(parsed.isEvent()).as("parsed: %s", line).isTrue();
            assertThat(parsed.event().get("event.original")).isEqualTo(line);
            out.add(parsed.event());
        }
        return out;
    }

    private static Set<Integer> clients(List<Alert> alerts) {
        Set<Integer> out = new TreeSet<>();
        for (Alert a : alerts) {
            out.add(Integer.parseInt(a.partitionValue().substring("198.51.100.".length())));
        }
        return out;
    }
}
