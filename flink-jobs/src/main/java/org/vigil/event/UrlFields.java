package org.vigil.event;

import java.util.Locale;

/** Splits a logged request target or URL into the ECS {@code url.*} fields. */
final class UrlFields {

    private UrlFields() {}

    /**
     * Sets {@code url.original}, {@code url.path} and {@code url.query}; an absolute URL (a proxy's request) also
     * gives {@code url.scheme}, {@code url.domain} and {@code url.port}. The fragment is never part of path or query.
     */
    static void put(String url, SecurityEvent.Builder event) {
        if (url == null || url.isEmpty()) {
            return;
        }
        event.put("url.original", url);
        String rest = url;
        int scheme = rest.indexOf("://");
        if (scheme > 0 && rest.substring(0, scheme).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+'
                || c == '-' || c == '.')) {
            event.put("url.scheme", rest.substring(0, scheme).toLowerCase(Locale.ROOT));
            int authorityEnd = firstOf(rest, scheme + 3, "/?#");
            authority(rest.substring(scheme + 3, authorityEnd), event);
            rest = authorityEnd == rest.length() ? "/" : rest.substring(authorityEnd);
        }
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        int query = rest.indexOf('?');
        event.put("url.path", query < 0 ? rest : rest.substring(0, query));
        if (query >= 0) {
            event.put("url.query", rest.substring(query + 1));
        }
    }

    private static void authority(String authority, SecurityEvent.Builder event) {
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        String port = null;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close > 0 && host.startsWith(":", close + 1)) {
                port = host.substring(close + 2);
            }
            host = close > 0 ? host.substring(1, close) : host;
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            port = host.substring(host.indexOf(':') + 1);
            host = host.substring(0, host.indexOf(':'));
        }
        event.put("url.domain", host.toLowerCase(Locale.ROOT));
        if (port != null && !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            event.put("url.port", Long.parseLong(port));
        }
    }

    private static int firstOf(String text, int from, String chars) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }
}
