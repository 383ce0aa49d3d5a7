package org.vigil.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vigil.alert.AlertId;
import org.vigil.event.SecurityEvent;

/**
 * The test cases beside a rule ({@code <rule>.test.yaml}): events at offsets from a start time and the
 * alerts each case must (or must not) raise.
 *
 * <pre>
 * start: 2026-03-02T08:00:00Z
 * cases:
 *   - name: five failures then a success
 *     events:
 *       - {at: PT0S, repeat: 5, step: PT10S, source.ip: 203.0.113.7, event.outcome: failure}
 *     expect:
 *       - {source.ip: 203.0.113.7}     # one alert; dotted paths into the alert document
 *   - name: look-alike that must not alert
 *     events: [...]
 *     expect: []
 * </pre>
 * In string values of a repeated event, {@code {i}} is replaced by the repetition index (0, 1, ...).
 */
public record RuleFixtures(String ruleFile, List<Case> cases) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Instant DEFAULT_START = Instant.parse("2026-01-05T09:00:00Z");

    /** One case: its events in the order written and the expected alerts' fields. */
    public record Case(String name, List<SecurityEvent> events, List<Map<String, String>> expectedAlerts) {}

    public RuleFixtures {
        cases = List.copyOf(cases);
    }

    /** The number of must-alert and must-not-alert cases. */
    public long mustAlertCases() {
        return cases.stream().filter(c -> !c.expectedAlerts().isEmpty()).count();
    }

    public long mustNotAlertCases() {
        return cases.stream().filter(c -> c.expectedAlerts().isEmpty()).count();
    }

    /** Reads a fixture file; problems are reported with the file name and the case. */
    public static RuleFixtures read(Path file) throws RuleException {
        String name = file.toString();
        JsonNode root;
        try {
            root = YAML.readTree(java.nio.file.Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RuleException(name, 0, "cannot read fixtures: " + e.getMessage());
        }
        if (root == null || !root.path("cases").isArray() || root.path("cases").isEmpty()) {
            throw new RuleException(name, 0, "fixtures need a non-empty 'cases' list");
        }
        Instant start;
        try {
            start = root.hasNonNull("start") ? Instant.parse(root.get("start").asText()) : DEFAULT_START;
        } catch (RuntimeException e) {
            throw new RuleException(name, 0, "'start' must be an ISO-8601 instant such as 2026-03-02T08:00:00Z");
        }
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String caseName = c.path("name").asText("case " + (cases.size() + 1));
            try {
                cases.add(new Case(caseName, events(caseName, start, c.path("events")), expected(c.path("expect"))));
            } catch (RuntimeException e) {
                throw new RuleException(name, 0, "case '" + caseName + "': " + e.getMessage());
            }
        }
        return new RuleFixtures(name, cases);
    }

    private static Duration duration(JsonNode event, String name, String absent) {
        String text = event.path(name).asText(absent);
        try {
            return Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("'" + name + "' must be an ISO-8601 duration such as PT90S or PT0.5S, got '"
                    + text + "'");
        }
    }

    private static List<SecurityEvent> events(String caseName, Instant start, JsonNode events) {
        if (!events.isArray() || events.isEmpty()) {
            throw new IllegalArgumentException("needs a non-empty 'events' list");
        }
        List<SecurityEvent> out = new ArrayList<>();
        for (JsonNode e : events) {
            Duration at = duration(e, "at", "PT0S");
            int repeat = e.path("repeat").asInt(1);
            Duration step = duration(e, "step", "PT1S");
            for (int i = 0; i < repeat; i++) {
                SecurityEvent.Builder b = SecurityEvent.builder().timestamp(start.plus(at).plus(step.multipliedBy(i)));
                Iterator<Map.Entry<String, JsonNode>> fields = e.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    if (List.of("at", "repeat", "step").contains(f.getKey())) {
                        continue;
                    }
                    b.put(f.getKey(), value(f.getValue(), i));
                }
                if (!b.hasId()) {
                    b.id(AlertId.of("fixture", 1, caseName, Integer.toString(out.size()), List.of()));
                }
                out.add(b.build());
            }
        }
        return out;
    }

    private static Object value(JsonNode node, int index) {
        if (node.isArray()) {
            List<String> list = new ArrayList<>();
            node.forEach(n -> list.add(n.asText().replace("{i}", Integer.toString(index))));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText().replace("{i}", Integer.toString(index));
    }

    private static List<Map<String, String>> expected(JsonNode expect) {
        if (!expect.isArray()) {
            throw new IllegalArgumentException("needs an 'expect' list (empty for a case that must not alert)");
        }
        List<Map<String, String>> alerts = new ArrayList<>();
        for (JsonNode alert : expect) {
            Map<String, String> fields = new LinkedHashMap<>();
            alert.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
            alerts.add(fields);
        }
        return alerts;
    }
}
