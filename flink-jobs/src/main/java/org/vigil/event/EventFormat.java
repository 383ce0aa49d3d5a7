package org.vigil.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The wire format of the security events on a Kafka topic, as named in configuration. */
public enum EventFormat {
    /** ECS JSON as Beats and Elastic Agent send it. */
    ECS_JSON("ecs"),
    /** Suricata EVE JSON. */
    SURICATA_EVE("suricata"),
    /** Detect the format per record, for topics that mix sources. */
    AUTO("auto"),
    /** Windows event logs as Winlogbeat, evtx converters or NXLog send them. */
    WINDOWS("windows"),
    /** ArcSight Common Event Format lines, with or without a syslog header (firewalls, proxies, IDS). */
    CEF("cef"),
    /** Web server access log lines: Apache/Nginx/Tomcat common and combined, IIS W3C extended. */
    WEB("web"),
    /** Zeek logs (conn, dns, http, ssl, notice, weird, files, x509) as Zeek's JSON writer or a shipper sends them. */
    ZEEK("zeek");

    private final String configName;

    EventFormat(String configName) {
        this.configName = configName;
    }

    /** The name used for this format in configuration files. */
    public String configName() {
        return configName;
    }

    /** The format with this configuration name (case and surrounding blanks ignored). */
    public static EventFormat fromConfigName(String name) {
        if (name != null) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            for (EventFormat format : values()) {
                if (format.configName.equals(wanted)) {
                    return format;
                }
            }
        }
        throw new IllegalArgumentException("not an event format: '" + name + "'; expected one of "
                + Arrays.stream(values()).map(EventFormat::configName).collect(Collectors.joining(", ")));
    }
}
