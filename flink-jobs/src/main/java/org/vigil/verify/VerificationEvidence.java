package org.vigil.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.vigil.alert.Alert;
import org.vigil.enrich.Enricher;
import org.vigil.event.SecurityEvent;
import org.vigil.rules.VerificationPolicy;

/**
 * The reasons an alert's own evidence gives for verifying it — its rule is high-fidelity, it names a CVE its target
 * has open, or an IP or domain in it is on the botnet list or an IOC feed — as far as its policy asks for them.
 */
public final class VerificationEvidence {
    /** Event fields holding IP addresses and domains, the indicators {@code intel} counts. */
    static final List<String> INTEL_FIELDS = List.of("source.ip", "destination.ip", "host.ip", "destination.domain",
            "url.domain", "dns.question.name", "tls.client.server_name", "source.domain");
    /** Fields naming the sensor that saw an event, most specific first. */
    static final List<String> SENSOR_FIELDS = List.of("observer.name", "observer.hostname", "observer.product", "event.module");
    private static final int MAX_REASONS = 10;

    private VerificationEvidence() {}

    /** The reasons, sorted, that the alert's policy accepts without another alert; empty when none holds. */
    public static List<String> intrinsicReasons(Alert alert) {
        VerificationPolicy policy = alert.verificationPolicy();
        TreeSet<String> reasons = new TreeSet<>();
        if (policy.highFidelity()) {
            reasons.add("high-fidelity: rule " + alert.ruleId() + " is marked high-fidelity");
        }
        for (SecurityEvent e : evidenceOf(alert)) {
            if (policy.vulnerableTarget()) {
                List<String> open = e.getStrings(Enricher.TARGET_VULNERABILITIES);
                for (String cve : e.getStrings("vulnerability.id")) {
                    if (open.contains(cve)) {
                        reasons.add("vulnerable-target: " + cve + " is unpatched and known exploited on the target "
                                + targetName(e));
                    }
                }
            }
            if (policy.intel()) {
                String botnetIp = e.getString(Enricher.BOTNET_IP);
                if (botnetIp != null) {
                    reasons.add("intel: " + botnetIp + " is on the botnet list " + orUnknown(e.getString(Enricher.BOTNET_LIST_VERSION))
                            + " (" + orUnknown(e.getString(Enricher.BOTNET_FAMILY)) + ")");
                }
                for (String field : e.getStrings(Enricher.INTEL_MATCHED_FIELDS)) {
                    if (INTEL_FIELDS.contains(field) && (botnetIp == null || !e.getStrings(field).contains(botnetIp))) {
                        reasons.add("intel: " + field + " " + String.join(",", e.getStrings(field)) + " matched an IOC"
                                + iocSource(e, field));
                    }
                }
            }
        }
        List<String> out = new ArrayList<>(reasons);
        return out.size() > MAX_REASONS ? List.copyOf(out.subList(0, MAX_REASONS)) : out;
    }

    /**
     * The events an alert's verification looks at: its evidence and, for an alert with repeats merged in, the evidence
     * of its latest repeat, so a repeat that sees what the first match did not (an IOC, a vulnerable target, another
     * sensor) verifies the alert. Earlier repeats were looked at when they were the latest.
     */
    static List<SecurityEvent> evidenceOf(Alert alert) {
        if (alert.latestRepeat() == null) {
            return alert.evidence();
        }
        List<SecurityEvent> all = new ArrayList<>(alert.evidence());
        all.addAll(alert.latestRepeat().evidence());
        return all;
    }

    /** The sensors that saw the alert's evidence: observer name, host name or product, else the event module. */
    public static List<String> sensors(Alert alert) {
        TreeSet<String> sensors = new TreeSet<>();
        for (SecurityEvent e : evidenceOf(alert)) {
            for (String field : SENSOR_FIELDS) {
                String v = e.getString(field);
                if (v != null && !v.isBlank()) {
                    sensors.add(v);
                    break;
                }
            }
        }
        return List.copyOf(sensors);
    }

    /**
     * Whether two alerts on one entity are independent: raised by different rules, or by the same rule from
     * evidence that different sensors saw (both name their sensors and no sensor is shared).
     */
    public static boolean independent(String ruleA, List<String> sensorsA, String ruleB, List<String> sensorsB) {
        if (!ruleA.equals(ruleB)) {
            return true;
        }
        return !sensorsA.isEmpty() && !sensorsB.isEmpty() && sensorsA.stream().noneMatch(sensorsB::contains);
    }

    private static String iocSource(SecurityEvent e, String field) {
        if (field.equals(e.getString(Enricher.MATCHED_FIELD))) {
            return " (" + orUnknown(e.getString(Enricher.INDICATOR_PROVIDER)) + ", confidence "
                    + orUnknown(e.getString(Enricher.INTEL_CONFIDENCE)) + ")";
        }
        return "";
    }

    /** The target as the event names it (its address or host name, not the inventory entry, which may be a network). */
    private static String targetName(SecurityEvent e) {
        String role = e.getString(Enricher.TARGET_ROLE);
        String target = null;
        if (role != null) {
            for (String field : List.of(role + ".ip", role + ".name", role + ".hostname", role + ".domain")) {
                List<String> v = e.getStrings(field);
                if (!v.isEmpty()) {
                    target = v.get(0);
                    break;
                }
            }
        }
        if (target == null) {
            target = e.getString("vigil.asset.entry");
        }
        String name = e.getString("vigil.asset.name");
        if (target == null) {
            return name == null ? "asset" : name;
        }
        return name == null ? target : target + " (" + name + ")";
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }
}
