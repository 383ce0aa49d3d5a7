package org.vigil.enrich;

import java.util.Arrays;
import java.util.List;

/** The kind of information system an asset belongs to, as the directives name the systems to protect. */
public enum SystemType {
    E_PORTAL("e-portal"),
    MAIL("mail"),
    PUBLIC_SERVICE_PORTAL("public-service-portal"),
    DOCUMENT_MANAGEMENT("document-management"),
    OTHER("other");

    /** Every label, in declaration order. */
    public static final List<String> LABELS = Arrays.stream(values()).map(SystemType::label).toList();

    private final String label;

    SystemType(String label) {
        this.label = label;
    }

    /** The label in files, topics and event fields. */
    public String label() {
        return label;
    }

    static SystemType ofLabel(String label) {
        return values()[LABELS.indexOf(label)];
    }
}
