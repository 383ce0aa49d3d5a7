package org.vigil.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sigma detection condition parsed into a tree: {@code or}, {@code and}, {@code not}, parentheses,
 * {@code 1 of} / {@code all of} over search-identifier patterns or {@code them}, with the specification's precedence
 * (or, and, not, x of, parentheses from least to most binding).
 */
abstract class SigmaCondition {
    private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|\\||[^\\s()|]+)");

    /** The EPL of this condition, given the EPL of each search identifier. */
    abstract String toEpl(Map<String, String> identifiers) throws SigmaException;

    static SigmaCondition parse(String text) throws SigmaException {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        int pos = 0;
        while (pos < text.length() && m.find(pos) && m.start() == pos) {
            tokens.add(m.group(1));
            pos = m.end();
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }
        if (tokens.contains("|")) {
            throw new SigmaException(SigmaRefusal.DEPRECATED_AGGREGATION, "condition '" + text + "' uses the obsolete"
                    + " aggregation syntax ('| count() ...'); write a Sigma correlation rule instead");
        }
        if (tokens.stream().anyMatch(t -> t.equalsIgnoreCase("near"))) {
            throw new SigmaException(SigmaRefusal.DEPRECATED_AGGREGATION, "condition '" + text + "' uses the obsolete"
                    + " 'near' operator; write a temporal correlation rule instead");
        }
        Parser p = new Parser(tokens, text);
        SigmaCondition c = p.or();
        if (p.pos != tokens.size()) {
            throw new SigmaException(SigmaRefusal.INVALID_RULE, "condition '" + text + "': unexpected '" + tokens.get(p.pos) + "'");
        }
        return c;
    }

    private static final class Parser {
        final List<String> tokens;
        final String text;
        int pos;

        Parser(List<String> tokens, String text) {
            this.tokens = tokens;
            this.text = text;
        }

        String peek() {
            return pos < tokens.size() ? tokens.get(pos) : null;
        }

        boolean accept(String word) {
            if (word.equalsIgnoreCase(peek() == null ? "" : peek())) {
                pos++;
                return true;
            }
            return false;
        }

        SigmaCondition or() throws SigmaException {
            List<SigmaCondition> terms = new ArrayList<>(List.of(and()));
            while (accept("or")) {
                terms.add(and());
            }
            return terms.size() == 1 ? terms.get(0) : new Junction(terms, false);
        }

        SigmaCondition and() throws SigmaException {
            List<SigmaCondition> terms = new ArrayList<>(List.of(not()));
            while (accept("and")) {
                terms.add(not());
            }
            return terms.size() == 1 ? terms.get(0) : new Junction(terms, true);
        }

        SigmaCondition not() throws SigmaException {
            if (accept("not")) {
                return new Not(not());
            }
            return primary();
        }

        SigmaCondition primary() throws SigmaException {
            String t = peek();
            if (t == null) {
                throw new SigmaException(SigmaRefusal.INVALID_RULE, "condition '" + text + "' ends too early");
            }
            if (accept("(")) {
                SigmaCondition inner = or();
                if (!accept(")")) {
                    throw new SigmaException(SigmaRefusal.INVALID_RULE, "condition '" + text + "': missing ')'");
                }
                return inner;
            }
            String lower = t.toLowerCase(Locale.ROOT);
            if ((lower.equals("1") || lower.equals("any") || lower.equals("all")) && pos + 1 < tokens.size()
                    && tokens.get(pos + 1).equalsIgnoreCase("of")) {
                pos += 2;
                String target = peek();
                if (target == null || target.equals("(") || target.equals(")")) {
                    throw new SigmaException(SigmaRefusal.INVALID_RULE, "condition '" + text + "': '" + t + " of' needs a"
                            + " pattern or 'them'");
                }
                pos++;
                return new Quantified(target, lower.equals("all"));
            }
            if (lower.matches("\\d+") && pos + 1 < tokens.size() && tokens.get(pos + 1).equalsIgnoreCase("of")) {
                throw new SigmaException(SigmaRefusal.INVALID_RULE, "condition '" + text + "': only '1 of' and 'all of' exist");
            }
            if (lower.equals("and") || lower.equals("or") || t.equals(")")) {
                throw new SigmaException(SigmaRefusal.INVALID_RULE, "condition '" + text + "': unexpected '" + t + "'");
            }
            pos++;
            return new Identifier(t);
        }
    }

    private static final class Junction extends SigmaCondition {
        final List<SigmaCondition> terms;
        final boolean and;

        Junction(List<SigmaCondition> terms, boolean and) {
            this.terms = terms;
            this.and = and;
        }

        @Override
        String toEpl(Map<String, String> identifiers) throws SigmaException {
            List<String> parts = new ArrayList<>();
            for (SigmaCondition t : terms) {
                parts.add(t.toEpl(identifiers));
            }
            return and ? Epl.and(parts) : Epl.or(parts);
        }
    }

    private static final class Not extends SigmaCondition {
        final SigmaCondition inner;

        Not(SigmaCondition inner) {
            this.inner = inner;
        }

        @Override
        String toEpl(Map<String, String> identifiers) throws SigmaException {
            return "not (" + inner.toEpl(identifiers) + ")";
        }
    }

    private static final class Identifier extends SigmaCondition {
        final String name;

        Identifier(String name) {
            this.name = name;
        }

        @Override
        String toEpl(Map<String, String> identifiers) throws SigmaException {
            String epl = identifiers.get(name);
            if (epl == null) {
                throw new SigmaException(SigmaRefusal.INVALID_RULE, "condition names '" + name + "', which the detection does not define");
            }
            return epl;
        }
    }

    /** {@code 1 of pattern}, {@code all of pattern}, {@code 1 of them}, {@code all of them}. */
    private static final class Quantified extends SigmaCondition {
        final String pattern;
        final boolean all;

        Quantified(String pattern, boolean all) {
            this.pattern = pattern;
            this.all = all;
        }

        @Override
        String toEpl(Map<String, String> identifiers) throws SigmaException {
            boolean them = pattern.equalsIgnoreCase("them");
            Pattern p = Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
            List<String> matched = new ArrayList<>();
            for (Map.Entry<String, String> e : identifiers.entrySet()) {
                // 'them' leaves out identifiers starting with an underscore, by the specification's convention.
                if (them ? !e.getKey().startsWith("_") : p.matcher(e.getKey()).matches()) {
                    matched.add(e.getValue());
                }
            }
            if (matched.isEmpty()) {
                throw new SigmaException(SigmaRefusal.INVALID_RULE, "'" + (all ? "all" : "1") + " of " + pattern
                        + "' matches no search identifier");
            }
            return all ? Epl.and(matched) : Epl.or(matched);
        }
    }
}
