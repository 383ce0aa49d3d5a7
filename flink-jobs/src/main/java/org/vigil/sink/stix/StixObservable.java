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
 * A STIX 2.1 cyber-observable (SCO) with one id-contributing property: an IP address, a domain name or a
 * user account.
 */
public record StixObservable(String type, String property, String value) implements Serializable {

    /** The namespace the STIX 2.1 specification fixes for deterministic SCO identifiers. */
    public static final UUID SCO_NAMESPACE = UUID.fromString("00abedb4-aa42-466c-9c01-fed23315a9b7");

    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]+$");

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

    public static StixObservable userAccount(String userId) {
        return new StixObservable("user-account", "user_id", userId);
    }

    /** The deterministic id: UUIDv5 in {@link #SCO_NAMESPACE} over the canonical JSON of the id property. */
    public String id() {
        return type + "--" + NameBasedUuid.v5(SCO_NAMESPACE, CanonicalJson.object(property, value));
    }

    /** The comparison a STIX pattern uses to match this observable, e.g. {@code ipv4-addr:value = '10.0.0.1'}. */
    public String comparison() {
        return type + ":" + property + " = '" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    public ObjectNode toStix(List<String> markingRefs) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", type);
        node.put("spec_version", "2.1");
        node.put("id", id());
        node.put(property, value);
        markingRefs.forEach(node.putArray("object_marking_refs")::add);
        return node;
    }
}
