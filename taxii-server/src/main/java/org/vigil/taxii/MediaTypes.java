package org.vigil.taxii;

import java.util.Locale;

/** Content negotiation for TAXII 2.1: which Accept and Content-Type values the server takes. */
public final class MediaTypes {
    /** The TAXII media type without parameters. */
    public static final String TAXII = "application/taxii+json";
    /** What every response's Content-Type says. */
    public static final String TAXII_21 = TAXII + ";version=2.1";
    /** STIX media type, versioned per object in manifests and collection resources. */
    public static final String STIX = "application/stix+json";

    private MediaTypes() {}

    /**
     * True when the Accept header lists the TAXII media type with version 2.1 or with no version (which the standard
     * defines as "the latest version the server supports"). Quality factors and other parameters are ignored.
     */
    public static boolean acceptsTaxii21(String accept) {
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            if (isTaxii21(range)) {
                return true;
            }
        }
        return false;
    }

    /** True when a Content-Type names the TAXII media type, version 2.1 or unversioned. */
    public static boolean isTaxii21(String mediaType) {
        if (mediaType == null) {
            return false;
        }
        String[] parts = mediaType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(TAXII)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] nameValue = parts[i].split("=", 2);
            if (nameValue[0].trim().equalsIgnoreCase("version")
                    && (nameValue.length < 2 || !unquote(nameValue[1].trim()).equals("2.1"))) {
                return false;
            }
        }
        return true;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
