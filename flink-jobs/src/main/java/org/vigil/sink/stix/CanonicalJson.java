package org.vigil.sink.stix;

/**
 * The RFC 8785 (JCS) canonical form of a one-member JSON object with a string value, which is what STIX 2.1
 * hashes to derive the id of an observable with a single id-contributing property.
 */
final class CanonicalJson {
    private CanonicalJson() {}

    static String object(String name, String value) {
        return "{" + string(name) + ":" + string(value) + "}";
    }

    /** JCS escapes only quote, backslash and control characters, and uses the short forms where JSON has them. */
    static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
