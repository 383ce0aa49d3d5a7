package org.vigil.event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The extension of a CEF record: {@code key=value} pairs separated by spaces, where a value may hold spaces and runs
 * until the next {@code " key="}, and {@code \=}, {@code \\}, {@code \n} and {@code \r} are escapes.
 */
final class CefExtension {

    private CefExtension() {}

    /** The pairs in the order written, values unescaped and trimmed; a key written twice keeps its last value. */
    static Map<String, String> parse(String text) throws RejectedEventException {
        List<int[]> keys = new ArrayList<>(); // {key start, index of its '='}
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != '=' || escaped(text, i)) {
                continue;
            }
            int start = i;
            while (start > 0 && isKeyChar(text.charAt(start - 1))) {
                start--;
            }
            // A key starts the extension or follows a blank; "a=b" inside a URL value is not a key.
            if (start < i && (start == 0 || text.charAt(start - 1) == ' ')) {
                keys.add(new int[] {start, i});
            }
        }
        int firstKey = keys.isEmpty() ? text.length() : keys.get(0)[0];
        if (!text.substring(0, firstKey).isBlank()) {
            throw new RejectedEventException(DeadLetterReason.MALFORMED_LINE, "CEF extension starts with '"
                    + shorten(text.substring(0, firstKey).trim()) + "', not with key=value");
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int k = 0; k < keys.size(); k++) {
            int[] key = keys.get(k);
            int end = k + 1 < keys.size() ? keys.get(k + 1)[0] : text.length();
            pairs.put(text.substring(key[0], key[1]), unescape(text.substring(key[1] + 1, end)).strip());
        }
        return pairs;
    }

    private static boolean isKeyChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                || c == '[' || c == ']';
    }

    private static boolean escaped(String text, int at) {
        int backslashes = 0;
        for (int i = at - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(i + 1);
                switch (next) {
                    case '=', '\\' -> {
                        out.append(next);
                        i++;
                        continue;
                    }
                    case 'n' -> {
                        out.append('\n');
                        i++;
                        continue;
                    }
                    case 'r' -> {
                        out.append('\r');
                        i++;
                        continue;
                    }
                    default -> {
                        // Not a CEF escape (a Windows path's "\U"): kept as written.
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
