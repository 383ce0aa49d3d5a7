package org.vigil.event;

import java.util.List;
import java.util.Map;

/** Maps the Security log's audit events (logons, process creation, account and group changes, Kerberos) onto ECS. */
final class SecurityAuditMapping {

    private static final List<String> AUTHENTICATION = List.of("authentication");
    private static final List<String> IAM = List.of("iam");

    /** Winlogbeat's names for the logon types, so winlog.logon.type reads the same from every shape. */
    private static final Map<String, String> LOGON_TYPES = Map.ofEntries(
            Map.entry("2", "Interactive"), Map.entry("3", "Network"), Map.entry("4", "Batch"),
            Map.entry("5", "Service"), Map.entry("7", "Unlock"), Map.entry("8", "NetworkCleartext"),
            Map.entry("9", "NewCredentials"), Map.entry("10", "RemoteInteractive"),
            Map.entry("11", "CachedInteractive"), Map.entry("12", "CachedRemoteInteractive"),
            Map.entry("13", "CachedUnlock"));

    private SecurityAuditMapping() {}

    static void map(long id, WindowsEvent e, WindowsEcsFields out) {
        switch ((int) id) {
            case 4624 -> logon(e, out, "logged-in", "success");
            case 4625 -> logon(e, out, "logon-failed", "failure");
            case 4634, 4647 -> {
                out.categorise(AUTHENTICATION, List.of("end"), "logged-out");
                out.set("event.outcome", "success");
                out.user("user", e.data("TargetUserName"), e.data("TargetDomainName"));
                logonType(e, out);
            }
            case 4648 -> {
                out.categorise(AUTHENTICATION, List.of("start"), "logged-in-explicit");
                out.set("event.outcome", "success");
                subject(e, out);
                out.user("user.target", e.data("TargetUserName"), e.data("TargetDomainName"));
                address(e, out);
                out.executable("process", e.data("ProcessName"));
                out.pid("process.pid", e.data("ProcessId"));
            }
            case 4672 -> {
                out.categorise(IAM, List.of("admin"), "logged-in-special");
                out.set("event.outcome", "success");
                subject(e, out);
            }
            case 4688 -> processCreated(e, out);
            case 4720 -> account(e, out, List.of("user", "creation"), "added-user-account");
            case 4722 -> account(e, out, List.of("user", "change"), "enabled-user-account");
            case 4724 -> account(e, out, List.of("user", "change"), "reset-password");
            case 4726 -> account(e, out, List.of("user", "deletion"), "deleted-user-account");
            case 4738 -> account(e, out, List.of("user", "change"), "modified-user-account");
            case 4740 -> {
                out.categorise(IAM, List.of("user", "change"), "locked-out-user-account");
                out.set("event.outcome", "success");
                subject(e, out);
                out.user("user.target", e.data("TargetUserName"), null);
                out.set("user.target.id", e.data("TargetSid"));
                // In 4740 TargetDomainName is the "Caller Computer Name", the machine the bad passwords came from.
                out.set("source.domain", e.data("TargetDomainName"));
            }
            case 4728, 4732, 4756 -> groupMemberAdded(e, out);
            case 4768 -> kerberos(e, out, "kerberos-authentication-ticket-requested");
            case 4769 -> kerberos(e, out, "kerberos-service-ticket-requested");
            case 4771 -> kerberos(e, out, "kerberos-preauth-failed");
            case 4776 -> {
                out.categorise(AUTHENTICATION, List.of("start"), "credential-validated");
                out.set("event.outcome", outcome(e.data("Status")));
                out.user("user", e.data("TargetUserName"), null);
                out.set("source.domain", e.data("Workstation"));
            }
            case 1102 -> {
                out.categorise(IAM, List.of("admin", "change"), "audit-log-cleared");
                out.set("event.outcome", "success");
                subject(e, out);
            }
            default -> {
                // Other Security events keep the generic fields and their event data.
            }
        }
    }

    private static void logon(WindowsEvent e, WindowsEcsFields out, String action, String outcome) {
        out.categorise(AUTHENTICATION, List.of("start"), action);
        out.set("event.outcome", outcome);
        out.user("user", e.data("TargetUserName"), e.data("TargetDomainName"));
        out.set("user.id", e.data("TargetUserSid"));
        address(e, out);
        out.set("source.domain", e.data("WorkstationName"));
        logonType(e, out);
        out.executable("process", e.data("ProcessName"));
    }

    private static void processCreated(WindowsEvent e, WindowsEcsFields out) {
        out.categorise(List.of("process"), List.of("start"), "created-process");
        out.set("event.outcome", "success");
        subject(e, out);
        out.executable("process", e.data("NewProcessName"));
        out.set("process.command_line", e.data("CommandLine"));
        out.pid("process.pid", e.data("NewProcessId"));
        out.executable("process.parent", e.data("ParentProcessName"));
        out.pid("process.parent.pid", e.data("ProcessId"));
    }

    /** An account-management event: the subject made the change, the target account is the one changed. */
    private static void account(WindowsEvent e, WindowsEcsFields out, List<String> type, String action) {
        out.categorise(IAM, type, action);
        out.set("event.outcome", "success");
        subject(e, out);
        out.user("user.target", e.data("TargetUserName"), e.data("TargetDomainName"));
        out.set("user.target.id", e.data("TargetSid"));
    }

    private static void groupMemberAdded(WindowsEvent e, WindowsEcsFields out) {
        out.categorise(IAM, List.of("group", "change"), "added-member-to-group");
        out.set("event.outcome", "success");
        subject(e, out);
        out.set("group.name", e.data("TargetUserName"));
        out.set("group.domain", e.data("TargetDomainName"));
        out.set("group.id", e.data("TargetSid"));
        out.user("user.target", commonName(e.data("MemberName")), null);
        out.set("user.target.id", e.data("MemberSid"));
    }

    private static void kerberos(WindowsEvent e, WindowsEcsFields out, String action) {
        out.categorise(AUTHENTICATION, List.of("start"), action);
        out.set("event.outcome", outcome(e.data("Status")));
        String name = WindowsEcsFields.clean(e.data("TargetUserName"));
        String domain = e.data("TargetDomainName");
        int at = name == null ? -1 : name.indexOf('@');
        if (at > 0) {
            // 4769 logs "alice@GOV.EXAMPLE"; the name alone matches the same account in logon events.
            domain = WindowsEcsFields.clean(domain) == null ? name.substring(at + 1) : domain;
            name = name.substring(0, at);
        }
        out.user("user", name, domain);
        address(e, out);
        out.set("service.name", e.data("ServiceName"));
    }

    /** 0x0 is success; any other Kerberos or NTLM status is an error code, i.e. a failure. */
    private static String outcome(String status) {
        String s = WindowsEcsFields.clean(status);
        if (s == null) {
            return null;
        }
        return s.matches("(?i)(0x)?0+") ? "success" : "failure";
    }

    private static void subject(WindowsEvent e, WindowsEcsFields out) {
        out.user("user", e.data("SubjectUserName"), e.data("SubjectDomainName"));
        out.set("user.id", e.data("SubjectUserSid"));
    }

    private static void address(WindowsEvent e, WindowsEcsFields out) {
        out.ip("source.ip", e.data("IpAddress"));
        out.port("source.port", e.data("IpPort"));
    }

    private static void logonType(WindowsEvent e, WindowsEcsFields out) {
        String type = WindowsEcsFields.clean(e.data("LogonType"));
        out.set("winlog.logon.type", type == null ? null : LOGON_TYPES.getOrDefault(type, type));
    }

    /** The account name of a member logged as a distinguished name ({@code CN=Alice,OU=Staff,...}). */
    private static String commonName(String member) {
        String m = WindowsEcsFields.clean(member);
        if (m == null || !m.regionMatches(true, 0, "CN=", 0, 3)) {
            return m;
        }
        StringBuilder name = new StringBuilder();
        for (int i = 3; i < m.length(); i++) {
            char c = m.charAt(i);
            if (c == '\\' && i + 1 < m.length()) {
                name.append(m.charAt(++i));
            } else if (c == ',') {
                break;
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }
}
