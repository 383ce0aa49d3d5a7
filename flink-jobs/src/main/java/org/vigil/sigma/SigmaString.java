package org.vigil.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Sigma string value: literal text and wildcards ({@code *} any run of characters, {@code ?} one character),
 * parsed with Sigma's escapes ({@code \*}, {@code \?}, {@code \\}; a backslash before anything else is literal).
 */
final class SigmaString {
    /** One piece of the value: literal text, or a wildcard when {@code text} is null. */
    record Part(String text, char wildcard) {
        static Part literal(String text) {
            return new Part(text, '\0');
        }

        boolean isWildcard() {
            return text == null;
        }
    }

    static final Part STAR = new Part(null, '*');
    static final Part QMARK = new Part(null, '?');

    private final List<Part> parts;

    SigmaString(List<Part> parts) {
        List<Part> merged = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (Part p : parts) {
            if (p.isWildcard()) {
                if (literal.length() > 0) {
                    merged.add(Part.literal(literal.toString()));
                    literal.setLength(0);
                }
                // Consecutive stars mean the same as one.
                if (!(p == STAR && !merged.isEmpty() && merged.get(merged.size() - 1) == STAR)) {
                    merged.add(p);
                }
            } else {
                literal.append(p.text());
            }
        }
        if (literal.length() > 0) {
            merged.add(Part.literal(literal.toString()));
        }
        this.parts = List.copyOf(merged);
    }

    /** Parses a value as written in a rule, with Sigma's escaping. */
    static SigmaString parse(String value) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (escaped) {
                if (c == '*' || c == '?' || c == '\\') {
                    literal.append(c);
                } else {
                    literal.append('\\').append(c);
                }
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    parts.add(Part.literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(c == '*' ? STAR : QMARK);
            } else {
                literal.append(c);
            }
        }
        if (escaped) {
            literal.append('\\');
        }
        if (literal.length() > 0) {
            parts.add(Part.literal(literal.toString()));
        }
        return new SigmaString(parts);
    }

    /** A value without wildcards. */
    static SigmaString plain(String text) {
        return new SigmaString(text.isEmpty() ? List.of() : List.of(Part.literal(text)));
    }

    List<Part> parts() {
        return parts;
    }

    boolean hasWildcards() {
        return parts.stream().anyMatch(Part::isWildcard);
    }

    /** The text of a value without wildcards. */
    String plainText() {
        StringBuilder b = new StringBuilder();
        parts.forEach(p -> b.append(p.text()));
        return b.toString();
    }

    SigmaString withLeadingStar() {
        if (!parts.isEmpty() && parts.get(0) == STAR) {
            return this;
        }
        List<Part> p = new ArrayList<>(parts);
        p.add(0, STAR);
        return new SigmaString(p);
    }

    SigmaString withTrailingStar() {
        if (!parts.isEmpty() && parts.get(parts.size() - 1) == STAR) {
            return this;
        }
        List<Part> p = new ArrayList<>(parts);
        p.add(STAR);
        return new SigmaString(p);
    }

    /** An anchored Java regular expression matching what this value matches. */
    String toRegex() {
        StringBuilder b = new StringBuilder("^");
        for (Part p : parts) {
            if (p == STAR) {
                b.append(".*");
            } else if (p == QMARK) {
                b.append('.');
            } else {
                b.append(Pattern.quote(p.text()));
            }
        }
        return b.append('$').toString();
    }
}
