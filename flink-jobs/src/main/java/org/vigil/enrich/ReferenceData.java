package org.vigil.enrich;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference data an operator instance looks events up in: the asset inventory, the botnet IP list, IOCs and
 * vulnerabilities, indexed for lookup and updated one topic record at a time.
 *
 * <p>IP lookups walk {@link IpPrefixTrie}s (longest prefix for assets and IOCs, every containing prefix for
 * vulnerabilities); host names, domains, URLs and hashes are hash lookups on their canonical forms. The result of
 * applying a set of records does not depend on their order, so an instance rebuilt from broadcast state on restore
 * (in whatever order the state iterates) answers exactly as the instance that saw the records arrive.
 *
 * <p>Botnet list: every version's entries are stored under their own keys; a version becomes the current list once
 * its {@link BotnetListVersion} announcement is present and all the entries it counts have arrived. The current list
 * is the newest such complete version, so a half-arrived new version never replaces a complete older one.
 *
 * <p>Not thread-safe: one instance per operator instance, mutated only by the broadcast side.
 */
public final class ReferenceData implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, ReferenceRecord> byKey = new HashMap<>();

    private final IpPrefixTrie<Asset> assetsByIp = new IpPrefixTrie<>();
    private final Map<String, Asset> assetsByHost = new HashMap<>();

    private final IpPrefixTrie<VulnerabilitySet> vulnerabilitiesByIp = new IpPrefixTrie<>();
    private final Map<String, VulnerabilitySet> vulnerabilitiesByHost = new HashMap<>();

    private final IpPrefixTrie<Ioc> iocIps = new IpPrefixTrie<>();
    private final Map<String, Ioc> iocDomains = new HashMap<>();
    private final Map<String, Ioc> iocUrls = new HashMap<>();
    private final Map<String, Ioc> iocHashes = new HashMap<>();

    private final Map<String, Map<String, BotnetEntry>> botnetByVersion = new HashMap<>();
    private final Map<String, BotnetListVersion> botnetAnnouncements = new HashMap<>();
    private String activeBotnetVersion;

    /** The vulnerabilities listed for one asset entry, by key. */
    private static final class VulnerabilitySet extends TreeMap<String, Vulnerability> {
        private static final long serialVersionUID = 1L;
    }

    /** An empty instance. */
    public ReferenceData() {}

    /** An instance holding every record of {@code topicRecords} (key to value; null and empty values, deletions, are skipped). */
    public static ReferenceData of(Iterable<Map.Entry<String, byte[]>> topicRecords) {
        ReferenceData data = new ReferenceData();
        for (Map.Entry<String, byte[]> r : topicRecords) {
            if (r.getValue() != null && r.getValue().length > 0) {
                data.apply(r.getKey(), r.getValue());
            }
        }
        return data;
    }

    /** An instance holding {@code records}. */
    public static ReferenceData ofRecords(Collection<? extends ReferenceRecord> records) {
        ReferenceData data = new ReferenceData();
        records.forEach(data::put);
        return data;
    }

    /**
     * Applies one topic record: a value stores (or replaces) the record under its key, a null value (tombstone)
     * removes it. Throws {@link IllegalArgumentException} with the reason, leaving this instance unchanged, when the
     * key or value is not a valid reference record.
     */
    public ReferenceChange apply(String key, byte[] value) {
        if (value == null) {
            ReferenceRecordCodec.kindOfKey(key);
            return remove(key);
        }
        return put(ReferenceRecordCodec.decode(key, value));
    }

    /** {@link #apply(String, byte[])} for a key as bytes. */
    public ReferenceChange apply(byte[] key, byte[] value) {
        if (key == null) {
            throw new IllegalArgumentException("reference record without a key");
        }
        return apply(new String(key, StandardCharsets.UTF_8), value);
    }

    /** Stores {@code record} under its key, replacing the record there. */
    public ReferenceChange put(ReferenceRecord record) {
        String before = activeBotnetVersion;
        ReferenceRecord previous = byKey.put(record.key(), record);
        if (previous != null) {
            unindex(previous);
        }
        index(record);
        return new ReferenceChange(record.key(), previous, record, before, activeBotnetVersion);
    }

    /** Removes the record under {@code key}, if any. */
    public ReferenceChange remove(String key) {
        String before = activeBotnetVersion;
        ReferenceRecord previous = byKey.remove(key);
        if (previous != null) {
            unindex(previous);
        }
        return new ReferenceChange(key, previous, null, before, activeBotnetVersion);
    }

    /** The record stored under {@code key}, or null. */
    public ReferenceRecord get(String key) {
        return byKey.get(key);
    }

    /** The number of records held, of every kind. */
    public int size() {
        return byKey.size();
    }

    // ---- lookups ---------------------------------------------------------------------------------------------

    /** The inventory entry with the longest prefix containing {@code ip}; null when none or not an IP literal. */
    public Asset assetForIp(String ip) {
        return assetForAddress(IpPrefix.addressOrNull(ip));
    }

    /** {@link #assetForIp} for address bytes (4 or 16, as {@link IpPrefix#addressOrNull} gives); null gives null. */
    public Asset assetForAddress(byte[] address) {
        return address == null ? null : assetsByIp.longestMatch(address);
    }

    /** The inventory entry for exactly this host name (case-insensitive, trailing dot ignored), or null. */
    public Asset assetForHost(String hostName) {
        String name = HostNames.normalise(hostName);
        return name == null ? null : assetsByHost.get(name);
    }

    /** Every vulnerability listed for {@code ip} or a prefix containing it, ordered by CVE. */
    public List<Vulnerability> vulnerabilitiesForIp(String ip) {
        return vulnerabilitiesForAddress(IpPrefix.addressOrNull(ip));
    }

    /** {@link #vulnerabilitiesForIp} for address bytes; null gives none. */
    public List<Vulnerability> vulnerabilitiesForAddress(byte[] address) {
        List<Vulnerability> out = new ArrayList<>();
        if (address != null) {
            vulnerabilitiesByIp.allMatches(address).forEach(set -> out.addAll(set.values()));
        }
        out.sort(Comparator.comparing(Vulnerability::cve).thenComparing(Vulnerability::asset));
        return out;
    }

    /** Every vulnerability listed for exactly this host name, ordered by CVE. */
    public List<Vulnerability> vulnerabilitiesForHost(String hostName) {
        String name = HostNames.normalise(hostName);
        VulnerabilitySet set = name == null ? null : vulnerabilitiesByHost.get(name);
        return set == null ? List.of() : List.copyOf(set.values());
    }

    /** The IOC for the longest IP prefix containing {@code ip} that is still active at {@code eventTimeMillis}. */
    public Ioc iocForIp(String ip, long eventTimeMillis) {
        return iocForAddress(IpPrefix.addressOrNull(ip), eventTimeMillis);
    }

    /** {@link #iocForIp} for address bytes; null gives null. */
    public Ioc iocForAddress(byte[] address, long eventTimeMillis) {
        if (address == null) {
            return null;
        }
        List<Ioc> matches = iocIps.allMatches(address);
        for (int i = matches.size() - 1; i >= 0; i--) {
            if (matches.get(i).isActiveAt(eventTimeMillis)) {
                return matches.get(i);
            }
        }
        return null;
    }

    /**
     * The active IOC for {@code domain} or its nearest listed parent domain: an indicator {@code evil.example} matches
     * {@code evil.example} and {@code www.evil.example}, and the most specific active one wins.
     */
    public Ioc iocForDomain(String domain, long eventTimeMillis) {
        String name = HostNames.normalise(domain);
        while (name != null) {
            Ioc ioc = iocDomains.get(name);
            if (ioc != null && ioc.isActiveAt(eventTimeMillis)) {
                return ioc;
            }
            int dot = name.indexOf('.');
            name = dot < 0 ? null : name.substring(dot + 1);
        }
        return null;
    }

    /** The active IOC for exactly this URL (as written, surrounding blanks ignored), or null. */
    public Ioc iocForUrl(String url, long eventTimeMillis) {
        return url == null ? null : active(iocUrls.get(url.trim()), eventTimeMillis);
    }

    /** The active IOC for this file hash (hex, any case), or null. */
    public Ioc iocForHash(String hash, long eventTimeMillis) {
        return hash == null ? null : active(iocHashes.get(hash.trim().toLowerCase(java.util.Locale.ROOT)), eventTimeMillis);
    }

    /** The entry for {@code ip} on the current botnet list, or null (also when no version is complete yet). */
    public BotnetEntry botnetEntry(String ip) {
        return botnetEntryForAddress(IpPrefix.addressOrNull(ip));
    }

    /** {@link #botnetEntry} for address bytes; null gives null. */
    public BotnetEntry botnetEntryForAddress(byte[] address) {
        if (activeBotnetVersion == null || address == null) {
            return null;
        }
        return botnetByVersion.get(activeBotnetVersion).get(addressKey(address));
    }

    /** The current botnet list's version ({@code YYYY-MM}), or null when no version is complete. */
    public String activeBotnetVersion() {
        return activeBotnetVersion;
    }

    /** The entries of the current botnet list, in no particular order. */
    public Collection<BotnetEntry> activeBotnetEntries() {
        return activeBotnetVersion == null ? List.of() : List.copyOf(botnetByVersion.get(activeBotnetVersion).values());
    }

    // ---- indexing --------------------------------------------------------------------------------------------

    private void index(ReferenceRecord record) {
        if (record instanceof Asset a) {
            if (a.isIpEntry()) {
                assetsByIp.put(IpPrefix.parse(a.entry()), a);
            } else {
                assetsByHost.put(a.entry(), a);
            }
        } else if (record instanceof Vulnerability v) {
            vulnerabilitySet(v.asset(), true).put(v.key(), v);
        } else if (record instanceof Ioc i) {
            switch (i.type()) {
                case IP -> iocIps.put(IpPrefix.parse(i.value()), i);
                case DOMAIN -> iocDomains.put(i.value(), i);
                case URL -> iocUrls.put(i.value(), i);
                case HASH -> iocHashes.put(i.value(), i);
            }
        } else if (record instanceof BotnetEntry b) {
            botnetByVersion.computeIfAbsent(b.listVersion(), v -> new HashMap<>())
                    .put(addressKey(IpPrefix.parseAddress(b.ip())), b);
            activeBotnetVersion = newestCompleteBotnetVersion();
        } else if (record instanceof BotnetListVersion l) {
            botnetAnnouncements.put(l.listVersion(), l);
            activeBotnetVersion = newestCompleteBotnetVersion();
        }
    }

    private void unindex(ReferenceRecord record) {
        if (record instanceof Asset a) {
            if (a.isIpEntry()) {
                assetsByIp.remove(IpPrefix.parse(a.entry()));
            } else {
                assetsByHost.remove(a.entry());
            }
        } else if (record instanceof Vulnerability v) {
            VulnerabilitySet set = vulnerabilitySet(v.asset(), false);
            set.remove(v.key());
            if (set.isEmpty()) {
                if (IpPrefix.looksLikeIp(v.asset())) {
                    vulnerabilitiesByIp.remove(IpPrefix.parse(v.asset()));
                } else {
                    vulnerabilitiesByHost.remove(v.asset());
                }
            }
        } else if (record instanceof Ioc i) {
            switch (i.type()) {
                case IP -> iocIps.remove(IpPrefix.parse(i.value()));
                case DOMAIN -> iocDomains.remove(i.value());
                case URL -> iocUrls.remove(i.value());
                case HASH -> iocHashes.remove(i.value());
            }
        } else if (record instanceof BotnetEntry b) {
            Map<String, BotnetEntry> entries = botnetByVersion.get(b.listVersion());
            entries.remove(addressKey(IpPrefix.parseAddress(b.ip())));
            if (entries.isEmpty()) {
                botnetByVersion.remove(b.listVersion());
            }
            activeBotnetVersion = newestCompleteBotnetVersion();
        } else if (record instanceof BotnetListVersion l) {
            botnetAnnouncements.remove(l.listVersion());
            activeBotnetVersion = newestCompleteBotnetVersion();
        }
    }

    private VulnerabilitySet vulnerabilitySet(String asset, boolean create) {
        if (IpPrefix.looksLikeIp(asset)) {
            IpPrefix prefix = IpPrefix.parse(asset);
            VulnerabilitySet set = vulnerabilitiesByIp.get(prefix);
            if (set == null && create) {
                set = new VulnerabilitySet();
                vulnerabilitiesByIp.put(prefix, set);
            }
            return set;
        }
        return create ? vulnerabilitiesByHost.computeIfAbsent(asset, a -> new VulnerabilitySet())
                : vulnerabilitiesByHost.get(asset);
    }

    private String newestCompleteBotnetVersion() {
        String newest = null;
        for (BotnetListVersion announced : botnetAnnouncements.values()) {
            Map<String, BotnetEntry> entries = botnetByVersion.getOrDefault(announced.listVersion(), Map.of());
            // YYYY-MM sorts as text in time order.
            if (entries.size() == announced.count()
                    && (newest == null || announced.listVersion().compareTo(newest) > 0)) {
                newest = announced.listVersion();
            }
        }
        return newest;
    }

    private static Ioc active(Ioc ioc, long eventTimeMillis) {
        return ioc != null && ioc.isActiveAt(eventTimeMillis) ? ioc : null;
    }

    /** A map key for address bytes: one char per byte, cheaper than formatting the address as text. */
    private static String addressKey(byte[] address) {
        return new String(address, StandardCharsets.ISO_8859_1);
    }
}
