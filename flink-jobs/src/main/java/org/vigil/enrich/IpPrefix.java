package org.vigil.enrich;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network prefix (an address and a prefix length), parsed from an address literal or CIDR text.
 *
 * <p>Parsing never resolves names: text that is not an address literal is refused. IPv4-mapped IPv6 addresses
 * ({@code ::ffff:10.0.0.1}) are read as the IPv4 address, so both spellings find the same entries. Host bits beyond
 * the prefix length are refused ({@code 10.0.0.1/24} is a typo for {@code 10.0.0.0/24} or {@code 10.0.0.1}), because
 * silently masking them would widen what an entry matches.
 */
public final class IpPrefix implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] address;
    private final int length;

    private IpPrefix(byte[] address, int length) {
        this.address = address;
        this.length = length;
    }

    /** An IP address literal or {@code address/length}; throws {@link IllegalArgumentException} with the reason. */
    public static IpPrefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        byte[] address = parseAddress(slash < 0 ? t : t.substring(0, slash));
        int max = address.length * 8;
        if (slash < 0) {
            return new IpPrefix(address, max);
        }
        String lengthText = t.substring(slash + 1);
        if (!lengthText.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("'" + t + "': prefix length must be a number");
        }
        int length = Integer.parseInt(lengthText);
        if (length > max) {
            throw new IllegalArgumentException("'" + t + "': prefix length must be at most " + max);
        }
        for (int bit = length; bit < max; bit++) {
            if (bit(address, bit)) {
                throw new IllegalArgumentException("'" + t + "': host bits set beyond /" + length
                        + " (the network is " + new IpPrefix(mask(address, length), length) + ")");
            }
        }
        return new IpPrefix(address, length);
    }

    /** Whether {@code text} is an IP address literal or a CIDR prefix (as opposed to a host name). */
    public static boolean looksLikeIp(String text) {
        return text != null && (text.indexOf(':') >= 0 || text.matches("[0-9./]+"));
    }

    /** The address bytes of an IP literal from an event, or null when the text is not one (never throws). */
    public static byte[] addressOrNull(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return parseAddress(text.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The address bytes of an IP literal: 4 for IPv4 (including IPv4-mapped IPv6), 16 for IPv6. */
    public static byte[] parseAddress(String text) {
        if (text.indexOf(':') < 0) {
            return parseIpv4(text);
        }
        // Only hex digits, colons and dots: InetAddress then parses a literal and never asks DNS.
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address");
            }
        }
        try {
            byte[] bytes = InetAddress.getByName(text).getAddress();
            if (bytes.length == 16 && isIpv4Mapped(bytes)) {
                return Arrays.copyOfRange(bytes, 12, 16);
            }
            return bytes;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
    }

    /** Strict dotted quad: four decimal octets 0-255 without leading zeros ("010" is octal to some tools). */
    private static byte[] parseIpv4(String text) {
        byte[] bytes = new byte[4];
        int octet = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    throw notAnAddress(text);
                }
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    throw notAnAddress(text);
                }
            } else if (c == '.' && digits > 0 && octet < 4) {
                bytes[octet++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                throw notAnAddress(text);
            }
        }
        if (octet != 4) {
            throw notAnAddress(text);
        }
        return bytes;
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IP address");
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    static boolean bit(byte[] address, int index) {
        return (address[index >>> 3] & (0x80 >>> (index & 7))) != 0;
    }

    private static byte[] mask(byte[] address, int length) {
        byte[] masked = address.clone();
        for (int bit = length; bit < masked.length * 8; bit++) {
            masked[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return masked;
    }

    /** The address bytes (a copy). */
    public byte[] address() {
        return address.clone();
    }

    byte[] addressUnsafe() {
        return address;
    }

    public int length() {
        return length;
    }

    public boolean isIpv4() {
        return address.length == 4;
    }

    /** Whether this is a single address (full-length prefix). */
    public boolean isHost() {
        return length == address.length * 8;
    }

    /** Whether {@code other} (an address or a prefix) lies inside this prefix. */
    public boolean contains(byte[] other) {
        if (other.length != address.length) {
            return false;
        }
        for (int bit = 0; bit < length; bit++) {
            if (bit(address, bit) != bit(other, bit)) {
                return false;
            }
        }
        return true;
    }

    /** Canonical text: the address as Java prints it, with {@code /length} unless this is a single address. */
    @Override
    public String toString() {
        String text;
        try {
            text = InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        return isHost() ? text : text + "/" + length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix other && length == other.length && Arrays.equals(address, other.address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + length;
    }
}
