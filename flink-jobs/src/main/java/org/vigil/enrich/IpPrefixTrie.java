package org.vigil.enrich;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A binary trie of IPv4 and IPv6 prefixes for longest-prefix matching: a lookup walks at most 32 (IPv4) or 128
 * (IPv6) nodes, however many prefixes are stored.
 *
 * <p>Not thread-safe; one instance per operator. Values are replaced by {@link #put} and removed by {@link #remove};
 * nodes left without values or children are pruned, so removals do not leak memory.
 *
 * @param <V> the value stored per prefix
 */
public final class IpPrefixTrie<V extends Serializable> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Node<V> ipv4 = new Node<>();
    private final Node<V> ipv6 = new Node<>();
    private int size;

    /** One node; the value is set when a stored prefix ends here. */
    private static final class Node<V> implements Serializable {
        private static final long serialVersionUID = 1L;
        private Node<V> zero;
        private Node<V> one;
        private V value;
    }

    /** Stores {@code value} under {@code prefix}; returns the value it replaces, or null. */
    public V put(IpPrefix prefix, V value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null; use remove");
        }
        byte[] address = prefix.addressUnsafe();
        Node<V> node = root(address);
        for (int bit = 0; bit < prefix.length(); bit++) {
            if (IpPrefix.bit(address, bit)) {
                node = node.one == null ? (node.one = new Node<>()) : node.one;
            } else {
                node = node.zero == null ? (node.zero = new Node<>()) : node.zero;
            }
        }
        V previous = node.value;
        node.value = value;
        if (previous == null) {
            size++;
        }
        return previous;
    }

    /** Removes the value stored under exactly {@code prefix}; returns it, or null when there was none. */
    public V remove(IpPrefix prefix) {
        byte[] address = prefix.addressUnsafe();
        List<Node<V>> path = new ArrayList<>(prefix.length() + 1);
        Node<V> node = root(address);
        path.add(node);
        for (int bit = 0; bit < prefix.length() && node != null; bit++) {
            node = IpPrefix.bit(address, bit) ? node.one : node.zero;
            path.add(node);
        }
        if (node == null || node.value == null) {
            return null;
        }
        V previous = node.value;
        node.value = null;
        size--;
        // Prune the now-empty tail of the path; roots stay.
        for (int i = path.size() - 1; i > 0; i--) {
            Node<V> n = path.get(i);
            if (n.value != null || n.zero != null || n.one != null) {
                break;
            }
            Node<V> parent = path.get(i - 1);
            if (parent.zero == n) {
                parent.zero = null;
            } else {
                parent.one = null;
            }
        }
        return previous;
    }

    /** The value stored under exactly {@code prefix}, or null. */
    public V get(IpPrefix prefix) {
        byte[] address = prefix.addressUnsafe();
        Node<V> node = root(address);
        for (int bit = 0; bit < prefix.length() && node != null; bit++) {
            node = IpPrefix.bit(address, bit) ? node.one : node.zero;
        }
        return node == null ? null : node.value;
    }

    /** The value of the longest stored prefix containing {@code address} (4 or 16 bytes), or null. */
    public V longestMatch(byte[] address) {
        Node<V> node = root(address);
        V best = node.value;
        for (int bit = 0; bit < address.length * 8; bit++) {
            node = IpPrefix.bit(address, bit) ? node.one : node.zero;
            if (node == null) {
                break;
            }
            if (node.value != null) {
                best = node.value;
            }
        }
        return best;
    }

    /** The values of every stored prefix containing {@code address}, shortest prefix first. */
    public List<V> allMatches(byte[] address) {
        List<V> out = new ArrayList<>();
        Node<V> node = root(address);
        if (node.value != null) {
            out.add(node.value);
        }
        for (int bit = 0; bit < address.length * 8; bit++) {
            node = IpPrefix.bit(address, bit) ? node.one : node.zero;
            if (node == null) {
                break;
            }
            if (node.value != null) {
                out.add(node.value);
            }
        }
        return out;
    }

    /** The number of stored prefixes. */
    public int size() {
        return size;
    }

    private Node<V> root(byte[] address) {
        if (address.length == 4) {
            return ipv4;
        }
        if (address.length == 16) {
            return ipv6;
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got " + address.length);
    }
}
