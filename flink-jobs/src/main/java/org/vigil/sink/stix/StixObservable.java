package org.vigil.sink.stix;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A STIX 2.1 cyber-observable (SCO) with one id-contributing property: an IP address, a domain name, a URL, a user
 * account or a file known by one hash ({@code hashAlgorithm} is set for files only).
 */
public record StixObservable(String type, String property, String value, String hashAlgorithm) implements Serializable {

    /** The namespace the STIX 2.1 specification fixes for deterministic SCO identifiers. */
    public static final UUID SCO_NAMESPACE = UUID.fromString("00abedb4-aa42-466c-9c01-fed23315a9b7");

    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]+$");

    /** Suffix of the domain names that stand for pseudonymised internal addresses: RFC 2606 reserves it. */
    public static final String PSEUDONYM_DOMAIN = ".pseudonym.invalid";

    private static final Pattern HEX = Pattern.compile("^[0-9A-Fa-f]+$");
    private static final Pattern DOMAIN = Pattern.compile(
            "^(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]{0,62}\\.?$");

    public StixObservable(String type, String property, String value) {
        this(type, property, value, null);
    }

    public StixObservable {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(property, "property");
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(type + " " + property + " must not be empty");
        }
    }

    /** An {@code ipv4-addr} or {@code ipv6-addr} for an address literal; empty for anything else. */
    public static Optional<StixObservable> ipAddress(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim();
        if (IPV4.matcher(t).matches()) {
            return Optional.of(new StixObservable("ipv4-addr", "value", t));
        }
        // Only a string with ':' reaches InetAddress, which then parses it as a literal and never asks DNS.
        if (t.indexOf(':') >= 0 && IPV6_CHARS.matcher(t).matches()) {
            try {
                if (InetAddress.getByName(t) instanceof Inet6Address) {
                    return Optional.of(new StixObservable("ipv6-addr", "value", t.toLowerCase(Locale.ROOT)));
                }
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public static StixObservable domainName(String name) {
        return new StixObservable("domain-name", "value", name.trim().toLowerCase(Locale.ROOT));
    }

    /** A {@code domain-name} for a host name with at least two labels; empty for anything else. */
    public static Optional<StixObservable> domain(String text) {
        String t = text == null ? "" : text.trim();
        return DOMAIN.matcher(t).matches() && !IPV4.matcher(t).matches()
                ? Optional.of(domainName(t.endsWith(".") ? t.substring(0, t.length() - 1) : t)) : Optional.empty();
    }

    /** A {@code url} for an absolute URL with a host (a bare path names nothing a recipient could block). */
    public static Optional<StixObservable> url(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            java.net.URI uri = new java.net.URI(text.trim());
            return uri.isAbsolute() && uri.getHost() != null
                    ? Optional.of(new StixObservable("url", "value", text.trim())) : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** A {@code file} known by one hash; empty when the text is not a hash of the algorithm's length. */
    public static Optional<StixObservable> fileHash(String algorithm, String text) {
        int hexDigits = switch (algorithm) {
            case "MD5" -> 32;
            case "SHA-1" -> 40;
            case "SHA-256" -> 64;
            default -> throw new IllegalArgumentException("unsupported hash algorithm " + algorithm);
        };
        String t = text == null ? "" : text.trim();
        return t.length() == hexDigits && HEX.matcher(t).matches()
                ? Optional.of(new StixObservable("file", "hashes", t.toLowerCase(Locale.ROOT), algorithm))
                : Optional.empty();
    }

    /** The domain name standing for an internal address or name replaced by its pseudonym. */
    public static StixObservable pseudonymousHost(String pseudonym) {
        return domainName(pseudonym + PSEUDONYM_DOMAIN);
    }

    public static StixObservable userAccount(String userId) {
        return new StixObservable("user-account", "user_id", userId);
    }

    /** The deterministic id: UUIDv5 in {@link #SCO_NAMESPACE} over the canonical JSON of the id property. */
    public String id() {
        String canonical = hashAlgorithm == null
                ? CanonicalJson.object(property, value)
                : "{" + CanonicalJson.string(property) + ":" + CanonicalJson.object(hashAlgorithm, value) + "}";
        return type + "--" + NameBasedUuid.v5(SCO_NAMESPACE, canonical);
    }

    /** The comparison a STIX pattern uses to match this observable, e.g. {@code ipv4-addr:value = '10.0.0.1'}. */
    public String comparison() {
        String path = hashAlgorithm == null ? property : property + ".'" + hashAlgorithm + "'";
        return type + ":" + path + " = '" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    public ObjectNode toStix(List<String> markingRefs) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", type);
        node.put("spec_version", "2.1");
        node.put("id", id());
        if (hashAlgorithm == null) {
            node.put(property, value);
        } else {
            node.putObject(property).put(hashAlgorithm, value);
        }
        markingRefs.forEach(node.putArray("object_marking_refs")::add);
        return node;
    }
}
