package org.vigil.share;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vigil.enrich.IpPrefix;

/**
 * What of an alert may leave the SOC: the evidence fields shared as observables, which addresses are internal, and
 * whether internal user names and addresses are removed, pseudonymised or kept.
 */
public final class SharingPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final List<String> DEFAULT_FIELDS = List.of("source.ip", "destination.ip", "host.ip",
            "destination.domain", "url.domain", "dns.question.name", "url.original", "file.hash.sha256",
            "file.hash.sha1", "file.hash.md5", "user.name");
    /** RFC 1918, loopback, link-local, shared address space (RFC 6598) and their IPv6 counterparts. */
    public static final List<String> DEFAULT_INTERNAL_NETWORKS = List.of("10.0.0.0/8", "172.16.0.0/12",
            "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128");
    public static final InternalValueHandling DEFAULT_HANDLING = InternalValueHandling.PSEUDONYMISE;

    private final Set<ShareableField> fields;
    private final List<IpPrefix> internalNetworks;
    private final InternalValueHandling internalUsers;
    private final InternalValueHandling internalAddresses;
    private final Pseudonym pseudonym;

    private SharingPolicy(Builder b) {
        this.fields = b.fields;
        this.internalNetworks = List.copyOf(b.internalNetworks);
        this.pseudonym = b.pseudonymKey == null ? null : new Pseudonym(b.pseudonymKey);
        // Without a secret a pseudonym could be reversed by hashing every address: removing is the safe reading.
        this.internalUsers = effective(b.internalUsers);
        this.internalAddresses = effective(b.internalAddresses);
    }

    private InternalValueHandling effective(InternalValueHandling h) {
        return h == InternalValueHandling.PSEUDONYMISE && pseudonym == null ? InternalValueHandling.REMOVE : h;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The shared fields in the order of {@link ShareableField}. */
    public Set<ShareableField> fields() {
        return fields;
    }

    /** Whether an address is in one of the internal networks. */
    public boolean isInternalNetwork(String address) {
        byte[] bytes = IpPrefix.addressOrNull(address);
        return bytes != null && internalNetworks.stream().anyMatch(p -> p.contains(bytes));
    }

    /** As applied: {@code PSEUDONYMISE} without a pseudonym key reads as {@code REMOVE}. */
    public InternalValueHandling internalUsers() {
        return internalUsers;
    }

    public InternalValueHandling internalAddresses() {
        return internalAddresses;
    }

    /** The keyed pseudonym of a value; empty when no key is configured. */
    public Optional<String> pseudonym(String value) {
        return pseudonym == null ? Optional.empty() : Optional.of(pseudonym.of(value));
    }

    /** Builds a {@link SharingPolicy}; every setting has a named default. */
    public static final class Builder {
        private Set<ShareableField> fields = parseFields(DEFAULT_FIELDS);
        private List<IpPrefix> internalNetworks = parseNetworks(DEFAULT_INTERNAL_NETWORKS);
        private InternalValueHandling internalUsers = DEFAULT_HANDLING;
        private InternalValueHandling internalAddresses = DEFAULT_HANDLING;
        private String pseudonymKey;

        private Builder() {}

        /** Evidence fields whose values may be shared; each must be one of {@link ShareableField}. */
        public Builder fields(List<String> names) {
            fields = parseFields(names);
            return this;
        }

        /** CIDR prefixes (or single addresses) of the SOC's own networks, in addition to the inventory's assets. */
        public Builder internalNetworks(List<String> prefixes) {
            internalNetworks = parseNetworks(prefixes);
            return this;
        }

        public Builder internalUsers(InternalValueHandling h) {
            internalUsers = Objects.requireNonNull(h, "internalUsers");
            return this;
        }

        public Builder internalAddresses(InternalValueHandling h) {
            internalAddresses = Objects.requireNonNull(h, "internalAddresses");
            return this;
        }

        /** The HMAC secret of pseudonyms; null or empty for none. */
        public Builder pseudonymKey(String key) {
            pseudonymKey = key == null || key.isEmpty() ? null : key;
            return this;
        }

        public SharingPolicy build() {
            return new SharingPolicy(this);
        }

        private static Set<ShareableField> parseFields(List<String> names) {
            Set<ShareableField> parsed = new java.util.TreeSet<>();
            for (String name : names) {
                String n = name.trim();
                if (n.isEmpty()) {
                    continue;
                }
                parsed.add(ShareableField.of(n).orElseThrow(() -> new IllegalArgumentException(
                        "share.fields: '" + n + "' cannot be shared; supported fields: " + ShareableField.names())));
            }
            return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(parsed));
        }

        private static List<IpPrefix> parseNetworks(List<String> prefixes) {
            List<IpPrefix> parsed = new ArrayList<>();
            for (String p : prefixes) {
                if (p.isBlank()) {
                    continue;
                }
                try {
                    parsed.add(IpPrefix.parse(p.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("share.internal-networks: " + e.getMessage(), e);
                }
            }
            return parsed;
        }
    }
}
