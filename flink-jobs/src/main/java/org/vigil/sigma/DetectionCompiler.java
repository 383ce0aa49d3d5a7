package org.vigil.sigma;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.vigil.enrich.IpPrefix;
import org.vigil.event.FieldType;

/**
 * Compiles a Sigma rule's {@code detection} into one EPL filter expression for a log source: each variant's
 * conditions and'ed with the condition over its search identifiers (maps, lists of maps, keywords), the variants
 * or'ed. Every test goes through {@link SigmaMatch}, so an absent field is false and {@code not} stays exact.
 */
final class DetectionCompiler {
    private final FieldMapping mapping;

    DetectionCompiler(FieldMapping mapping) {
        this.mapping = mapping;
    }

    /** The filter of a detection rule's events in EPL, for the stream or pattern tag {@code alias} (null: unaliased). */
    String compile(Map<String, Object> detection, FieldMapping.LogSource source, String alias) throws SigmaException {
        if (!detection.containsKey("condition")) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "detection has no condition");
        }
        List<String> conditions = new ArrayList<>();
        Object condition = detection.get("condition");
        if (condition instanceof List<?> list) {
            list.forEach(c -> conditions.add(String.valueOf(c)));
        } else {
            conditions.add(String.valueOf(condition));
        }
        // Parsed first, so an obsolete aggregation is reported as such rather than as the fields it names.
        List<SigmaCondition> parsed = new ArrayList<>();
        for (String c : conditions) {
            parsed.add(SigmaCondition.parse(c));
        }
        List<String> variants = new ArrayList<>();
        for (FieldMapping.Variant variant : source.variants()) {
            Map<String, String> identifiers = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : detection.entrySet()) {
                if (!e.getKey().equals("condition") && !e.getKey().equals("timeframe")) {
                    identifiers.put(e.getKey(), searchIdentifier(e.getKey(), e.getValue(), source, variant, alias));
                }
            }
            List<String> alternatives = new ArrayList<>();
            for (SigmaCondition c : parsed) {
                alternatives.add(c.toEpl(identifiers));
            }
            List<String> terms = new ArrayList<>(where(variant, alias));
            terms.add(Epl.or(alternatives));
            variants.add(Epl.and(terms));
        }
        return Epl.or(variants);
    }

    /**
     * The variant's conditions: exact equalities (the normalisers spell channels and datasets canonically), so
     * Esper's filter indexes can serve them and rules of one log source share the lookup.
     */
    static List<String> where(FieldMapping.Variant variant, String alias) {
        List<String> terms = new ArrayList<>();
        for (Map.Entry<String, List<Object>> c : variant.where().entrySet()) {
            String field = Epl.field(c.getKey(), alias);
            FieldType type = Epl.typeOf(c.getKey());
            List<String> values = new ArrayList<>();
            for (Object v : c.getValue()) {
                if (type == FieldType.LONG) {
                    values.add(String.valueOf(v));
                } else if (type == FieldType.STRING_LIST) {
                    values.add(Epl.literal(String.valueOf(v)) + " in (" + field + ")");
                } else {
                    values.add(Epl.literal(String.valueOf(v)));
                }
            }
            if (type != FieldType.STRING_LIST) {
                terms.add(field + (values.size() == 1 ? " = " + values.get(0) : " in (" + String.join(", ", values) + ")"));
            } else {
                terms.add(Epl.or(values));
            }
        }
        return terms;
    }

    private String searchIdentifier(String name, Object value, FieldMapping.LogSource source, FieldMapping.Variant variant,
                                    String alias) throws SigmaException {
        if (value instanceof Map<?, ?> map) {
            return map(name, map, source, variant, alias);
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new SigmaException(SigmaRefusal.INVALID_RULE, "search identifier '" + name + "' is an empty list");
            }
            if (list.stream().allMatch(o -> o instanceof Map<?, ?>)) {
                List<String> alternatives = new ArrayList<>();
                for (Object o : list) {
                    alternatives.add(map(name, (Map<?, ?>) o, source, variant, alias));
                }
                return Epl.or(alternatives);
            }
            if (list.stream().noneMatch(o -> o instanceof Map<?, ?> || o instanceof List<?>)) {
                return keywords(name, List.of(), list, source, alias);
            }
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "search identifier '" + name + "' mixes maps and values");
        }
        if (value != null) {
            return keywords(name, List.of(), List.of(value), source, alias);
        }
        throw new SigmaException(SigmaRefusal.INVALID_RULE, "search identifier '" + name + "' is empty");
    }

    private String map(String name, Map<?, ?> map, FieldMapping.LogSource source, FieldMapping.Variant variant, String alias)
            throws SigmaException {
        List<String> terms = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            List<String> parts = Arrays.asList(key.split("\\|", -1));
            String field = parts.get(0);
            List<String> modifiers = parts.subList(1, parts.size());
            if (field.isEmpty()) {
                List<?> values = e.getValue() instanceof List<?> l ? l : java.util.Collections.singletonList(e.getValue());
                terms.add(keywords(name, modifiers, values, source, alias));
                continue;
            }
            terms.add(fieldTest(field, ValueModifiers.parse(modifiers, field), e.getValue(), variant, source, alias));
        }
        return Epl.and(terms);
    }

    private String target(String field, FieldMapping.Variant variant, FieldMapping.LogSource source) throws SigmaException {
        String target = variant.target(field);
        if (target == null) {
            throw new SigmaException(SigmaRefusal.UNMAPPED_FIELD, "field '" + field + "' has no Vigil field for log source '"
                    + source.name() + "' (variant " + variant.name() + "); map it with --mapping FILE");
        }
        return target;
    }

    private String fieldTest(String field, ValueModifiers m, Object value, FieldMapping.Variant variant,
                             FieldMapping.LogSource source, String alias) throws SigmaException {
        String target = target(field, variant, source);
        String ref = Epl.field(target, alias);
        if (m.matchType == ValueModifiers.MatchType.EXISTS) {
            if (!(value instanceof Boolean b)) {
                throw new SigmaException(SigmaRefusal.INVALID_VALUE, "field '" + field + "': |exists takes true or false");
            }
            return b ? Epl.call("present", ref) : "not " + Epl.call("present", ref);
        }
        if (value == null) {
            if (m.matchType != ValueModifiers.MatchType.EQUALS || !m.transforms.isEmpty()) {
                throw new SigmaException(SigmaRefusal.INVALID_VALUE, "field '" + field + "': null with a value modifier");
            }
            return Epl.call("isNull", ref);
        }
        List<?> values = value instanceof List<?> l ? l : List.of(value);
        if (values.isEmpty()) {
            throw new SigmaException(SigmaRefusal.INVALID_VALUE, "field '" + field + "': empty list of values");
        }
        List<String> tests = new ArrayList<>();
        for (Object v : values) {
            if (v == null) {
                throw new SigmaException(SigmaRefusal.INVALID_VALUE, "field '" + field + "': null cannot be part of a list"
                        + " of values (the specification asks for its own selection)");
            }
            if (v instanceof Map<?, ?> || v instanceof List<?>) {
                throw new SigmaException(SigmaRefusal.INVALID_VALUE, "field '" + field + "': a value must be a string or number");
            }
            tests.add(valueTest(field, target, ref, m, v, variant, source, alias));
        }
        return m.all ? Epl.and(tests) : Epl.or(tests);
    }

    private String valueTest(String field, String target, String ref, ValueModifiers m, Object v, FieldMapping.Variant variant,
                             FieldMapping.LogSource source, String alias) throws SigmaException {
        String text = String.valueOf(v);
        switch (m.matchType) {
            case REGEX -> {
                String flags = m.regexFlags.isEmpty() ? "" : "(?" + m.regexFlags.stream().map(String::valueOf)
                        .reduce("", String::concat) + ")";
                try {
                    Pattern.compile(flags + text);
                } catch (PatternSyntaxException e) {
                    throw new SigmaException(SigmaRefusal.INVALID_VALUE, "field '" + field + "': |re '" + text
                            + "' is not a regular expression Java reads: " + e.getDescription());
                }
                return Epl.call("regex", ref, Epl.literal(flags + text));
            }
            case CIDR -> {
                try {
                    IpPrefix.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new SigmaException(SigmaRefusal.INVALID_VALUE, "field '" + field + "': |cidr " + e.getMessage());
                }
                return Epl.call("cidr", ref, Epl.literal(text));
            }
            case COMPARE -> {
                double bound;
                try {
                    bound = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new SigmaException(SigmaRefusal.INVALID_VALUE, "field '" + field + "': |" + m.comparison
                            + " needs a number, got '" + text + "'");
                }
                return Epl.call("compare", ref, Epl.literal(m.comparison), String.valueOf(bound));
            }
            case FIELDREF -> {
                String other = Epl.field(target(text, variant, source), alias);
                return Epl.call("sameAs", ref, other, String.valueOf(m.cased));
            }
            default -> {
                List<String> alternatives = new ArrayList<>();
                for (SigmaString s : m.expand(text, field, mapping)) {
                    alternatives.add(stringTest(ref, s, m.cased));
                }
                return Epl.or(alternatives);
            }
        }
    }

    /** The cheapest exact test of a Sigma string: equality, prefix, suffix or substring, else a regex. */
    static String stringTest(String ref, SigmaString s, boolean cased) {
        List<SigmaString.Part> p = s.parts();
        String c = String.valueOf(cased);
        if (!s.hasWildcards()) {
            return Epl.call("eq", ref, lit(s.plainText(), cased), c);
        }
        boolean leading = p.get(0) == SigmaString.STAR;
        boolean trailing = p.get(p.size() - 1) == SigmaString.STAR;
        long inner = p.stream().filter(SigmaString.Part::isWildcard).count() - (leading ? 1 : 0) - (trailing ? 1 : 0);
        if (inner == 0 && p.size() == 1) {
            return Epl.call("present", ref); // '*' alone: any value
        }
        if (inner == 0) {
            String middle = p.get(leading ? 1 : 0).text();
            if (leading && trailing) {
                return Epl.call("contains", ref, lit(middle, cased), c);
            }
            return Epl.call(leading ? "endsWith" : "startsWith", ref, lit(middle, cased), c);
        }
        return Epl.call("regex", ref, Epl.literal((cased ? "(?s)" : "(?isu)") + s.toRegex()));
    }

    private static String lit(String text, boolean cased) {
        return Epl.literal(cased ? text : text.toLowerCase(Locale.ROOT));
    }

    /** Keywords: a search of the log source's message field for any (or, with |all, every) value. */
    private String keywords(String name, List<String> modifiers, List<?> values, FieldMapping.LogSource source, String alias)
            throws SigmaException {
        if (source.keywordField() == null) {
            throw new SigmaException(SigmaRefusal.KEYWORDS_WITHOUT_FIELD, "search identifier '" + name + "' is a keyword"
                    + " search, and log source '" + source.name() + "' has no message field for keywords in the mapping");
        }
        ValueModifiers m = ValueModifiers.parse(modifiers, "keywords of " + name);
        if (m.matchType == ValueModifiers.MatchType.EQUALS) {
            m.matchType = ValueModifiers.MatchType.CONTAINS; // a keyword is found anywhere in the message
        }
        String ref = Epl.field(source.keywordField(), alias);
        List<String> tests = new ArrayList<>();
        for (Object v : values) {
            if (v == null) {
                throw new SigmaException(SigmaRefusal.INVALID_VALUE, "keywords of '" + name + "': null is no keyword");
            }
            tests.add(valueTest("keywords of " + name, source.keywordField(), ref, m, v, null, source, alias));
        }
        return m.all ? Epl.and(tests) : Epl.or(tests);
    }
}
