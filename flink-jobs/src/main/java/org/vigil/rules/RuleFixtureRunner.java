package org.vigil.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vigil.alert.Alert;
import org.vigil.alert.AlertDocument;
import org.vigil.correlate.AlertSuppressor;
import org.vigil.correlate.EntityCorrelator;
import org.vigil.event.SecurityEvent;

/** Runs a rule's fixture cases on a bare Esper runtime with an event-time clock and reports what differs. */
public final class RuleFixtureRunner {
    private static final int MAX_EVIDENCE = 50;

    private RuleFixtureRunner() {}

    /** The outcome of one case: its alerts and, when it failed, a readable description of the difference. */
    public record CaseResult(String caseName, List<Alert> alerts, List<String> differences) {
        public boolean passed() {
            return differences.isEmpty();
        }
    }

    /** Runs every case in a fresh correlator so cases cannot influence each other. */
    public static List<CaseResult> run(RuleDefinition rule, RuleFixtures fixtures) throws RuleException {
        List<CaseResult> results = new ArrayList<>();
        for (RuleFixtures.Case c : fixtures.cases()) {
            List<Alert> alerts = alertsFor(rule, c.events());
            results.add(new CaseResult(c.name(), alerts, compare(c.expectedAlerts(), alerts)));
        }
        return results;
    }

    /**
     * The alerts a rule raises over events, fed as a correlator instance of the job feeds them: in event-time
     * order (ties by id), with Esper's clock also moved where the job's timers move it (the end of each event's
     * horizon, the end of each suppression period), so matches that time completes come out as in the job; and as
     * the alert index ends up holding them: one per alert id, in the order first raised, with its repeats merged in.
     */
    public static List<Alert> alertsFor(RuleDefinition rule, List<SecurityEvent> events) throws RuleException {
        String field = rule.metadata().partitionField();
        long horizon = rule.metadata().horizon().toMillis();
        TreeMap<Long, List<SecurityEvent>> byTime = new TreeMap<>();
        TreeSet<Long> clockPoints = new TreeSet<>();
        for (SecurityEvent e : events) {
            if (e.getString(field) != null) {
                byTime.computeIfAbsent(e.timestampMillis(), t -> new ArrayList<>()).add(e);
                clockPoints.add(e.timestampMillis());
                clockPoints.add(e.timestampMillis() + horizon);
            }
        }
        AlertSuppressor suppressor = new AlertSuppressor(List.of(rule));
        // The job's timer at each period's end moves the clock too.
        AlertSuppressor.Periods periods = AlertSuppressor.inMemory(clockPoints::add);
        Map<String, Alert> alerts = new LinkedHashMap<>();
        try (EntityCorrelator correlator = new EntityCorrelator(List.of(rule), MAX_EVIDENCE)) {
            for (Long at = clockPoints.isEmpty() ? null : clockPoints.first(); at != null; at = clockPoints.higher(at)) {
                List<Alert> matches = new ArrayList<>(correlator.advanceTo(at));
                List<SecurityEvent> due = new ArrayList<>(byTime.getOrDefault(at, List.of()));
                due.sort(Comparator.comparing(SecurityEvent::id));
                for (SecurityEvent e : due) {
                    matches.addAll(correlator.process(field, e.getString(field), e));
                }
                for (Alert match : matches) {
                    try {
                        Alert alert = suppressor.apply(match, periods);
                        alerts.put(alert.id(), alert);
                    } catch (Exception e) {
                        throw new IllegalStateException("in-memory suppression failed", e);
                    }
                }
            }
        }
        return List.copyOf(alerts.values());
    }

    private static List<String> compare(List<Map<String, String>> expected, List<Alert> actual) {
        List<String> diffs = new ArrayList<>();
        if (expected.size() != actual.size()) {
            diffs.add("expected " + expected.size() + " alert(s), got " + actual.size()
                    + (actual.isEmpty() ? "" : ": " + actual.stream().map(a -> a.partitionValue() + "@" + a.timestamp()).toList()));
        }
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            JsonNode doc = AlertDocument.toJson(actual.get(i));
            for (Map.Entry<String, String> f : expected.get(i).entrySet()) {
                String got = textAt(doc, f.getKey());
                if (!f.getValue().equals(got)) {
                    diffs.add("alert " + (i + 1) + ": " + f.getKey() + " expected '" + f.getValue() + "' but was '" + got + "'");
                }
            }
        }
        return diffs;
    }

    /** The text at a dotted path of the alert document; arrays join with commas. */
    static String textAt(JsonNode doc, String dotted) {
        JsonNode node = doc;
        for (String part : dotted.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(n -> parts.add(n.asText()));
            return String.join(",", parts);
        }
        return node.asText();
    }
}
