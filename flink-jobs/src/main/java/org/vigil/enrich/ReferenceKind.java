package org.vigil.enrich;

import java.util.List;
import java.util.Locale;

/** The kinds of reference data, each loaded from its own files onto its own compacted topic. */
public enum ReferenceKind {
    ASSETS("assets", Asset.FIELDS),
    BOTNET("botnet", BotnetEntry.FIELDS),
    IOCS("iocs", Ioc.FIELDS),
    VULNS("vulns", Vulnerability.FIELDS);

    private final String label;
    private final List<String> fields;

    ReferenceKind(String label, List<String> fields) {
        this.label = label;
        this.fields = fields;
    }

    /** The name used on the command line and in file names: assets, botnet, iocs, vulns. */
    public String label() {
        return label;
    }

    /** The record fields of this kind's files, in their documented order. */
    public List<String> fields() {
        return fields;
    }

    /** The kind for a label; throws with the accepted labels otherwise. */
    public static ReferenceKind of(String label) {
        for (ReferenceKind k : values()) {
            if (k.label.equals(label == null ? null : label.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown reference-data kind '" + label + "'; expected assets, botnet, iocs or vulns");
    }
}
