package org.vigil.sigma;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.vigil.sink.stix.MitreAttack;

/**
 * The Vigil metadata header of a converted rule, carried over from the Sigma rule: id, title, description,
 * level as severity, {@code attack.*} tags as tactic and technique ids, false positives, with the Sigma id, status,
 * references and author kept in a comment below the header.
 */
final class RuleHeader {
    final String vigilId;
    final String name;
    final String description;
    final String severity;
    final List<String> tactics;
    final List<String> techniques;
    final String falsePositives;
    final List<String> provenance = new ArrayList<>();

    private RuleHeader(String vigilId, String name, String description, String severity, List<String> tactics,
                       List<String> techniques, String falsePositives) {
        this.vigilId = vigilId;
        this.name = name;
        this.description = description;
        this.severity = severity;
        this.tactics = tactics;
        this.techniques = techniques;
        this.falsePositives = falsePositives;
    }

    /** The header of {@code doc}; tags of {@code tagSources} are used when the document has none (correlations). */
    static RuleHeader of(SigmaDocument doc, List<SigmaDocument> tagSources, List<String> fallbackAttack) throws SigmaException {
        Set<String> tactics = new LinkedHashSet<>();
        Set<String> techniques = new LinkedHashSet<>();
        collectTags(doc, tactics, techniques);
        if (tactics.isEmpty() && techniques.isEmpty()) {
            for (SigmaDocument d : tagSources) {
                collectTags(d, tactics, techniques);
            }
        }
        if (tactics.isEmpty() && techniques.isEmpty() && !fallbackAttack.isEmpty()) {
            for (String id : fallbackAttack) {
                (id.startsWith("TA") ? tactics : techniques).add(id);
            }
        }
        if (tactics.isEmpty() || techniques.isEmpty()) {
            throw new SigmaException(SigmaRefusal.MISSING_ATTACK_TAGS, "the rule has " + (tactics.isEmpty()
                    ? "no ATT&CK tactic tag (attack.execution, ...)" : "no ATT&CK technique tag (attack.t1059, ...)")
                    + ", and every Vigil rule declares @tactic and @technique (give untagged rules ids with --attack)");
        }
        String description = doc.text("description");
        if (description == null || description.isBlank()) {
            description = doc.title();
        }
        String sigmaId = doc.id();
        String status = doc.text("status");
        description = description + " (Sigma rule " + (sigmaId == null ? doc.title() : sigmaId)
                + (status == null ? "" : ", status " + status) + ")";
        List<String> fps = doc.texts("falsepositives");
        String falsePositives = fps.isEmpty() ? "None listed by the Sigma rule." : String.join("; ", fps);
        RuleHeader h = new RuleHeader(vigilId(doc), doc.title(), description, severity(doc.text("level")),
                List.copyOf(tactics), List.copyOf(techniques), falsePositives);
        if (sigmaId != null) {
            h.provenance.add("Sigma id: " + sigmaId);
        }
        if (doc.name() != null) {
            h.provenance.add("Sigma name: " + doc.name());
        }
        if (status != null) {
            h.provenance.add("Sigma status: " + status);
        }
        if (doc.text("level") != null) {
            h.provenance.add("Sigma level: " + doc.text("level"));
        }
        if (doc.text("author") != null) {
            h.provenance.add("Author: " + doc.text("author"));
        }
        doc.texts("references").forEach(r -> h.provenance.add("Reference: " + r));
        h.provenance.add("Converted from: " + doc.location());
        return h;
    }

    /** {@code sigma-<id>}: the Sigma id (a UUID) lower-cased, else the name, else the title made into an id. */
    static String vigilId(SigmaDocument doc) {
        String base = doc.id() != null ? doc.id() : doc.name() != null ? doc.name() : doc.title();
        String id = "sigma-" + base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return id.length() > 80 ? id.substring(0, 80).replaceAll("-+$", "") : id;
    }

    private static void collectTags(SigmaDocument doc, Set<String> tactics, Set<String> techniques) {
        for (String tag : doc.texts("tags")) {
            String t = tag.toLowerCase(Locale.ROOT);
            if (!t.startsWith("attack.")) {
                continue;
            }
            String value = t.substring("attack.".length());
            if (value.matches("t\\d{4}(\\.\\d{3})?")) {
                techniques.add(value.toUpperCase(Locale.ROOT));
            } else {
                tacticId(value.replace('_', '-')).ifPresent(tactics::add);
            }
        }
    }

    private static java.util.Optional<String> tacticId(String phase) {
        for (int i = 1; i <= 43; i++) {
            String id = String.format("TA%04d", i);
            if (MitreAttack.phaseName(id).filter(phase::equals).isPresent()) {
                return java.util.Optional.of(id);
            }
        }
        return java.util.Optional.empty();
    }

    /** Sigma's level as Vigil severity: informational and low are low. */
    static String severity(String level) {
        if (level == null) {
            return "medium";
        }
        return switch (level.toLowerCase(Locale.ROOT)) {
            case "informational", "low" -> "low";
            case "high" -> "high";
            case "critical" -> "critical";
            default -> "medium";
        };
    }

    /** The folder of the rule pack this rule belongs in: its first tactic's name. */
    String folder() {
        return MitreAttack.phaseName(tactics.get(0)).orElseThrow();
    }

    /** The header text and provenance comment. */
    String render(String partition, Duration horizon, String suppress, String verification) {
        StringBuilder b = new StringBuilder("/**\n");
        tag(b, "id", vigilId);
        tag(b, "version", "1");
        tag(b, "name", name);
        tag(b, "description", description);
        tag(b, "severity", severity);
        tag(b, "tactic", String.join(", ", tactics));
        tag(b, "technique", String.join(", ", techniques));
        tag(b, "partition", partition);
        tag(b, "horizon", horizon.toString());
        if (suppress != null) {
            tag(b, "suppress", suppress);
        }
        tag(b, "verification", verification);
        tag(b, "false_positives", falsePositives);
        b.append(" */\n");
        for (String line : provenance) {
            b.append("// ").append(oneLine(line)).append('\n');
        }
        return b.toString();
    }

    private static void tag(StringBuilder b, String key, String value) {
        b.append(" * @").append(String.format("%-16s", key)).append(oneLine(value)).append('\n');
    }

    /** One line without the header's comment end, so Sigma text cannot close or extend the header. */
    static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").replace("*/", "* /").strip();
    }
}
