package org.vigil.rules;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.alert.AlertDocument;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;

/**
 * The shipped rules over records as Windows and Filebeat write them, parsed by the job's normalisers: the
 * fixtures beside the rules state normalised fields, this shows the normalisers fill the fields the rules use.
 */
class RulePackRecordsTest {
    /** A topic without a configured format: the format is detected per record, as on a mixed topic. */
    private static final String MIXED_TOPIC = "soc.events.mixed";
    private static final EventParser PARSER = EventParser.builder().build();
    private static List<RuleDefinition> rules;

    @BeforeAll
    static void loadRules() throws Exception {
        rules = RuleLoader.load(RulePaths.rulesDir());
    }

    @Test
    void accountCreatedAndAddedToDomainAdminsIsFoundBySidThoughTheGroupEventNamesTheMemberByDn() throws Exception {
        List<SecurityEvent> events = parse(
                // NXLog im_msvistalog.
                """
                {"EventTime":"2026-03-02 22:10:00","Hostname":"DC01.gov.example","EventID":4720,
                 "SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security",
                 "TargetUserName":"svc_backup2","TargetDomainName":"GOV",
                 "TargetSid":"S-1-5-21-3623811015-3361044348-30300820-1190",
                 "SubjectUserSid":"S-1-5-21-3623811015-3361044348-30300820-500","SubjectUserName":"admin.tran",
                 "SubjectDomainName":"GOV","SamAccountName":"svc_backup2"}
                """,
                // evtx_dump, three minutes later.
                """
                {"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},
                  "EventID":4728,"TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T22:13:00Z"}},
                  "Channel":"Security","Computer":"DC01.gov.example"},
                 "EventData":{"MemberName":"CN=Backup Service 2,OU=Service,DC=gov,DC=example",
                  "MemberSid":"S-1-5-21-3623811015-3361044348-30300820-1190","TargetUserName":"Domain Admins",
                  "TargetDomainName":"GOV","TargetSid":"S-1-5-21-3623811015-3361044348-30300820-512",
                  "SubjectUserName":"admin.tran","SubjectDomainName":"GOV","PrivilegeList":"-"}}}
                """);

        List<Alert> alerts = alerts("vigil-account-created-added-to-admin-group", events);

        assertThat(alerts).hasSize(1);
        JsonNode doc = AlertDocument.toJson(alerts.get(0));
        assertThat(doc.at("/vigil/entity/value").asText()).isEqualTo("admin.tran");
        assertThat(doc.at("/vigil/details/new_account").asText()).isEqualTo("svc_backup2");
        assertThat(doc.at("/vigil/details/group_name").asText()).isEqualTo("Domain Admins");
    }

    @Test
    void anSmbexecServiceIsFlaggedAndPsexecsOwnServiceIsNot() throws Exception {
        List<SecurityEvent> events = parse(
                """
                {"EventTime":"2026-03-03 02:14:00","Hostname":"DMS01.gov.example","EventID":7045,
                 "SourceName":"Service Control Manager","Channel":"system","ServiceName":"BTOBTO",
                 "ImagePath":"%COMSPEC% /Q /c echo cd  ^> \\\\\\\\127.0.0.1\\\\C$\\\\__output 2^>^&1 > %TEMP%\\\\execute.bat",
                 "ServiceType":"user mode service","StartType":"demand start","AccountName":"LocalSystem"}
                """,
                """
                {"EventTime":"2026-03-03 02:20:00","Hostname":"FS01.gov.example","EventID":7045,
                 "SourceName":"Service Control Manager","Channel":"System","ServiceName":"PSEXESVC",
                 "ImagePath":"%SystemRoot%\\\\PSEXESVC.exe","ServiceType":"user mode service",
                 "StartType":"demand start","AccountName":"LocalSystem"}
                """);

        List<Alert> alerts = alerts("vigil-suspicious-service-installed", events);

        assertThat(alerts).extracting(Alert::partitionValue).containsExactly("dms01.gov.example");
        assertThat(alerts.get(0).details()).containsEntry("service_name", "BTOBTO");
    }

    @Test
    void wordStartingEncodedPowerShellIsBothAMaliciousDocumentAndAnEncodedCommand() throws Exception {
        // Sysmon 1 as Winlogbeat ships it.
        List<SecurityEvent> events = parse("""
                {"@timestamp":"2026-03-02T09:15:42.031Z",
                 "winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":1,
                           "provider_name":"Microsoft-Windows-Sysmon","computer_name":"WS-042.gov.example",
                           "event_data":{"ProcessId":"6700",
                             "Image":"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe",
                             "CommandLine":"powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
                             "User":"GOV\\\\alice","ParentProcessId":"4324",
                             "ParentImage":"C:\\\\Program Files\\\\Microsoft Office\\\\root\\\\Office16\\\\WINWORD.EXE"}}}
                """);

        assertThat(alerts("vigil-office-app-spawns-shell", events)).extracting(Alert::partitionValue)
                .containsExactly("ws-042.gov.example");
        assertThat(alerts("vigil-encoded-powershell", events)).hasSize(1);
    }

    @Test
    void theSecurityLogClearedIsFoundFromItsEventAndAnotherProductsEvent1102IsNot() throws Exception {
        List<SecurityEvent> events = parse(
                """
                {"EventTime":"2026-03-02 23:41:00","Hostname":"DC01.gov.example","EventID":1102,
                 "SourceName":"Microsoft-Windows-Eventlog","Channel":"Security",
                 "SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin.tran","SubjectDomainName":"GOV"}
                """,
                """
                {"EventTime":"2026-03-02 23:45:00","Hostname":"DMS01.gov.example","EventID":1102,
                 "SourceName":"MsiInstaller","Channel":"Application"}
                """);

        List<Alert> alerts = alerts("vigil-security-log-cleared", events);

        assertThat(alerts).extracting(Alert::partitionValue).containsExactly("dc01.gov.example");
        assertThat(alerts.get(0).details()).containsEntry("cleared_by", "admin.tran");
    }

    @Test
    void oneAccountOnThreeWorkstationsIsSharedAndTheLocalAdministratorOnThreeIsNot() throws Exception {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add("""
                    {"EventTime":"2026-03-02 08:0%d:00","Hostname":"WS-10%d.gov.example","EventID":4624,
                     "SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","LogonType":"2",
                     "TargetUserName":"ketoan","TargetDomainName":"GOV","IpAddress":"127.0.0.1"}
                    """.formatted(i * 3, i));
            records.add("""
                    {"EventTime":"2026-03-02 08:0%d:30","Hostname":"WS-20%d.gov.example","EventID":4624,
                     "SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","LogonType":"2",
                     "TargetUserName":"Administrator","TargetDomainName":"WS-20%d","IpAddress":"127.0.0.1"}
                    """.formatted(i * 3, i, i));
        }

        List<Alert> alerts = alerts("vigil-shared-account-many-origins", parse(records.toArray(String[]::new)));

        assertThat(alerts).extracting(Alert::partitionValue).containsExactly("ketoan");
        assertThat(alerts.get(0).details()).containsEntry("console_hosts", 3L);
    }

    @Test
    void filebeatAccessLogsOfAnAnsweredInjectionBurstAlert() throws Exception {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add("""
                    {"@timestamp":"2026-03-02T14:00:%02dZ","event":{"category":["web"],"kind":"event",
                     "dataset":"nginx.access"},"source":{"ip":"45.77.10.20"},
                     "url":{"original":"/tracuu/hoso?id=1%%20UNION%%20ALL%%20SELECT%%20NULL,%d--","domain":"dichvucong.gov.example"},
                     "http":{"request":{"method":"GET"},"response":{"status_code":200}},
                     "user_agent":{"original":"sqlmap/1.8"}}
                    """.formatted(i * 5, i));
        }

        List<Alert> alerts = alerts("vigil-web-injection-burst-answered", parse(records.toArray(String[]::new)));

        assertThat(alerts).extracting(Alert::partitionValue).containsExactly("45.77.10.20");
    }

    private static List<Alert> alerts(String ruleId, List<SecurityEvent> events) throws RuleException {
        RuleDefinition rule = rules.stream().filter(r -> r.id().equals(ruleId)).findFirst()
                .orElseThrow(() -> new AssertionError("no shipped rule " + ruleId));
        return RuleFixtureRunner.alertsFor(rule, events);
    }

    private static List<SecurityEvent> parse(String... records) {
        List<SecurityEvent> events = new ArrayList<>();
        for (String record : records) {
            ParseResult result = PARSER.parse(record.getBytes(UTF_8), MIXED_TOPIC, 0, events.size());
            assertThat(result.isEvent()).as("parsed, not %s", result.isEvent() ? null : result.deadLetter()).isTrue();
            events.add(result.event());
        }
        return events;
    }
}
