package org.vigil.enrich;

import java.util.Locale;
import java.util.regex.Pattern;

/** Host and domain names in the one spelling lookups compare: lower case, no trailing dot. */
final class HostNames {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");

    private HostNames() {}

    /** The canonical form of a name from an event; null for null or blank. Never throws. */
    static String normalise(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.isEmpty() ? null : n;
    }

    /** The canonical form of a name from reference data; throws with the reason when it is not a DNS name. */
    static String canonical(String name) {
        String n = normalise(name);
        if (n == null || n.length() > 253 || !NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a host or domain name");
        }
        return n;
    }
}
