package org.vigil.sigma;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vigil.rules.Suppression;

/**
 * Converts Sigma detection and correlation rules into Vigil rule files: a detection rule no correlation refers to
 * becomes a single-event rule, a correlation (with the rules and correlations it refers to) becomes one rule, and
 * whatever cannot be expressed exactly is refused with the file, the reason and the feature.
 */
public final class SigmaConverter {
    /** A converted rule: its path under the output directory and its text. */
    public record Converted(String path, String vigilId, String text, SigmaDocument source) {}

    /** A refused rule: where it is, its title and why. */
    public record Refused(String location, String title, SigmaRefusal reason, String detail) {
        public String message() {
            return location + ": " + title + ": " + reason.code() + ": " + detail;
        }
    }

    /** What a conversion produced. */
    public record Result(List<Converted> converted, List<Refused> refused) {}

    private final FieldMapping mapping;
    private final DetectionCompiler detections;
    private final CorrelationCompiler correlations;
    private final String verification;
    private final List<String> fallbackAttack;

    /**
     * @param verification the @verification of converted rules; null for the mapping's default
     * @param fallbackAttack ATT&CK tactic and technique ids ({@code TA0006}, {@code T1110}) for rules without attack tags
     */
    public SigmaConverter(FieldMapping mapping, String verification, List<String> fallbackAttack) {
        this.mapping = mapping;
        this.fallbackAttack = List.copyOf(fallbackAttack);
        this.detections = new DetectionCompiler(mapping);
        this.correlations = new CorrelationCompiler(mapping, detections);
        this.verification = verification != null ? verification : mapping.defaultValue("verification");
    }

    public Result convert(List<SigmaDocument> documents) {
        Map<String, SigmaDocument> byReference = new HashMap<>();
        for (SigmaDocument d : documents) {
            if (d.id() != null) {
                byReference.putIfAbsent(d.id(), d);
            }
            if (d.name() != null) {
                byReference.putIfAbsent(d.name(), d);
            }
        }
        // Rules a correlation refers to are part of it, not rules of their own (unless it says 'generate: true').
        Set<SigmaDocument> referenced = new LinkedHashSet<>();
        for (SigmaDocument d : documents) {
            if (d.isCorrelation()) {
                boolean generate = Boolean.TRUE.equals(CorrelationCompiler.correlationMap(d).get("generate"));
                for (String ref : CorrelationCompiler.references(d)) {
                    SigmaDocument target = byReference.get(ref);
                    if (target != null && (!generate || target.isCorrelation())) {
                        referenced.add(target);
                    }
                }
            }
        }
        List<Converted> converted = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (SigmaDocument d : documents) {
            if (referenced.contains(d)) {
                continue;
            }
            try {
                Converted c = d.isCorrelation() ? correlation(d, byReference) : detection(d);
                if (!ids.add(c.vigilId())) {
                    throw new SigmaException(SigmaRefusal.INVALID_RULE, "another converted rule has the id " + c.vigilId());
                }
                converted.add(c);
            } catch (SigmaException e) {
                refused.add(new Refused(d.location(), d.title(), e.reason(), e.getMessage()));
            } catch (RuntimeException e) {
                refused.add(new Refused(d.location(), d.title(), SigmaRefusal.INVALID_RULE, "malformed rule: " + e));
            }
        }
        return new Result(converted, refused);
    }

    // ---- single-event rules ---------------------------------------------------------------------------------

    private Converted detection(SigmaDocument d) throws SigmaException {
        FieldMapping.LogSource source = logSource(d);
        String filter = detections.compile(d.map("detection"), source, null);
        RuleHeader header = RuleHeader.of(d, List.of(), fallbackAttack);
        StringBuilder epl = new StringBuilder();
        epl.append("module ").append(moduleName(header.vigilId)).append(";\n\n");
        epl.append("// Sigma log source ").append(FieldMapping.describe(d.map("logsource"))).append(" read as '")
                .append(source.name()).append("': one alert per matching event, repeats suppressed per entity.\n");
        epl.append("@Name('alert')\ncontext PerEntity\nselect e, ").append(Epl.literal(d.id() == null ? d.title() : d.id()))
                .append(" as sigma_rule\nfrom SecurityEvent(").append(filter).append(") as e;\n");
        String text = header.render(source.partition(), Duration.ofSeconds(1), mapping.defaultValue("suppress"), verification)
                + epl;
        return new Converted(header.folder() + "/" + header.vigilId + ".epl", header.vigilId, text, d);
    }

    private FieldMapping.LogSource logSource(SigmaDocument d) throws SigmaException {
        if (!d.yaml().containsKey("logsource") || !d.yaml().containsKey("detection")) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "a detection rule needs 'logsource' and 'detection'");
        }
        return mapping.logSourceOf(d.map("logsource"));
    }

    static String moduleName(String vigilId) {
        return "sigma." + vigilId.replaceAll("[^a-z0-9]+", "_");
    }

    private Converted correlation(SigmaDocument d, Map<String, SigmaDocument> byReference) throws SigmaException {
        CorrelationCompiler.Compiled compiled = correlations.compile(d, byReference);
        if (compiled.timespan().compareTo(Suppression.MAX_PERIOD) > 0) {
            throw new SigmaException(SigmaRefusal.TIMESPAN_OVER_A_DAY, "timespan " + compiled.timespan()
                    + " is longer than a day; Vigil reports a correlation once per timespan with @suppress, at most PT24H");
        }
        RuleHeader header = RuleHeader.of(d, compiled.detectionDocs(), fallbackAttack);
        List<String> perColumns = new ArrayList<>(compiled.groupColumns().values());
        String suppress = compiled.timespan() + (perColumns.isEmpty() ? "" : " per " + String.join(", ", perColumns));
        StringBuilder epl = new StringBuilder();
        epl.append("module ").append(moduleName(header.vigilId)).append(";\n\n");
        epl.append("// Sigma correlation ").append(compiled.type()).append(" grouped by ").append(compiled.groupBy())
                .append(", partitioned by ").append(compiled.partition()).append(": reported once per timespan and group.\n");
        compiled.statements().forEach(s -> epl.append(s).append('\n'));
        String text = header.render(compiled.partition(), compiled.horizon(), suppress, verification) + epl;
        return new Converted(header.folder() + "/" + header.vigilId + ".epl", header.vigilId, text, d);
    }
}
