package org.vigil.sigma;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a Sigma correlation rule, with the rules and correlations it refers to, into the EPL statements of one
 * Vigil rule: the partition field chosen from its group-by fields, inner correlations as streams inside the rule,
 * and the alert statement last.
 */
final class CorrelationCompiler {
    /** The compiled correlation: its statements, partition field, reach, group columns and the detection rules used. */
    record Compiled(List<String> statements, String partition, Duration horizon, Duration timespan,
                    Map<String, String> groupColumns, List<SigmaDocument> detectionDocs, List<String> groupBy, String type) {}

    private final FieldMapping mapping;
    private final DetectionCompiler detections;

    CorrelationCompiler(FieldMapping mapping, DetectionCompiler detections) {
        this.mapping = mapping;
        this.detections = detections;
    }

    Compiled compile(SigmaDocument d, Map<String, SigmaDocument> byReference) throws SigmaException {
        Map<String, Object> c = correlationMap(d);
        List<String> groupBy = groupBy(d, c);
        String partition = choosePartition(d, c, groupBy, byReference);
        List<String> statements = new ArrayList<>();
        int[] counter = {0};
        Stage top = compileCorrelation(d, byReference, partition, statements, counter, true, new LinkedHashSet<>());
        return new Compiled(statements, partition, top.horizon(), timespan(d, c), top.groupColumns(), top.detectionDocs(),
                groupBy, String.valueOf(c.get("type")));
    }

    private FieldMapping.LogSource logSource(SigmaDocument d) throws SigmaException {
        if (!d.yaml().containsKey("logsource") || !d.yaml().containsKey("detection")) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "a detection rule needs 'logsource' and 'detection'");
        }
        return mapping.logSourceOf(d.map("logsource"));
    }

    /** A rule or correlation a correlation refers to, as a stream of events or of the inner correlation's matches. */
    private record Source(String reference, SigmaDocument doc, String filter, FieldMapping.LogSource logSource, Stage stage) {
        boolean isStage() {
            return stage != null;
        }
    }

    /** An inner correlation compiled to a stream of its matches: its statements, columns and reach. */
    private record Stage(String stream, List<String> statements, Map<String, String> groupColumns, Duration horizon,
                         List<SigmaDocument> detectionDocs) {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> correlationMap(SigmaDocument d) {
        Object c = d.yaml().get("correlation");
        return c instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<String> references(SigmaDocument d) {
        Object rules = correlationMap(d).get("rules");
        List<String> out = new ArrayList<>();
        if (rules instanceof List<?> l) {
            l.forEach(o -> out.add(String.valueOf(o)));
        } else if (rules != null) {
            out.add(String.valueOf(rules));
        }
        return out;
    }

    private static List<String> groupBy(SigmaDocument d, Map<String, Object> c) throws SigmaException {
        Object g = c.get("group-by");
        List<String> out = new ArrayList<>();
        if (g instanceof List<?> l) {
            l.forEach(o -> out.add(String.valueOf(o)));
        } else if (g != null) {
            out.add(String.valueOf(g));
        }
        if (out.isEmpty()) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "correlation '" + d.title() + "' needs 'group-by'");
        }
        return out;
    }

    private static Duration timespan(SigmaDocument d, Map<String, Object> c) throws SigmaException {
        Object t = c.get("timespan");
        String text = t == null ? "" : String.valueOf(t).strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(text);
        if (!m.matches()) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "correlation '" + d.title() + "': timespan '" + text
                    + "' is not a number followed by s, m, h or d");
        }
        long n = Long.parseLong(m.group(1));
        Duration span = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (span.isZero()) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "correlation '" + d.title() + "': timespan must be positive");
        }
        return span;
    }

    /** The Sigma field a correlation reads for group field {@code group} of the rule {@code reference}: its alias or itself. */
    @SuppressWarnings("unchecked")
    private static String aliased(Map<String, Object> c, String group, String reference, SigmaDocument target) {
        if (c.get("aliases") instanceof Map<?, ?> aliases && aliases.get(group) instanceof Map<?, ?> perRule) {
            Object byRef = perRule.get(reference);
            if (byRef == null && target.name() != null) {
                byRef = perRule.get(target.name());
            }
            if (byRef == null && target.id() != null) {
                byRef = perRule.get(target.id());
            }
            if (byRef != null) {
                return String.valueOf(byRef);
            }
        }
        return group;
    }

    /** The Vigil field a detection rule's Sigma field maps to, the same in every variant of its log source. */
    private static String target(FieldMapping.LogSource source, String sigmaField, boolean ecs) throws SigmaException {
        if (ecs && org.vigil.event.EventSchema.isKnown(sigmaField)) {
            return sigmaField; // a correlation written in the ECS taxonomy names Vigil's fields itself
        }
        String target = null;
        for (FieldMapping.Variant v : source.variants()) {
            String t = v.groupTarget(sigmaField);
            if (t == null) {
                throw new SigmaException(SigmaRefusal.UNMAPPED_FIELD, "group-by field '" + sigmaField + "' has no Vigil field"
                        + " for log source '" + source.name() + "' (variant " + v.name() + ")");
            }
            if (target != null && !target.equals(t)) {
                throw new SigmaException(SigmaRefusal.GROUP_BY_NOT_PARTITIONABLE, "group-by field '" + sigmaField
                        + "' is " + target + " in one variant of '" + source.name() + "' and " + t + " in another");
            }
            target = t;
        }
        return target;
    }

    /**
     * The partition field: the first group-by field that every referred rule, down the chain of correlations, maps to
     * the same Vigil event field. Partitioning by a group field keeps each group inside one partition.
     */
    private String choosePartition(SigmaDocument d, Map<String, Object> c, List<String> groupBy,
                                   Map<String, SigmaDocument> byReference) throws SigmaException {
        List<String> tried = new ArrayList<>();
        for (String g : groupBy) {
            String field = partitionFieldOf(d, c, g, byReference, new LinkedHashSet<>());
            if (field != null && org.vigil.event.EventSchema.isKnown(field)
                    && org.vigil.event.EventSchema.typeOf(field) != org.vigil.event.FieldType.STRING_LIST) {
                return field;
            }
            tried.add(g + (field == null ? " (maps to different fields per rule)" : " (" + field + ", not a partition field)"));
        }
        throw new SigmaException(SigmaRefusal.GROUP_BY_NOT_PARTITIONABLE, "no group-by field maps to one Vigil event field"
                + " for every rule, which Vigil partitions state by: " + String.join(", ", tried));
    }

    /** The Vigil field group field {@code g} reads in every referred rule, or null when they differ. */
    private String partitionFieldOf(SigmaDocument d, Map<String, Object> c, String g, Map<String, SigmaDocument> byReference,
                                    Set<SigmaDocument> visiting) throws SigmaException {
        if (!visiting.add(d)) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "correlation '" + d.title() + "' refers to itself");
        }
        String field = null;
        for (String ref : references(d)) {
            SigmaDocument target = resolve(d, ref, byReference);
            String sigmaField = aliased(c, g, ref, target);
            String f;
            if (target.isCorrelation()) {
                if (!groupBy(target, correlationMap(target)).contains(sigmaField)) {
                    return null;
                }
                f = partitionFieldOf(target, correlationMap(target), sigmaField, byReference, visiting);
            } else {
                f = target(logSource(target), sigmaField, isEcs(d));
            }
            if (f == null || (field != null && !field.equals(f))) {
                return null;
            }
            field = f;
        }
        visiting.remove(d);
        return field;
    }

    private static SigmaDocument resolve(SigmaDocument d, String ref, Map<String, SigmaDocument> byReference) throws SigmaException {
        SigmaDocument target = byReference.get(ref);
        if (target == null) {
            throw new SigmaException(SigmaRefusal.UNKNOWN_RULE_REFERENCE, "correlation '" + d.title() + "' refers to rule '"
                    + ref + "', which is not among the files converted (convert it in the same run)");
        }
        return target;
    }

    /** Compiles a correlation into statements; the top one is the alert statement, inner ones insert into a stream. */
    private Stage compileCorrelation(SigmaDocument d, Map<String, SigmaDocument> byReference, String partition,
                                     List<String> statements, int[] counter, boolean top, Set<SigmaDocument> visiting)
            throws SigmaException {
        if (!visiting.add(d)) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "correlation '" + d.title() + "' refers to itself");
        }
        Map<String, Object> c = correlationMap(d);
        String type = String.valueOf(c.get("type")).toLowerCase(Locale.ROOT);
        Duration span = timespan(d, c);
        List<String> groupBy = groupBy(d, c);
        List<Source> sources = new ArrayList<>();
        List<SigmaDocument> detectionDocs = new ArrayList<>();
        Duration innerHorizon = Duration.ZERO;
        for (String ref : references(d)) {
            SigmaDocument target = resolve(d, ref, byReference);
            if (target.isCorrelation()) {
                Stage inner = compileCorrelation(target, byReference, partition, statements, counter, false, visiting);
                sources.add(new Source(ref, target, null, null, inner));
                detectionDocs.addAll(inner.detectionDocs());
                innerHorizon = innerHorizon.compareTo(inner.horizon()) < 0 ? inner.horizon() : innerHorizon;
            } else {
                FieldMapping.LogSource ls = logSource(target);
                sources.add(new Source(ref, target, detections.compile(target.map("detection"), ls, null), ls, null));
                detectionDocs.add(target);
            }
        }
        if (sources.isEmpty()) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "correlation '" + d.title() + "' refers to no rules");
        }
        // Each group field other than the partition: its expression per source (aliases may differ by source).
        Map<String, List<String>> groupExprs = new LinkedHashMap<>();
        Map<String, String> groupColumns = new LinkedHashMap<>();
        for (String g : groupBy) {
            List<String> perSource = new ArrayList<>();
            boolean isPartition = true;
            for (Source s : sources) {
                String sigmaField = aliased(c, g, s.reference(), s.doc());
                if (s.isStage()) {
                    String column = s.stage().groupColumns().get(sigmaField);
                    if (column == null && !groupBy(s.doc(), correlationMap(s.doc())).contains(sigmaField)) {
                        throw new SigmaException(SigmaRefusal.UNSUPPORTED_CORRELATION, "group-by field '" + g + "' is not a"
                                + " group-by field of the correlation '" + s.doc().title() + "' it refers to");
                    }
                    perSource.add(column);
                    isPartition &= column == null;
                } else {
                    String t = target(s.logSource(), sigmaField, isEcs(d));
                    perSource.add(t);
                    isPartition &= t.equals(partition);
                }
            }
            if (!isPartition) {
                groupExprs.put(g, perSource);
                groupColumns.put(g, "grp_" + g.replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(Locale.ROOT));
            }
        }
        String stream = top ? null : "SigmaStage" + (++counter[0]);
        String statement = switch (type) {
            case "event_count", "value_count", "value_sum", "value_avg", "temporal" ->
                    windowed(d, c, type, span, sources, groupExprs, groupColumns, stream);
            case "temporal_ordered" -> ordered(d, c, span, sources, groupExprs, groupColumns, stream);
            case "value_percentile" -> throw new SigmaException(SigmaRefusal.UNSUPPORTED_CORRELATION, "value_percentile"
                    + " compares a value with the distribution of all values, which a per-entity rule cannot see");
            default -> throw new SigmaException(SigmaRefusal.UNSUPPORTED_CORRELATION, "correlation type '" + type + "' is unknown");
        };
        statements.add(statement);
        visiting.remove(d);
        return new Stage(stream, statements, groupColumns, span.plus(innerHorizon), detectionDocs);
    }

    /** Whether a condition has an upper bound (lt, lte, eq, neq), which only the end of a window can decide. */
    private static boolean hasUpperBound(Map<String, Object> condition) {
        return condition != null && condition.keySet().stream().map(k -> k.toLowerCase(Locale.ROOT))
                .anyMatch(k -> k.equals("lt") || k.equals("lte") || k.equals("eq") || k.equals("neq"));
    }

    /** The comparisons of a correlation condition over {@code aggregate}. */
    private static List<String> bounds(SigmaDocument d, Map<String, Object> condition, String aggregate) throws SigmaException {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : condition.entrySet()) {
            String op = e.getKey().toLowerCase(Locale.ROOT);
            if (op.equals("field")) {
                continue;
            }
            String epl = switch (op) {
                case "gt" -> " > ";
                case "gte" -> " >= ";
                case "lt" -> " < ";
                case "lte" -> " <= ";
                case "eq" -> " = ";
                case "neq" -> " != ";
                default -> throw new SigmaException(SigmaRefusal.INVALID_RULE, "condition '" + op
                        + "' is not gt, gte, lt, lte, eq or neq");
            };
            double bound;
            try {
                bound = Double.parseDouble(String.valueOf(e.getValue()));
            } catch (NumberFormatException ex) {
                throw new SigmaException(SigmaRefusal.INVALID_RULE, "condition '" + op + "' needs a number");
            }
            out.add(aggregate + epl + (bound == Math.rint(bound) ? String.valueOf((long) bound) : String.valueOf(bound)));
        }
        if (out.isEmpty()) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "correlation '" + d.title() + "' needs a condition (gte: N)");
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> conditionMap(Map<String, Object> c) {
        return c.get("condition") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** The group value of source {@code i} for group field {@code g}, as text (lower case). */
    private static String groupKey(Source s, String target, String alias) {
        return s.isStage() ? (alias == null ? "" : alias + ".") + target : Epl.call("key", Epl.field(target, alias));
    }

    private static String perSource(List<Source> sources, List<String> exprs) {
        if (exprs.stream().distinct().count() == 1) {
            return exprs.get(0);
        }
        StringBuilder b = new StringBuilder("case");
        for (int i = 0; i < sources.size(); i++) {
            b.append(" when ").append('(').append(sources.get(i).filter()).append(") then ").append(exprs.get(i));
        }
        return b.append(" end").toString();
    }

    /** event_count, value_count, value_sum, value_avg and temporal: a sliding time window per group. */
    private String windowed(SigmaDocument d, Map<String, Object> c, String type, Duration span, List<Source> sources,
                            Map<String, List<String>> groupExprs, Map<String, String> groupColumns, String stream)
            throws SigmaException {
        for (Source s : sources) {
            if (s.isStage()) {
                throw new SigmaException(SigmaRefusal.UNSUPPORTED_CORRELATION, type + " over another correlation ('"
                        + s.doc().title() + "'): only temporal_ordered chains correlations in Vigil");
            }
        }
        List<String> filters = sources.stream().map(Source::filter).toList();
        List<String> eventFilter = new ArrayList<>();
        eventFilter.add(Epl.or(filters));
        List<String> selectGroups = new ArrayList<>();
        List<String> groupKeys = new ArrayList<>();
        for (Map.Entry<String, List<String>> g : groupExprs.entrySet()) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                keys.add(groupKey(sources.get(i), g.getValue().get(i), null));
            }
            String key = perSource(sources, keys);
            // Sigma groups only events that have the field, as an aggregation 'by' a field does.
            eventFilter.add("(" + key + ") is not null");
            groupKeys.add(key);
            selectGroups.add(key + " as " + groupColumns.get(g.getKey()));
        }
        Map<String, Object> condition = conditionMap(c);
        String aggregate;
        String column;
        List<String> having;
        switch (type) {
            case "event_count" -> {
                aggregate = "count(*)";
                column = "event_count";
                having = bounds(d, require(d, condition), aggregate);
            }
            case "value_count", "value_sum", "value_avg" -> {
                Map<String, Object> cond = require(d, condition);
                Object field = cond.get("field");
                if (!(field instanceof String fieldName)) {
                    throw new SigmaException(SigmaRefusal.INVALID_RULE, type + " needs one 'field' in its condition");
                }
                List<String> perSource = new ArrayList<>();
                for (Source s : sources) {
                    perSource.add(Epl.field(target(s.logSource(), aliasedField(c, fieldName, s), isEcs(d)), null));
                }
                String value = perSource(sources, perSource);
                aggregate = switch (type) {
                    case "value_count" -> "count(distinct " + Epl.call("key", value) + ")";
                    case "value_sum" -> "sum(" + Epl.call("number", value) + ")";
                    default -> "avg(" + Epl.call("number", value) + ")";
                };
                column = type.substring("value_".length()) + "_" + fieldName.replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(Locale.ROOT);
                having = bounds(d, cond, aggregate);
            }
            default -> { // temporal: every referred rule (or at least N of them) matched inside the window
                if (hasUpperBound(condition)) {
                    throw new SigmaException(SigmaRefusal.UPPER_BOUND_CONDITION, "temporal with an upper bound on the"
                            + " number of rules: Vigil reports as soon as the rules have matched");
                }
                List<String> seen = new ArrayList<>();
                for (Source s : sources) {
                    seen.add("(case when count(*, " + s.filter() + ") > 0 then 1 else 0 end)");
                }
                aggregate = String.join(" + ", seen);
                column = "rules_matched";
                having = condition == null ? List.of("(" + aggregate + ") >= " + sources.size())
                        : bounds(d, condition, "(" + aggregate + ")");
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(stream == null ? "@Name('alert')\n" : "@Name('" + stream.toLowerCase(Locale.ROOT) + "')\n");
        b.append("context PerEntity\n");
        if (stream != null) {
            b.append("insert into ").append(stream).append('\n');
        }
        b.append("select window(*) as events, ").append(aggregate).append(" as ").append(column);
        if (stream != null) {
            // Esper hands a stream inserted into to every partition of the context: the key keeps matches in theirs.
            b.append(", partitionKey as partitionKey");
        }
        selectGroups.forEach(g -> b.append(", ").append(g));
        // A lower bound holds as soon as it holds: a sliding window reports it at once. An upper bound (fewer than N)
        // can only be decided when a window has closed: consecutive windows of the timespan, aligned to the epoch so
        // a restored job cuts them where an uninterrupted one does.
        boolean batch = hasUpperBound(condition) && !type.equals("temporal");
        String view = batch ? "#time_batch(" + span.toMillis() + " milliseconds, 0L)" : "#time(" + span.toMillis() + " milliseconds)";
        if (batch) {
            having = new ArrayList<>(having);
            having.add("count(*) > 0"); // a window without events reports nothing
        }
        b.append("\nfrom SecurityEvent(").append(Epl.and(eventFilter)).append(")").append(view).append('\n');
        if (!groupKeys.isEmpty()) {
            b.append("group by ").append(String.join(", ", groupKeys)).append('\n');
        }
        b.append("having ").append(Epl.and(having)).append(";\n");
        return b.toString();
    }

    private static boolean isEcs(SigmaDocument d) {
        return "ecs".equalsIgnoreCase(d.text("taxonomy"));
    }

    private static String aliasedField(Map<String, Object> c, String field, Source s) {
        return aliased(c, field, s.reference(), s.doc());
    }

    private static Map<String, Object> require(SigmaDocument d, Map<String, Object> condition) throws SigmaException {
        if (condition == null) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "correlation '" + d.title() + "' needs a condition map");
        }
        return condition;
    }

    /** temporal_ordered: a pattern, each rule's event (or inner correlation's match) after the one before, within the timespan. */
    private String ordered(SigmaDocument d, Map<String, Object> c, Duration span, List<Source> sources,
                           Map<String, List<String>> groupExprs, Map<String, String> groupColumns, String stream)
            throws SigmaException {
        Map<String, Object> condition = conditionMap(c);
        if (condition != null && !condition.isEmpty()) {
            throw new SigmaException(SigmaRefusal.UNSUPPORTED_CORRELATION, "temporal_ordered with a condition: Vigil"
                    + " requires every referred rule, in order");
        }
        List<String> steps = new ArrayList<>();
        List<String> selects = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            String tag = "t" + i;
            List<String> filter = new ArrayList<>();
            if (s.isStage()) {
                // An inner correlation's matches reach every partition; only this partition's count.
                filter.add("partitionKey = context.key1");
            } else {
                filter.add(s.filter());
            }
            for (Map.Entry<String, List<String>> g : groupExprs.entrySet()) {
                String mine = groupKey(s, g.getValue().get(i), null);
                if (i == 0) {
                    filter.add("(" + mine + ") is not null");
                } else {
                    filter.add(mine + " = " + groupKey(sources.get(0), g.getValue().get(0), "t0"));
                }
            }
            String streamName = s.isStage() ? s.stage().stream() : "SecurityEvent";
            steps.add(tag + "=" + streamName + (filter.isEmpty() ? "" : "(" + Epl.and(filter) + ")"));
            String name = s.reference().replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(Locale.ROOT);
            selects.add((s.isStage() ? tag + ".events" : tag) + " as " + (s.isStage() ? "matches_" : "event_") + name);
        }
        for (Map.Entry<String, List<String>> g : groupExprs.entrySet()) {
            selects.add(groupKey(sources.get(0), g.getValue().get(0), "t0") + " as " + groupColumns.get(g.getKey()));
        }
        String rest = String.join(" -> ", steps.subList(1, steps.size()));
        String pattern = steps.size() == 1 ? "every " + steps.get(0)
                : "every " + steps.get(0) + " -> ((" + rest + ") where timer:within(" + span.toMillis() + " milliseconds))";
        StringBuilder b = new StringBuilder();
        b.append(stream == null ? "@Name('alert')\n" : "@Name('" + stream.toLowerCase(Locale.ROOT) + "')\n");
        b.append("context PerEntity\n");
        if (stream != null) {
            // An inner ordered correlation passes on its events as the evidence of its matches.
            b.append("insert into ").append(stream).append('\n');
            List<String> evidence = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                evidence.add(sources.get(i).isStage() ? "t" + i + ".events" : "t" + i);
            }
            List<String> cols = new ArrayList<>();
            cols.add("{" + String.join(", ", evidence) + "} as events");
            cols.add("t0.partitionKey as partitionKey");
            for (Map.Entry<String, List<String>> g : groupExprs.entrySet()) {
                cols.add(groupKey(sources.get(0), g.getValue().get(0), "t0") + " as " + groupColumns.get(g.getKey()));
            }
            b.append("select ").append(String.join(", ", cols));
        } else {
            b.append("select ").append(String.join(", ", selects));
        }
        b.append("\nfrom pattern [").append(pattern).append("];\n");
        return b.toString();
    }
}
