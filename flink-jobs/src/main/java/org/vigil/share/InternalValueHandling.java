package org.vigil.share;

import java.util.Locale;

/** What the sharing policy does with an internal user name or address before a bundle leaves the SOC. */
public enum InternalValueHandling {
    /** Left out of the bundle. */
    REMOVE,
    /** Replaced by a keyed hash that is stable per value, so the recipient can link sightings without learning it. */
    PSEUDONYMISE,
    /** Shared as it is. */
    KEEP;

    /** Parses remove|pseudonymise|keep (also pseudonymize), in any case; {@code key} names the option in errors. */
    public static InternalValueHandling parse(String text, String key) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "remove" -> REMOVE;
            case "pseudonymise", "pseudonymize" -> PSEUDONYMISE;
            case "keep" -> KEEP;
            default -> throw new IllegalArgumentException(
                    key + " must be remove, pseudonymise or keep, got '" + text + "'");
        };
    }
}
