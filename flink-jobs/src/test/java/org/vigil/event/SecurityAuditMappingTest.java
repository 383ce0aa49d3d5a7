package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.event.WindowsRecords.event;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityAuditMappingTest {

    // python-evtx through xmltodict: attributes as "@Name", Data elements as a list, EventID with "#text".
    static final String LOGON_4624 = """
            {"Event":{"@xmlns":"http://schemas.microsoft.com/win/2004/08/events/event",
             "System":{"Provider":{"@Name":"Microsoft-Windows-Security-Auditing",
                        "@Guid":"{54849625-5478-4994-A5BA-3E3B0328C30D}"},
              "EventID":{"@Qualifiers":"","#text":"4624"},"Version":"2","Level":"0","Task":"12544",
              "TimeCreated":{"@SystemTime":"2026-03-02 08:00:01.500000"},"EventRecordID":"1048212",
              "Execution":{"@ProcessID":"656","@ThreadID":"4512"},"Channel":"Security",
              "Computer":"DC01.gov.example","Security":null},
             "EventData":{"Data":[
              {"@Name":"SubjectUserSid","#text":"S-1-5-18"},{"@Name":"SubjectUserName","#text":"DC01$"},
              {"@Name":"TargetUserSid","#text":"S-1-5-21-3623811015-3361044348-30300820-1104"},
              {"@Name":"TargetUserName","#text":"alice"},{"@Name":"TargetDomainName","#text":"GOV"},
              {"@Name":"LogonType","#text":"10"},{"@Name":"LogonProcessName","#text":"User32 "},
              {"@Name":"WorkstationName","#text":"WS-042"},{"@Name":"TransmittedServices","#text":"-"},
              {"@Name":"ProcessId","#text":"0x3e8"},
              {"@Name":"ProcessName","#text":"C:\\Windows\\System32\\svchost.exe"},
              {"@Name":"IpAddress","#text":"10.0.0.42"},{"@Name":"IpPort","#text":"0"}]}}}
            """;

    // evtx_dump: attributes under "#attributes", EventID and some data as numbers.
    static final String FAILED_4625 = """
            {"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},
             "System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing",
                        "Guid":"54849625-5478-4994-A5BA-3E3B0328C30D"}},
              "EventID":4625,"Version":0,"Level":0,"Task":12544,"Opcode":0,"Keywords":"0x8010000000000000",
              "TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T08:00:00.123456Z"}},"EventRecordID":1048211,
              "Correlation":null,"Execution":{"#attributes":{"ProcessID":656,"ThreadID":4512}},
              "Channel":"Security","Computer":"DC01.gov.example","Security":null},
             "EventData":{"SubjectUserSid":"S-1-0-0","SubjectUserName":"-","SubjectDomainName":"-",
              "SubjectLogonId":"0x0","TargetUserSid":"S-1-0-0","TargetUserName":"administrator",
              "TargetDomainName":"GOV","Status":"0xc000006d","FailureReason":"%%2313","SubStatus":"0xc000006a",
              "LogonType":3,"LogonProcessName":"NtLmSsp ","AuthenticationPackageName":"NTLM",
              "WorkstationName":"KALI","TransmittedServices":"-","LmPackageName":"-","KeyLength":0,
              "ProcessId":"0x0","ProcessName":"-","IpAddress":"::ffff:203.0.113.7","IpPort":"51234"}}}
            """;

    @Test
    void successfulLogon() {
        SecurityEvent e = event(LOGON_4624);

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-03-02T08:00:01.500Z"));
        assertThat(e.get("event.category")).isEqualTo(List.of("authentication"));
        assertThat(e.get("event.type")).isEqualTo(List.of("start"));
        assertThat(e.get("event.outcome")).isEqualTo("success");
        assertThat(e.get("event.action")).isEqualTo("logged-in");
        assertThat(e.get("event.code")).isEqualTo("4624");
        assertThat(e.get("winlog.event_id")).isEqualTo(4624L);
        assertThat(e.get("user.name")).isEqualTo("alice");
        assertThat(e.get("user.domain")).isEqualTo("GOV");
        assertThat(e.get("user.id")).isEqualTo("S-1-5-21-3623811015-3361044348-30300820-1104");
        assertThat(e.get("source.ip")).isEqualTo("10.0.0.42");
        assertThat(e.get("source.domain")).isEqualTo("WS-042");
        assertThat(e.get("winlog.logon.type")).isEqualTo("RemoteInteractive");
        assertThat(e.get("winlog.event_data.LogonType")).isEqualTo("10");
        assertThat(e.get("process.executable")).isEqualTo("C:\\Windows\\System32\\svchost.exe");
        assertThat(e.get("process.name")).isEqualTo("svchost.exe");
        assertThat(e.get("winlog.process.pid")).isEqualTo("656");
        // Port 0 and "-" mean "none" in Windows logs.
        assertThat(e.fields()).doesNotContainKeys("source.port");
        assertThat(e.get("winlog.event_data.TransmittedServices")).isEqualTo("-");
    }

    @Test
    void failedLogonUnwrapsTheIpv4MappedAddress() {
        SecurityEvent e = event(FAILED_4625);

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-03-02T08:00:00.123Z"));
        assertThat(e.get("event.outcome")).isEqualTo("failure");
        assertThat(e.get("event.action")).isEqualTo("logon-failed");
        assertThat(e.get("event.category")).isEqualTo(List.of("authentication"));
        assertThat(e.get("source.ip")).isEqualTo("203.0.113.7");
        assertThat(e.get("source.port")).isEqualTo(51234L);
        assertThat(e.get("user.name")).isEqualTo("administrator");
        assertThat(e.get("user.domain")).isEqualTo("GOV");
        assertThat(e.get("winlog.logon.type")).isEqualTo("Network");
        assertThat(e.get("winlog.event_data.Status")).isEqualTo("0xc000006d");
        assertThat(e.get("winlog.event_data.SubStatus")).isEqualTo("0xc000006a");
        assertThat(e.get("winlog.record_id")).isEqualTo("1048211");
        assertThat(e.fields()).doesNotContainKeys("process.executable", "process.name");
    }

    @Test
    void processCreationReadsHexProcessIds() {
        SecurityEvent e = event("""
                {"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},
                  "EventID":4688,"TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T09:15:42.017Z"}},
                  "EventRecordID":1049002,"Channel":"Security","Computer":"WS-042.gov.example"},
                 "EventData":{"SubjectUserSid":"S-1-5-21-3623811015-3361044348-30300820-1104",
                  "SubjectUserName":"alice","SubjectDomainName":"GOV","SubjectLogonId":"0x4a1f2",
                  "NewProcessId":"0x1a2c","NewProcessName":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                  "TokenElevationType":"%%1938","ProcessId":"0x10e4",
                  "CommandLine":"powershell.exe -nop -w hidden -enc SQBFAFgA","TargetUserSid":"S-1-0-0",
                  "TargetUserName":"-","TargetDomainName":"-","TargetLogonId":"0x0",
                  "ParentProcessName":"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
                  "MandatoryLabel":"S-1-16-8192"}}}
                """);

        assertThat(e.get("event.category")).isEqualTo(List.of("process"));
        assertThat(e.get("event.type")).isEqualTo(List.of("start"));
        assertThat(e.get("process.executable"))
                .isEqualTo("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
        assertThat(e.get("process.name")).isEqualTo("powershell.exe");
        assertThat(e.get("process.command_line")).isEqualTo("powershell.exe -nop -w hidden -enc SQBFAFgA");
        assertThat(e.get("process.pid")).isEqualTo(6700L);
        assertThat(e.get("process.parent.pid")).isEqualTo(4324L);
        assertThat(e.get("process.parent.name")).isEqualTo("WINWORD.EXE");
        assertThat(e.get("process.parent.executable"))
                .isEqualTo("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE");
        assertThat(e.get("user.name")).isEqualTo("alice");
        assertThat(e.get("user.domain")).isEqualTo("GOV");
        assertThat(e.get("host.name")).isEqualTo("ws-042.gov.example");
        assertThat(e.get("host.hostname")).isEqualTo("ws-042");
    }

    @Test
    void userAccountCreatedNamesTheActorAndTheNewAccount() {
        // NXLog im_msvistalog.
        SecurityEvent e = event("""
                {"EventTime":"2026-03-02 10:00:00","Hostname":"DC01.gov.example","Keywords":-9214364837600034816,
                 "EventType":"AUDIT_SUCCESS","SeverityValue":2,"Severity":"INFO","EventID":4720,
                 "SourceName":"Microsoft-Windows-Security-Auditing",
                 "ProviderGuid":"{54849625-5478-4994-A5BA-3E3B0328C30D}","Version":0,"Task":13824,
                 "OpcodeValue":0,"RecordNumber":1050001,"ProcessID":656,"ThreadID":712,"Channel":"Security",
                 "Category":"User Account Management","Opcode":"Info","TargetUserName":"svc_backup2",
                 "TargetDomainName":"GOV","TargetSid":"S-1-5-21-3623811015-3361044348-30300820-1190",
                 "SubjectUserSid":"S-1-5-21-3623811015-3361044348-30300820-500","SubjectUserName":"admin.tran",
                 "SubjectDomainName":"GOV","SubjectLogonId":"0x5d2a1","SamAccountName":"svc_backup2",
                 "DisplayName":"%%1793","UserPrincipalName":"-","PasswordLastSet":"%%1794",
                 "Message":"A user account was created.","EventReceivedTime":"2026-03-02 10:00:01",
                 "SourceModuleName":"eventlog","SourceModuleType":"im_msvistalog"}
                """);

        assertThat(e.get("event.category")).isEqualTo(List.of("iam"));
        assertThat(e.get("event.type")).isEqualTo(List.of("user", "creation"));
        assertThat(e.get("event.action")).isEqualTo("added-user-account");
        assertThat(e.get("user.name")).isEqualTo("admin.tran");
        assertThat(e.get("user.target.name")).isEqualTo("svc_backup2");
        assertThat(e.get("user.target.domain")).isEqualTo("GOV");
        assertThat(e.get("message")).isEqualTo("A user account was created.");
        assertThat(e.get("winlog.event_data.SamAccountName")).isEqualTo("svc_backup2");
        assertThat(e.get("winlog.record_id")).isEqualTo("1050001");
        assertThat(e.fields()).doesNotContainKeys("winlog.event_data.EventReceivedTime",
                "winlog.event_data.SourceModuleName", "winlog.event_data.Message", "winlog.event_data.EventID");
    }

    @Test
    void lockoutNamesTheCallerComputer() {
        // NXLog with the channel in lower case.
        SecurityEvent e = event("""
                {"EventTime":"2026-03-02 08:20:00","Hostname":"DC01.gov.example","EventID":4740,
                 "SourceName":"Microsoft-Windows-Security-Auditing","Channel":"security",
                 "TargetUserName":"alice","TargetDomainName":"WS-042",
                 "TargetSid":"S-1-5-21-3623811015-3361044348-30300820-1104","SubjectUserSid":"S-1-5-18",
                 "SubjectUserName":"DC01$","SubjectDomainName":"GOV","SubjectLogonId":"0x3e7",
                 "Message":"A user account was locked out."}
                """);

        assertThat(e.get("winlog.channel")).isEqualTo("Security");
        assertThat(e.get("event.dataset")).isEqualTo("windows.security");
        assertThat(e.get("event.action")).isEqualTo("locked-out-user-account");
        assertThat(e.get("event.category")).isEqualTo(List.of("iam"));
        assertThat(e.get("user.target.name")).isEqualTo("alice");
        assertThat(e.get("source.domain")).isEqualTo("WS-042");
        assertThat(e.get("user.name")).isEqualTo("DC01$");
        assertThat(e.fields()).doesNotContainKeys("user.target.domain");
    }

    @Test
    void groupMemberAddedReadsTheMembersDistinguishedName() {
        SecurityEvent e = event("""
                {"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing"}},
                  "EventID":4728,"TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T10:05:00Z"}},
                  "Channel":"Security","Computer":"DC01.gov.example"},
                 "EventData":{"MemberName":"CN=Tran\\, Van A,OU=Staff,DC=gov,DC=example",
                  "MemberSid":"S-1-5-21-3623811015-3361044348-30300820-1190","TargetUserName":"Domain Admins",
                  "TargetDomainName":"GOV","TargetSid":"S-1-5-21-3623811015-3361044348-30300820-512",
                  "SubjectUserName":"admin.tran","SubjectDomainName":"GOV","PrivilegeList":"-"}}}
                """);

        assertThat(e.get("event.action")).isEqualTo("added-member-to-group");
        assertThat(e.get("event.type")).isEqualTo(List.of("group", "change"));
        assertThat(e.get("group.name")).isEqualTo("Domain Admins");
        assertThat(e.get("user.target.name")).isEqualTo("Tran, Van A");
        assertThat(e.get("user.name")).isEqualTo("admin.tran");
    }

    @Test
    void kerberosServiceTicketFromWinlogbeatKeepsItsEcsFields() {
        SecurityEvent e = event("""
                {"@timestamp":"2026-03-02T08:30:00.000Z",
                 "event":{"code":"4769","kind":"event","provider":"Microsoft-Windows-Security-Auditing",
                          "action":"Kerberos Service Ticket Operations","outcome":"success",
                          "created":"2026-03-02T08:30:01.204Z"},
                 "winlog":{"channel":"Security","event_id":"4769",
                           "provider_name":"Microsoft-Windows-Security-Auditing",
                           "computer_name":"DC01.gov.example","record_id":"1048400",
                           "task":"Kerberos Service Ticket Operations","keywords":["Audit Success"],"opcode":"Info",
                           "event_data":{"TargetUserName":"alice@GOV.EXAMPLE","TargetDomainName":"GOV.EXAMPLE",
                                         "ServiceName":"MSSQLSvc$","ServiceSid":"S-1-5-21-1-2-3-1605",
                                         "TicketOptions":"0x40810000","TicketEncryptionType":"0x17",
                                         "IpAddress":"::ffff:10.0.0.42","IpPort":"49901","Status":"0x0",
                                         "TransmittedServices":"-"},
                           "process":{"pid":656,"thread":{"id":1228}}},
                 "host":{"name":"dc01"},"agent":{"type":"winlogbeat","version":"8.17.0"},
                 "ecs":{"version":"8.0.0"},"log":{"level":"information"},
                 "message":"A Kerberos service ticket was requested."}
                """);

        assertThat(e.get("event.category")).isEqualTo(List.of("authentication"));
        // Winlogbeat's task label in event.action gives way to the action; its other fields are kept.
        assertThat(e.get("event.action")).isEqualTo("kerberos-service-ticket-requested");
        assertThat(e.get("event.outcome")).isEqualTo("success");
        assertThat(e.get("host.name")).isEqualTo("dc01");
        assertThat(e.get("winlog.event_id")).isEqualTo(4769L);
        assertThat(e.get("user.name")).isEqualTo("alice");
        assertThat(e.get("user.domain")).isEqualTo("GOV.EXAMPLE");
        assertThat(e.get("source.ip")).isEqualTo("10.0.0.42");
        assertThat(e.get("source.port")).isEqualTo(49901L);
        assertThat(e.get("service.name")).isEqualTo("MSSQLSvc$");
        assertThat(e.get("winlog.event_data.TicketEncryptionType")).isEqualTo("0x17");
        assertThat(e.get("agent.version")).isEqualTo("8.17.0");
    }

    @Test
    void kerberosAndNtlmOutcomeFollowsTheStatusCode() {
        String ntlm = """
                {"EventTime":"2026-03-02T08:31:00.250+07:00","Hostname":"DC01","EventID":4776,
                 "SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security",
                 "PackageName":"MICROSOFT_AUTHENTICATION_PACKAGE_V1_0","TargetUserName":"bob",
                 "Workstation":"KALI","Status":"STATUS"}
                """;
        SecurityEvent failed = event(ntlm.replace("STATUS", "0xc000006a"));
        SecurityEvent succeeded = event(ntlm.replace("STATUS", "0x0"));

        assertThat(failed.timestamp()).isEqualTo(Instant.parse("2026-03-02T01:31:00.250Z"));
        assertThat(failed.get("event.outcome")).isEqualTo("failure");
        assertThat(succeeded.get("event.outcome")).isEqualTo("success");
        assertThat(failed.get("user.name")).isEqualTo("bob");
        assertThat(failed.get("source.domain")).isEqualTo("KALI");
        assertThat(failed.get("host.name")).isEqualTo("dc01");
    }

    @Test
    void auditLogClearedReadsUserData() {
        SecurityEvent e = event("""
                {"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Eventlog",
                           "Guid":"fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148"}},
                  "EventID":1102,"TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T23:59:58.000Z"}},
                  "EventRecordID":1051000,"Channel":"Security","Computer":"FS01.gov.example"},
                 "UserData":{"LogFileCleared":{"#attributes":{"xmlns":"http://manifests.microsoft.com/win/2004/08/windows/eventlog"},
                  "SubjectUserSid":"S-1-5-21-3623811015-3361044348-30300820-500","SubjectUserName":"admin.tran",
                  "SubjectDomainName":"GOV","SubjectLogonId":"0x5d2a1"}}}}
                """);

        assertThat(e.get("event.action")).isEqualTo("audit-log-cleared");
        assertThat(e.get("event.category")).isEqualTo(List.of("iam"));
        assertThat(e.get("user.name")).isEqualTo("admin.tran");
        assertThat(e.get("user.domain")).isEqualTo("GOV");
        assertThat(e.get("winlog.provider_name")).isEqualTo("Microsoft-Windows-Eventlog");
        assertThat(e.get("winlog.event_data.SubjectLogonId")).isEqualTo("0x5d2a1");
    }

    @Test
    void theSameEventReadsTheSameInEveryShape() {
        String nxlog = """
                {"EventTime":"2026-03-02 08:00:00.123","Hostname":"DC01.gov.example","EventID":4625,
                 "SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security",
                 "TargetUserSid":"S-1-0-0","TargetUserName":"administrator","TargetDomainName":"GOV",
                 "Status":"0xc000006d","SubStatus":"0xc000006a","LogonType":"3","WorkstationName":"KALI",
                 "ProcessName":"-","IpAddress":"::ffff:203.0.113.7","IpPort":"51234"}
                """;
        String winlogbeat = """
                {"@timestamp":"2026-03-02T08:00:00.123Z",
                 "winlog":{"channel":"Security","event_id":4625,"provider_name":"Microsoft-Windows-Security-Auditing",
                           "computer_name":"DC01.gov.example",
                           "event_data":{"TargetUserSid":"S-1-0-0","TargetUserName":"administrator",
                                         "TargetDomainName":"GOV","Status":"0xc000006d","SubStatus":"0xc000006a",
                                         "LogonType":"3","WorkstationName":"KALI","ProcessName":"-",
                                         "IpAddress":"::ffff:203.0.113.7","IpPort":"51234"}}}
                """;
        SecurityEvent evtx = event(FAILED_4625);
        for (SecurityEvent other : List.of(event(nxlog), event(winlogbeat))) {
            assertThat(other.timestampMillis()).isEqualTo(evtx.timestampMillis());
            for (String field : EventSchema.fields().keySet()) {
                if (!field.equals("event.id")) {
                    assertThat(other.get(field)).as(field).isEqualTo(evtx.get(field));
                }
            }
        }
    }
}
