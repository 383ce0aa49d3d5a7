package org.vigil.event;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Recognises IPv4 and IPv6 address literals in log text, without ever resolving a name. */
final class IpAddress {

    private static final String MAPPED_IPV4 = "::ffff:";
    private static final int MAX_IPV6_CHARS = 45;

    private IpAddress() {}

    /**
     * The address as rules compare it, or null when the text is no IP literal: IPv4 as written, IPv6 in lower case
     * without a zone ({@code %eth0}), and an IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.5}) as its IPv4 address.
     */
    static String normalise(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (isIpv4(text)) {
            return text;
        }
        String v6 = text.toLowerCase(Locale.ROOT);
        int zone = v6.indexOf('%');
        if (zone >= 0) {
            v6 = v6.substring(0, zone);
        }
        if (!isIpv6(v6)) {
            return null;
        }
        if (v6.startsWith(MAPPED_IPV4) && isIpv4(v6.substring(MAPPED_IPV4.length()))) {
            return v6.substring(MAPPED_IPV4.length());
        }
        return v6;
    }

    static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String text) {
        // Starting with a dot, the JDK would take the text for a host name and look it up.
        if (text.length() < 2 || text.length() > MAX_IPV6_CHARS || text.indexOf(':') < 0 || text.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' || c == '.')) {
                return false;
            }
        }
        try {
            // Text of hex digits, colons and dots that holds a colon is only ever read as an IPv6 literal: the JDK
            // refuses it as "invalid IPv6 address" rather than looking it up as a host name.
            return InetAddress.getByName(text).getAddress().length == 16 || text.startsWith(MAPPED_IPV4);
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
