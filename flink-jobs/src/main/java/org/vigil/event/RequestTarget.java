package org.vigil.event;

/** The path and query of an HTTP request target, which is a path ({@code /a?b}) or, to a proxy, an absolute URL. */
record RequestTarget(String path, String query) {

    static RequestTarget of(String target) {
        String rest = target;
        int scheme = rest.indexOf("://");
        if (scheme >= 0 && scheme < rest.indexOf('/') + 1) {
            // An absolute URL: the path starts after the authority.
            int slash = rest.indexOf('/', scheme + 3);
            rest = slash < 0 ? "/" : rest.substring(slash);
        }
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        int query = rest.indexOf('?');
        return query < 0 ? new RequestTarget(rest, null)
                : new RequestTarget(rest.substring(0, query), rest.substring(query + 1));
    }
}
