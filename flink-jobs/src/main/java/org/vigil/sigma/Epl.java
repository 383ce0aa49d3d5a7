package org.vigil.sigma;

import java.util.List;
import java.util.Set;
import org.vigil.event.EventSchema;
import org.vigil.event.FieldType;

/** EPL text for converted rules: string literals, field references and the calls of {@link SigmaMatch}. */
final class Epl {
    /** Name segments of Vigil fields that are EPL keywords and must be quoted with back-ticks. */
    private static final Set<String> RESERVED = Set.of("group", "order", "window", "from", "select", "where", "having",
            "output", "every", "pattern", "index", "all", "any", "some", "as", "on", "in", "is", "not", "and", "or");

    private Epl() {}

    /** A single-quoted EPL string literal. */
    static String literal(String text) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('\'').toString();
    }

    /** The EPL expression reading a mapped field of the event (optionally of a pattern tag or stream alias). */
    static String field(String target, String alias) {
        String prefix = alias == null ? "" : alias + ".";
        if (target.startsWith(FieldMapping.EVENT_DATA + ".")) {
            return prefix + "winlog.event_data(" + literal(target.substring(FieldMapping.EVENT_DATA.length() + 1)) + ")";
        }
        StringBuilder b = new StringBuilder(prefix);
        String[] segments = target.split("\\.");
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                b.append('.');
            }
            b.append(RESERVED.contains(segments[i]) ? "`" + segments[i] + "`" : segments[i]);
        }
        return b.toString();
    }

    /** The type of a mapped field; raw event data is text. */
    static FieldType typeOf(String target) {
        FieldType t = EventSchema.typeOf(target);
        return t == null ? FieldType.STRING : t;
    }

    static String call(String method, String... args) {
        return "SigmaMatch." + method + "(" + String.join(", ", args) + ")";
    }

    static String and(List<String> terms) {
        return join(terms, " and ", "true");
    }

    static String or(List<String> terms) {
        return join(terms, " or ", "false");
    }

    private static String join(List<String> terms, String op, String empty) {
        if (terms.isEmpty()) {
            return empty;
        }
        if (terms.size() == 1) {
            return terms.get(0);
        }
        StringBuilder b = new StringBuilder();
        for (String t : terms) {
            if (b.length() > 0) {
                b.append(op);
            }
            b.append('(').append(t).append(')');
        }
        return b.toString();
    }
}
