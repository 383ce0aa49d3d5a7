package org.vigil.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vigil.alert.Severity;
import org.vigil.event.EventSchema;

/**
 * Reads a rule file's metadata header — {@code @key value} lines inside the leading block comment — and
 * checks it, reporting the file, line and reason of every problem.
 *
 * <pre>
 * /**
 *  * @id          vigil-credential-access-001
 *  * @severity    high
 *  * @technique   T1110
 *  * @partition   source.ip
 *  * @horizon     PT10M
 *  *&#47;
 * </pre>
 */
public final class RuleFileParser {
    private static final Pattern TAG = Pattern.compile("^\\s*\\*?\\s*@([a-z_-]+)\\s*(.*?)\\s*$");
    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{2,79}");
    private static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");
    private static final Pattern TACTIC = Pattern.compile("TA\\d{4}");
    private static final Set<String> REQUIRED = Set.of("id", "name", "severity", "technique", "tactic", "partition", "horizon");
    private static final Set<String> KNOWN = Set.of("id", "version", "name", "description", "severity", "risk_score",
            "tactic", "technique", "partition", "horizon", "verification", "false_positives", "suppress");
    /** Longest horizon a rule may declare: bounded state per key is what makes restore affordable. */
    public static final Duration MAX_HORIZON = Duration.ofDays(7);

    private RuleFileParser() {}

    /** Parses the rule file text; {@code file} is only used in messages. */
    public static RuleDefinition parse(String file, String text) throws RuleException {
        Map<String, String> values = new HashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        String[] all = text.split("\n", -1);
        int i = 0;
        while (i < all.length && all[i].isBlank()) {
            i++;
        }
        if (i == all.length || !all[i].trim().startsWith("/*")) {
            throw new RuleException(file, i + 1, "a rule starts with a /** ... */ metadata header (@id, @name, @severity, ...)");
        }
        String lastKey = null;
        for (; i < all.length; i++) {
            String line = all[i];
            boolean end = line.contains("*/");
            String body = end ? line.substring(0, line.indexOf("*/")) : line;
            body = body.replaceFirst("^\\s*/\\*\\*?", "");
            Matcher m = TAG.matcher(body);
            if (m.matches()) {
                String key = m.group(1).replace('-', '_');
                if (!KNOWN.contains(key)) {
                    throw new RuleException(file, i + 1, "unknown metadata tag @" + m.group(1) + " (known: " + String.join(", ", KNOWN) + ")");
                }
                if (values.containsKey(key)) {
                    throw new RuleException(file, i + 1, "@" + key + " given twice");
                }
                values.put(key, m.group(2));
                lines.put(key, i + 1);
                lastKey = key;
            } else if (lastKey != null && !body.replaceFirst("^\\s*\\*", "").isBlank()) {
                // Continuation line of a multi-line value such as @description.
                values.put(lastKey, (values.get(lastKey) + " " + body.replaceFirst("^\\s*\\*", "").trim()).trim());
            }
            if (end) {
                break;
            }
        }
        if (i == all.length) {
            throw new RuleException(file, 1, "the metadata header is not closed with */");
        }
        for (String key : REQUIRED) {
            if (values.get(key) == null || values.get(key).isBlank()) {
                throw new RuleException(file, 1, "missing metadata @" + key);
            }
        }

        String id = values.get("id");
        if (!RULE_ID.matcher(id).matches()) {
            throw new RuleException(file, lines.get("id"), "@id '" + id + "' must be 3-80 characters of a-z, 0-9, '.', '_', '-'");
        }
        int version = intValue(file, lines, values, "version", 1, 1, Integer.MAX_VALUE);
        Severity severity;
        try {
            severity = Severity.parse(values.get("severity"));
        } catch (IllegalArgumentException e) {
            throw new RuleException(file, lines.get("severity"), e.getMessage());
        }
        int riskScore = intValue(file, lines, values, "risk_score", severity.defaultRiskScore(), 0, 100);
        List<String> tactics = idList(file, lines, values, "tactic", TACTIC, "an ATT&CK tactic id such as TA0006");
        List<String> techniques = idList(file, lines, values, "technique", TECHNIQUE, "an ATT&CK technique id such as T1110 or T1110.001");
        String partition = values.get("partition");
        if (!EventSchema.isKnown(partition)) {
            throw new RuleException(file, lines.get("partition"), "@partition '" + partition + "' is not a known event field (see EventSchema)");
        }
        Duration horizon;
        try {
            horizon = Duration.parse(values.get("horizon"));
        } catch (RuntimeException e) {
            throw new RuleException(file, lines.get("horizon"), "@horizon must be an ISO-8601 duration such as PT10M, got '" + values.get("horizon") + "'");
        }
        if (horizon.isNegative() || horizon.isZero() || horizon.compareTo(MAX_HORIZON) > 0) {
            throw new RuleException(file, lines.get("horizon"), "@horizon must be positive and at most " + MAX_HORIZON);
        }
        Suppression suppression;
        try {
            suppression = Suppression.parse(values.get("suppress"));
        } catch (IllegalArgumentException e) {
            throw new RuleException(file, lines.get("suppress"), e.getMessage());
        }
        if (suppression.period().compareTo(MAX_HORIZON) > 0) {
            throw new RuleException(file, lines.get("suppress"), "@suppress period must be at most " + MAX_HORIZON);
        }
        VerificationPolicy verification;
        try {
            verification = VerificationPolicy.parse(values.getOrDefault("verification", "none"));
        } catch (IllegalArgumentException e) {
            throw new RuleException(file, lines.getOrDefault("verification", 1), e.getMessage());
        }
        RuleMetadata metadata = new RuleMetadata(id, version, values.get("name"), values.get("description"), severity,
                riskScore, tactics, techniques, partition, horizon, verification, values.get("false_positives"),
                suppression);
        return new RuleDefinition(metadata, text, file);
    }

    private static int intValue(String file, Map<String, Integer> lines, Map<String, String> values, String key,
                                int defaultValue, int min, int max) throws RuleException {
        String text = values.get(key);
        if (text == null) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(text.trim());
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new RuleException(file, lines.get(key), "@" + key + " must be an integer in " + min + ".." + max + ", got '" + text + "'");
        }
    }

    private static List<String> idList(String file, Map<String, Integer> lines, Map<String, String> values, String key,
                                       Pattern pattern, String what) throws RuleException {
        List<String> ids = new ArrayList<>();
        for (String part : values.get(key).split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!pattern.matcher(part).matches()) {
                throw new RuleException(file, lines.get(key), "@" + key + " '" + part + "' is not " + what);
            }
            ids.add(part);
        }
        return ids;
    }
}
