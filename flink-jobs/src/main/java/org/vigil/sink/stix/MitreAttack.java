package org.vigil.sink.stix;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MITRE ATT&CK (Enterprise) names and links as STIX kill-chain phases and external references use them. */
public final class MitreAttack {

    /** The {@code kill_chain_name} and {@code source_name} ATT&CK's own STIX data uses. */
    public static final String SOURCE_NAME = "mitre-attack";

    private static final Pattern TECHNIQUE = Pattern.compile("^T(\\d{4})(?:\\.(\\d{3}))?$");
    private static final Map<String, String> PHASES = Map.ofEntries(
            Map.entry("TA0043", "reconnaissance"),
            Map.entry("TA0042", "resource-development"),
            Map.entry("TA0001", "initial-access"),
            Map.entry("TA0002", "execution"),
            Map.entry("TA0003", "persistence"),
            Map.entry("TA0004", "privilege-escalation"),
            Map.entry("TA0005", "defense-evasion"),
            Map.entry("TA0006", "credential-access"),
            Map.entry("TA0007", "discovery"),
            Map.entry("TA0008", "lateral-movement"),
            Map.entry("TA0009", "collection"),
            Map.entry("TA0011", "command-and-control"),
            Map.entry("TA0010", "exfiltration"),
            Map.entry("TA0040", "impact"));

    private MitreAttack() {}

    /** The kill-chain phase of a tactic given by id ({@code TA0006}) or by phase name; empty when unknown. */
    public static Optional<String> phaseName(String tactic) {
        String t = tactic.trim();
        String byId = PHASES.get(t.toUpperCase(Locale.ROOT));
        if (byId != null) {
            return Optional.of(byId);
        }
        String name = t.toLowerCase(Locale.ROOT).replace(' ', '-');
        return PHASES.containsValue(name) ? Optional.of(name) : Optional.empty();
    }

    /** The ATT&CK page of a technique or sub-technique ({@code T1110}, {@code T1110.001}); empty when malformed. */
    public static Optional<String> techniqueUrl(String techniqueId) {
        Matcher m = TECHNIQUE.matcher(techniqueId.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String path = m.group(2) == null ? "T" + m.group(1) : "T" + m.group(1) + "/" + m.group(2);
        return Optional.of("https://attack.mitre.org/techniques/" + path + "/");
    }
}
