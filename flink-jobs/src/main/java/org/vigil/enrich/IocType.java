package org.vigil.enrich;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What an indicator of compromise is: an IP address or prefix, a domain, a URL or a file hash. */
public enum IocType {
    IP("ipv4-addr"), DOMAIN("domain-name"), URL("url"), HASH("file");

    /** Every label, in declaration order. */
    public static final List<String> LABELS = Arrays.stream(values()).map(IocType::label).toList();

    private final String ecsType;

    IocType(String ecsType) {
        this.ecsType = ecsType;
    }

    /** The label in files and topic keys: ip, domain, url, hash. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The ECS {@code threat.indicator.type} value; IPv6 indicators report {@code ipv6-addr}. */
    String ecsType(String value) {
        return this == IP && value.indexOf(':') >= 0 ? "ipv6-addr" : ecsType;
    }

    static IocType ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
