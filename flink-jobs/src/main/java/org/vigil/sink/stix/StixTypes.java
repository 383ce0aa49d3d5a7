package org.vigil.sink.stix;

import java.util.Set;

/** The object types STIX 2.1 defines, by the schema folder they live in (sdos, sros, observables, common). */
final class StixTypes {
    private StixTypes() {}

    static final Set<String> SDOS = Set.of("attack-pattern", "campaign", "course-of-action", "grouping", "identity",
            "incident", "indicator", "infrastructure", "intrusion-set", "location", "malware-analysis", "malware",
            "note", "observed-data", "opinion", "report", "threat-actor", "tool", "vulnerability");
    static final Set<String> SROS = Set.of("relationship", "sighting");
    static final Set<String> OBSERVABLES = Set.of("artifact", "autonomous-system", "directory", "domain-name",
            "email-addr", "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic",
            "process", "software", "url", "user-account", "windows-registry-key", "x509-certificate");
    static final Set<String> COMMON = Set.of("marking-definition", "language-content", "extension-definition", "bundle");

    /** The folder of a type's schema in the OASIS repository; null for a type STIX 2.1 does not define. */
    static String folderOf(String type) {
        return SDOS.contains(type) ? "sdos" : SROS.contains(type) ? "sros" : OBSERVABLES.contains(type) ? "observables"
                : COMMON.contains(type) ? "common" : null;
    }
}
