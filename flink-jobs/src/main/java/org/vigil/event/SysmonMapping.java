package org.vigil.event;

import java.util.List;
import java.util.Locale;

/** Maps Sysmon's events (process, network, file, registry, DNS) onto ECS as Elastic's Sysmon integration does. */
final class SysmonMapping {

    private SysmonMapping() {}

    static void map(long id, WindowsEvent e, WindowsEcsFields out) {
        // Every Sysmon event names the process it is about and the rule of the Sysmon config that logged it.
        out.executable("process", e.data("Image"));
        out.pid("process.pid", e.data("ProcessId"));
        out.set("process.entity_id", e.data("ProcessGuid"));
        out.user("user", e.data("User"), null);
        out.set("rule.name", e.data("RuleName"));
        switch ((int) id) {
            case 1 -> processCreated(e, out);
            case 3 -> networkConnection(e, out);
            case 5 -> out.categorise(List.of("process"), List.of("end"), "process-terminated");
            case 11 -> {
                out.categorise(List.of("file"), List.of("creation"), "file-created");
                String path = WindowsEcsFields.clean(e.data("TargetFilename"));
                if (path != null) {
                    out.set("file.path", path);
                    out.set("file.name", WindowsEcsFields.fileName(path));
                    out.set("file.directory", path.substring(0, Math.max(0, path.lastIndexOf('\\'))));
                }
            }
            case 12, 13, 14 -> registry(e, out);
            case 22 -> dnsQuery(e, out);
            default -> {
                // Other Sysmon events keep the process, the generic fields and their event data.
            }
        }
    }

    private static void processCreated(WindowsEvent e, WindowsEcsFields out) {
        out.categorise(List.of("process"), List.of("start"), "process-created");
        out.set("process.command_line", e.data("CommandLine"));
        out.set("process.working_directory", e.data("CurrentDirectory"));
        out.set("process.pe.original_file_name", e.data("OriginalFileName"));
        out.hashes("process", e.data("Hashes"));
        // The launched image is a file too: hash IOCs are matched on file.hash.*, so a launch must hit them.
        out.hashes("file", e.data("Hashes"));
        out.executable("process.parent", e.data("ParentImage"));
        out.set("process.parent.command_line", e.data("ParentCommandLine"));
        out.pid("process.parent.pid", e.data("ParentProcessId"));
        out.set("process.parent.entity_id", e.data("ParentProcessGuid"));
    }

    private static void networkConnection(WindowsEvent e, WindowsEcsFields out) {
        out.categorise(List.of("network"), List.of("connection", "start"), "network-connection");
        out.ip("source.ip", e.data("SourceIp"));
        out.port("source.port", e.data("SourcePort"));
        out.set("source.domain", e.data("SourceHostname"));
        out.ip("destination.ip", e.data("DestinationIp"));
        out.port("destination.port", e.data("DestinationPort"));
        out.set("destination.domain", e.data("DestinationHostname"));
        String protocol = WindowsEcsFields.clean(e.data("Protocol"));
        out.set("network.transport", protocol == null ? null : protocol.toLowerCase(Locale.ROOT));
        String initiated = WindowsEcsFields.clean(e.data("Initiated"));
        if (initiated != null) {
            // Sysmon logs from the host's side: a connection it initiated leaves the host.
            out.set("network.direction", Boolean.parseBoolean(initiated) ? "egress" : "ingress");
        }
    }

    /** Registry events 12 (create or delete), 13 (value set) and 14 (rename); EventType says which. */
    private static void registry(WindowsEvent e, WindowsEcsFields out) {
        String eventType = WindowsEcsFields.clean(e.data("EventType"));
        String kind = eventType == null ? "" : eventType.toLowerCase(Locale.ROOT);
        if (kind.startsWith("delete")) {
            out.categorise(List.of("registry"), List.of("deletion"), "registry-deleted");
        } else if (kind.startsWith("create")) {
            out.categorise(List.of("registry"), List.of("creation"), "registry-created");
        } else if (kind.startsWith("rename")) {
            out.categorise(List.of("registry"), List.of("change"), "registry-renamed");
        } else {
            out.categorise(List.of("registry"), List.of("change"), "registry-value-set");
        }
        String path = WindowsEcsFields.clean(e.data("TargetObject"));
        if (path == null) {
            return;
        }
        out.set("registry.path", path);
        int first = path.indexOf('\\');
        boolean isValue = kind.isEmpty() || kind.endsWith("value");
        int keyEnd = isValue ? path.lastIndexOf('\\') : path.length();
        if (first > 0) {
            out.set("registry.hive", path.substring(0, first));
            if (keyEnd > first) {
                out.set("registry.key", path.substring(first + 1, keyEnd));
            }
        }
        if (isValue) {
            out.set("registry.value", path.substring(path.lastIndexOf('\\') + 1));
        }
        String details = WindowsEcsFields.clean(e.data("Details"));
        out.set("registry.data.strings", details == null ? null : List.of(details));
    }

    private static void dnsQuery(WindowsEvent e, WindowsEcsFields out) {
        out.categorise(List.of("network"), List.of("connection", "protocol", "info"), "dns-query");
        out.set("network.protocol", "dns");
        out.set("dns.question.name", e.data("QueryName"));
        // QueryResults reads "type:  5 cdn.example;::ffff:203.0.113.9;": the addresses let the botnet list match.
        String results = WindowsEcsFields.clean(e.data("QueryResults"));
        if (results == null) {
            return;
        }
        for (String answer : results.split(";")) {
            if (!answer.trim().startsWith("type:")) {
                out.add("dns.resolved_ip", WindowsEcsFields.address(answer));
            }
        }
    }
}
