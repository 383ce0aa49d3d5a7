package org.vigil.enrich;

import java.util.List;
import java.util.Locale;
import org.vigil.job.VigilOptions;

/** The kinds of reference data, each loaded from its own files onto its own compacted topic. */
public enum ReferenceKind {
    ASSETS("assets", VigilOptions.INTEL_TOPIC_ASSETS, Asset.FIELDS),
    BOTNET("botnet", VigilOptions.INTEL_TOPIC_BOTNET, BotnetEntry.FIELDS),
    IOCS("iocs", VigilOptions.INTEL_TOPIC_IOCS, Ioc.FIELDS),
    VULNS("vulns", VigilOptions.INTEL_TOPIC_VULNS, Vulnerability.FIELDS);

    private final String label;
    private final VigilOptions.Option topicOption;
    private final List<String> fields;

    ReferenceKind(String label, VigilOptions.Option topicOption, List<String> fields) {
        this.label = label;
        this.topicOption = topicOption;
        this.fields = fields;
    }

    /** The name used on the command line and in file names: assets, botnet, iocs, vulns. */
    public String label() {
        return label;
    }

    /** The configuration key of this kind's compacted topic. */
    public VigilOptions.Option topicOption() {
        return topicOption;
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
