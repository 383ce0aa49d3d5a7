package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.event.WindowsRecords.event;

import java.util.List;
import org.junit.jupiter.api.Test;

class SysmonMappingTest {

    @Test
    void processCreation() {
        // evtx_dump.
        SecurityEvent e = event("""
                {"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},
                 "System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon",
                            "Guid":"5770385F-C22A-43E0-BF4C-06F5698FFBD9"}},
                  "EventID":1,"Version":5,"Level":4,"Task":1,"Opcode":0,"Keywords":"0x8000000000000000",
                  "TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T09:15:42.031250Z"}},
                  "EventRecordID":88211,"Execution":{"#attributes":{"ProcessID":3120,"ThreadID":4100}},
                  "Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"WS-042.gov.example",
                  "Security":{"#attributes":{"UserID":"S-1-5-18"}}},
                 "EventData":{"RuleName":"technique_id=T1059.001,technique_name=PowerShell",
                  "UtcTime":"2026-03-02 09:15:42.017","ProcessGuid":"{8a1c2b3d-4e5f-6071-8293-a4b5c6d7e8f9}",
                  "ProcessId":6700,"Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                  "FileVersion":"10.0.19041.3636","Description":"Windows PowerShell","Product":"Microsoft Windows",
                  "Company":"Microsoft Corporation","OriginalFileName":"PowerShell.EXE",
                  "CommandLine":"powershell.exe -nop -w hidden -enc SQBFAFgA",
                  "CurrentDirectory":"C:\\Users\\alice\\Documents\\","User":"GOV\\alice",
                  "LogonGuid":"{8a1c2b3d-0000-0000-0000-000000000000}","LogonId":"0x4a1f2","TerminalSessionId":1,
                  "IntegrityLevel":"Medium",
                  "Hashes":"MD5=097CE5761C89434367598B34FE32893B,SHA256=9F914D42706FE215501044ACD85A32D58AAEF1419D404FDDFA5D3B48F66CCD9F,IMPHASH=AFACF6DC9041114B198160AAB4D0AE77",
                  "ParentProcessGuid":"{8a1c2b3d-4e5f-6071-8293-000000000001}","ParentProcessId":4324,
                  "ParentImage":"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
                  "ParentCommandLine":"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE /n invoice.docm",
                  "ParentUser":"GOV\\alice"}}}
                """);

        assertThat(e.get("event.module")).isEqualTo("sysmon");
        assertThat(e.get("event.dataset")).isEqualTo("windows.sysmon_operational");
        assertThat(e.get("winlog.channel")).isEqualTo("Microsoft-Windows-Sysmon/Operational");
        assertThat(e.get("event.category")).isEqualTo(List.of("process"));
        assertThat(e.get("event.type")).isEqualTo(List.of("start"));
        assertThat(e.get("process.executable"))
                .isEqualTo("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
        assertThat(e.get("process.name")).isEqualTo("powershell.exe");
        assertThat(e.get("process.pid")).isEqualTo(6700L);
        assertThat(e.get("process.command_line")).isEqualTo("powershell.exe -nop -w hidden -enc SQBFAFgA");
        assertThat(e.get("process.parent.executable"))
                .isEqualTo("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE");
        assertThat(e.get("process.parent.name")).isEqualTo("WINWORD.EXE");
        assertThat(e.get("process.parent.pid")).isEqualTo(4324L);
        assertThat(e.get("process.parent.command_line")).asString().contains("invoice.docm");
        assertThat(e.get("user.name")).isEqualTo("alice");
        assertThat(e.get("user.domain")).isEqualTo("GOV");
        assertThat(e.get("process.hash.sha256"))
                .isEqualTo("9f914d42706fe215501044acd85a32d58aaef1419d404fddfa5d3b48f66ccd9f");
        assertThat(e.get("process.hash.md5")).isEqualTo("097ce5761c89434367598b34fe32893b");
        assertThat(e.get("file.hash.sha256")).isEqualTo(e.get("process.hash.sha256"));
        assertThat(e.get("process.pe.imphash")).isEqualTo("afacf6dc9041114b198160aab4d0ae77");
        assertThat(e.get("rule.name")).isEqualTo("technique_id=T1059.001,technique_name=PowerShell");
        assertThat(e.get("winlog.event_data.IntegrityLevel")).isEqualTo("Medium");
        assertThat(e.get("winlog.user.identifier")).isEqualTo("S-1-5-18");
    }

    @Test
    void networkConnection() {
        // NXLog.
        SecurityEvent e = event("""
                {"EventTime":"2026-03-02 09:15:45","Hostname":"WS-042.gov.example","EventID":3,
                 "SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational",
                 "RuleName":"-","UtcTime":"2026-03-02 09:15:44.902","ProcessGuid":"{8a1c2b3d-4e5f-6071-8293-a4b5c6d7e8f9}",
                 "ProcessId":"6700","Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                 "User":"GOV\\alice","Protocol":"tcp","Initiated":"true","SourceIsIpv6":"false",
                 "SourceIp":"10.0.0.42","SourceHostname":"WS-042.gov.example","SourcePort":"50112",
                 "SourcePortName":"-","DestinationIsIpv6":"false","DestinationIp":"198.51.100.23",
                 "DestinationHostname":"-","DestinationPort":"443","DestinationPortName":"https",
                 "Message":"Network connection detected"}
                """);

        assertThat(e.get("event.category")).isEqualTo(List.of("network"));
        assertThat(e.get("event.type")).isEqualTo(List.of("connection", "start"));
        assertThat(e.get("source.ip")).isEqualTo("10.0.0.42");
        assertThat(e.get("source.port")).isEqualTo(50112L);
        assertThat(e.get("destination.ip")).isEqualTo("198.51.100.23");
        assertThat(e.get("destination.port")).isEqualTo(443L);
        assertThat(e.get("network.transport")).isEqualTo("tcp");
        assertThat(e.get("network.direction")).isEqualTo("egress");
        assertThat(e.get("process.name")).isEqualTo("powershell.exe");
        assertThat(e.get("process.pid")).isEqualTo(6700L);
        assertThat(e.fields()).doesNotContainKeys("destination.domain", "rule.name");
    }

    @Test
    void fileCreated() {
        // Winlogbeat.
        SecurityEvent e = event("""
                {"@timestamp":"2026-03-02T09:16:03.511Z","event":{"code":"11","kind":"event",
                  "provider":"Microsoft-Windows-Sysmon","action":"File created (rule: FileCreate)"},
                 "winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":"11",
                  "provider_name":"Microsoft-Windows-Sysmon","computer_name":"WS-042.gov.example",
                  "task":"File created (rule: FileCreate)",
                  "event_data":{"RuleName":"-","UtcTime":"2026-03-02 09:16:03.510",
                   "ProcessGuid":"{8a1c2b3d-4e5f-6071-8293-a4b5c6d7e8f9}","ProcessId":"6700",
                   "Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                   "TargetFilename":"C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\update.vbs",
                   "CreationUtcTime":"2026-03-02 09:16:03.510","User":"GOV\\alice"}},
                 "host":{"name":"ws-042"}}
                """);

        assertThat(e.get("event.category")).isEqualTo(List.of("file"));
        assertThat(e.get("event.type")).isEqualTo(List.of("creation"));
        assertThat(e.get("event.action")).isEqualTo("file-created");
        assertThat(e.get("file.path")).isEqualTo(
                "C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\update.vbs");
        assertThat(e.get("file.name")).isEqualTo("update.vbs");
        assertThat(e.get("file.directory"))
                .isEqualTo("C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup");
        assertThat(e.get("event.module")).isEqualTo("sysmon");
        assertThat(e.get("host.name")).isEqualTo("ws-042");
    }

    @Test
    void registryValueSet() {
        SecurityEvent e = event("""
                {"EventTime":"2026-03-02 09:16:10","Hostname":"WS-042.gov.example","EventID":13,
                 "SourceName":"Microsoft-Windows-Sysmon","Channel":"Microsoft-Windows-Sysmon/Operational",
                 "RuleName":"technique_id=T1547.001,technique_name=Registry Run Keys / Start Folder",
                 "EventType":"SetValue","ProcessId":"6700",
                 "Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                 "TargetObject":"HKU\\S-1-5-21-3623811015-3361044348-30300820-1104\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater",
                 "Details":"wscript.exe C:\\Users\\alice\\AppData\\Local\\Temp\\u.vbs","User":"GOV\\alice"}
                """);

        assertThat(e.get("event.category")).isEqualTo(List.of("registry"));
        assertThat(e.get("event.type")).isEqualTo(List.of("change"));
        assertThat(e.get("event.action")).isEqualTo("registry-value-set");
        assertThat(e.get("registry.path")).asString().endsWith("\\CurrentVersion\\Run\\Updater");
        assertThat(e.get("registry.value")).isEqualTo("Updater");
        assertThat(e.get("registry.hive")).isEqualTo("HKU");
        assertThat(e.get("registry.key")).asString()
                .startsWith("S-1-5-21-").endsWith("\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run");
        assertThat(e.get("registry.data.strings"))
                .isEqualTo(List.of("wscript.exe C:\\Users\\alice\\AppData\\Local\\Temp\\u.vbs"));
    }

    @Test
    void dnsQueryWithResolvedAddresses() {
        // evtx_dump.
        SecurityEvent e = event("""
                {"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":22,
                  "TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T09:15:44.700000Z"}},
                  "Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"WS-042.gov.example"},
                 "EventData":{"RuleName":"-","UtcTime":"2026-03-02 09:15:44.698",
                  "ProcessGuid":"{8a1c2b3d-4e5f-6071-8293-a4b5c6d7e8f9}","ProcessId":6700,
                  "QueryName":"update.badcdn.example","QueryStatus":"0",
                  "QueryResults":"type:  5 edge.badcdn.example;::ffff:198.51.100.23;::ffff:198.51.100.24;",
                  "Image":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe","User":"GOV\\alice"}}}
                """);

        assertThat(e.get("event.category")).isEqualTo(List.of("network"));
        assertThat(e.get("event.action")).isEqualTo("dns-query");
        assertThat(e.get("dns.question.name")).isEqualTo("update.badcdn.example");
        assertThat(e.get("dns.resolved_ip")).isEqualTo(List.of("198.51.100.23", "198.51.100.24"));
        assertThat(e.get("process.name")).isEqualTo("powershell.exe");
    }
}
