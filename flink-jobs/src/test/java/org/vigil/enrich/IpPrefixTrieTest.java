package org.vigil.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IpPrefixTrieTest {

    private static byte[] ip(String text) {
        return IpPrefix.parseAddress(text);
    }

    @Test
    void longestPrefixWinsOverShorterOnes() {
        IpPrefixTrie<String> trie = new IpPrefixTrie<>();
        trie.put(IpPrefix.parse("10.0.0.0/8"), "province");
        trie.put(IpPrefix.parse("10.20.0.0/16"), "agency");
        trie.put(IpPrefix.parse("10.20.30.40"), "mail server");

        assertThat(trie.longestMatch(ip("10.20.30.40"))).isEqualTo("mail server");
        assertThat(trie.longestMatch(ip("10.20.30.41"))).isEqualTo("agency");
        assertThat(trie.longestMatch(ip("10.99.0.1"))).isEqualTo("province");
        assertThat(trie.longestMatch(ip("11.0.0.1"))).isNull();
        assertThat(trie.allMatches(ip("10.20.30.40"))).containsExactly("province", "agency", "mail server");
    }

    @Test
    void ipv4AndIpv6AreSeparateAndMappedIpv4FindsIpv4Entries() {
        IpPrefixTrie<String> trie = new IpPrefixTrie<>();
        trie.put(IpPrefix.parse("0.0.0.0/0"), "any v4");
        trie.put(IpPrefix.parse("2001:db8::/32"), "doc v6");
        trie.put(IpPrefix.parse("2001:db8:1::/48"), "portal v6");
        trie.put(IpPrefix.parse("192.0.2.7"), "one v4");

        assertThat(trie.longestMatch(ip("2001:db8:1:0::5"))).isEqualTo("portal v6");
        assertThat(trie.longestMatch(ip("2001:DB8:2::5"))).isEqualTo("doc v6");
        assertThat(trie.longestMatch(ip("2001:db9::1"))).isNull();
        assertThat(trie.longestMatch(ip("::ffff:192.0.2.7"))).isEqualTo("one v4");
        assertThat(trie.longestMatch(ip("198.51.100.1"))).isEqualTo("any v4");
    }

    @Test
    void removeTakesOutExactlyThatPrefixAndPrunes() {
        IpPrefixTrie<String> trie = new IpPrefixTrie<>();
        trie.put(IpPrefix.parse("10.0.0.0/8"), "wide");
        trie.put(IpPrefix.parse("10.1.0.0/16"), "narrow");
        assertThat(trie.remove(IpPrefix.parse("10.1.0.0/24"))).isNull();
        assertThat(trie.remove(IpPrefix.parse("10.1.0.0/16"))).isEqualTo("narrow");
        assertThat(trie.longestMatch(ip("10.1.2.3"))).isEqualTo("wide");
        assertThat(trie.size()).isEqualTo(1);
        assertThat(trie.put(IpPrefix.parse("10.0.0.0/8"), "wider")).isEqualTo("wide");
        assertThat(trie.size()).isEqualTo(1);
        trie.remove(IpPrefix.parse("10.0.0.0/8"));
        assertThat(trie.longestMatch(ip("10.1.2.3"))).isNull();
        assertThat(trie.size()).isZero();
    }

    @Test
    void agreesWithALinearScanOnRandomPrefixes() {
        Random random = new Random(42);
        IpPrefixTrie<IpPrefix> trie = new IpPrefixTrie<>();
        java.util.List<IpPrefix> prefixes = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            byte[] a = new byte[4];
            random.nextBytes(a);
            a[0] = (byte) (10 + random.nextInt(2));
            int length = 8 + random.nextInt(25);
            IpPrefix p = IpPrefix.parse(masked(a, length) + "/" + length);
            prefixes.add(p);
            trie.put(p, p);
        }
        for (int i = 0; i < 5000; i++) {
            byte[] a = new byte[4];
            random.nextBytes(a);
            a[0] = (byte) (10 + random.nextInt(2));
            IpPrefix expected = prefixes.stream().filter(p -> p.contains(a))
                    .max(java.util.Comparator.comparingInt(IpPrefix::length)).orElse(null);
            assertThat(trie.longestMatch(a)).isEqualTo(expected);
        }
    }

    private static String masked(byte[] a, int length) {
        byte[] m = a.clone();
        for (int bit = length; bit < 32; bit++) {
            m[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return (m[0] & 0xff) + "." + (m[1] & 0xff) + "." + (m[2] & 0xff) + "." + (m[3] & 0xff);
    }

    @Test
    void survivesJavaSerialisation() throws Exception {
        IpPrefixTrie<String> trie = new IpPrefixTrie<>();
        trie.put(IpPrefix.parse("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), "deep");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(trie);
        }
        @SuppressWarnings("unchecked")
        IpPrefixTrie<String> copy = (IpPrefixTrie<String>) new ObjectInputStream(
                new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertThat(copy.longestMatch(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"))).isEqualTo("deep");
    }

    @Test
    void parsesOnlyLiteralsAndRefusesHostBits() {
        assertThat(IpPrefix.parse("10.20.0.0/16").toString()).isEqualTo("10.20.0.0/16");
        assertThat(IpPrefix.parse("10.20.0.1/32").toString()).isEqualTo("10.20.0.1");
        assertThat(IpPrefix.parse("::FFFF:10.0.0.1").toString()).isEqualTo("10.0.0.1");
        assertThat(IpPrefix.parse("2001:DB8::/32").toString()).isEqualTo("2001:db8:0:0:0:0:0:0/32");
        assertThatThrownBy(() -> IpPrefix.parse("10.20.0.1/16")).hasMessageContaining("host bits set beyond /16")
                .hasMessageContaining("10.20.0.0/16");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33")).hasMessageContaining("at most 32");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.256")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> IpPrefix.parse("010.0.0.1")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0")).hasMessageContaining("not an IP address");
        // A name is refused, never resolved.
        assertThatThrownBy(() -> IpPrefix.parse("localhost")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> IpPrefix.parse("fe80::1%eth0")).hasMessageContaining("not an IP address");
    }
}
