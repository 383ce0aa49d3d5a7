package org.vigil.correlate;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.module.Module;
import com.espertech.esper.common.client.module.ModuleItem;
import com.espertech.esper.common.client.soda.Conjunction;
import com.espertech.esper.common.client.soda.EPStatementObjectModel;
import com.espertech.esper.common.client.soda.Expression;
import com.espertech.esper.common.client.soda.ExpressionDeclaration;
import com.espertech.esper.common.client.soda.ExpressionPrecedenceEnum;
import com.espertech.esper.common.client.soda.Filter;
import com.espertech.esper.common.client.soda.FilterStream;
import com.espertech.esper.common.client.soda.PatternAndExpr;
import com.espertech.esper.common.client.soda.PatternEveryDistinctExpr;
import com.espertech.esper.common.client.soda.PatternEveryExpr;
import com.espertech.esper.common.client.soda.PatternExpr;
import com.espertech.esper.common.client.soda.PatternFilterExpr;
import com.espertech.esper.common.client.soda.PatternFollowedByExpr;
import com.espertech.esper.common.client.soda.PatternGuardExpr;
import com.espertech.esper.common.client.soda.PatternMatchUntilExpr;
import com.espertech.esper.common.client.soda.PatternNotExpr;
import com.espertech.esper.common.client.soda.PatternObserverExpr;
import com.espertech.esper.common.client.soda.PatternOrExpr;
import com.espertech.esper.common.client.soda.PatternStream;
import com.espertech.esper.common.client.soda.SelectClauseElement;
import com.espertech.esper.common.client.soda.SelectClauseExpression;
import com.espertech.esper.common.client.soda.Stream;
import com.espertech.esper.common.client.soda.SubqueryExpression;
import com.espertech.esper.compiler.client.EPCompiler;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filter under which a rule consumes {@code SecurityEvent}s: the union of its statements' stream, pattern and
 * subquery filters, or {@link #unfiltered} with the reason when any consumption cannot be bounded by a filter.
 *
 * <p>The union is only ever wider than what the rule reads: a conjunct that names a pattern tag, stream alias,
 * declared expression or context property is dropped from its filter (a weaker filter), and anything not understood
 * makes the whole rule unfiltered, so a derived {@code PerEntity} context filter never hides an event a statement needs.
 */
public final class RuleInputFilter {
    private static final Pattern TYPE_TOKEN = Pattern.compile("\\b" + EsperEventType.NAME + "\\b");
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"");

    private final List<Expression> disjuncts;
    private final String epl;
    private final String unfilteredReason;

    private RuleInputFilter(List<Expression> disjuncts, String epl, String unfilteredReason) {
        this.disjuncts = disjuncts;
        this.epl = epl;
        this.unfilteredReason = unfilteredReason;
    }

    static RuleInputFilter unfiltered(String reason) {
        return new RuleInputFilter(List.of(), null, reason);
    }

    /** True when every event a rule consumes satisfies {@link #epl()}. */
    public boolean isFiltered() {
        return epl != null;
    }

    /** The union filter as EPL (without the parentheses of a stream filter); null when unfiltered. */
    public String epl() {
        return epl;
    }

    /** The filters whose union this is, one per consuming stream, already weakened; empty when unfiltered. */
    public List<Expression> disjuncts() {
        return disjuncts;
    }

    /** Why the rule has no filter (for logs and tests); null when it has one. */
    public String unfilteredReason() {
        return unfilteredReason;
    }

    @Override
    public String toString() {
        return isFiltered() ? epl : "unfiltered: " + unfilteredReason;
    }

    /** Derives the filter of a rule module's EPL, which must already have passed the rule checks. */
    public static RuleInputFilter of(String ruleEpl, EPCompiler compiler, Configuration configuration) {
        Module module;
        try {
            module = compiler.parseModule(ruleEpl);
        } catch (Exception e) {
            return unfiltered("the module does not parse: " + e.getMessage());
        }
        Derivation d = new Derivation();
        for (ModuleItem item : module.getItems()) {
            if (item.isCommentOnly() || item.getExpression() == null) {
                continue;
            }
            EPStatementObjectModel model;
            try {
                model = compiler.eplToModel(item.getExpression(), configuration);
            } catch (Exception e) {
                return unfiltered("a statement has no object model: " + e.getMessage());
            }
            String refusal = d.statement(model);
            if (refusal != null) {
                return unfiltered(refusal);
            }
        }
        if (d.filters.isEmpty()) {
            return unfiltered("no statement reads " + EsperEventType.NAME);
        }
        List<Expression> disjuncts = new ArrayList<>();
        Set<String> texts = new LinkedHashSet<>();
        for (Expression f : d.filters) {
            Expression weakened = d.weaken(f);
            if (weakened == null) {
                return unfiltered("a stream's filter has no conjunct that stands on its own: " + render(f));
            }
            String text = faithfulEpl(weakened, compiler, configuration) == null ? null : exclusiveEpl(weakened);
            if (text == null) {
                return unfiltered("a filter cannot be written back as EPL that parses to the same expression: " + render(weakened));
            }
            if (texts.add(text)) {
                disjuncts.add(weakened);
            }
        }
        return new RuleInputFilter(List.copyOf(disjuncts), exclusiveOr(List.copyOf(texts)), null);
    }

    /**
     * The expression as EPL text that parses back to the same expression, or null. Esper's own rendering writes string
     * constants unescaped and keywords among property names unquoted, so literals and names are rewritten first, and
     * the result is parsed again and compared with the original, object for object.
     */
    static String faithfulEpl(Expression e, EPCompiler compiler, Configuration configuration) {
        try {
            byte[] original = serialized(e);
            Expression copy = (Expression) new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(original)).readObject();
            String text = render(quoted(copy));
            EPStatementObjectModel reparsed = compiler.eplToModel("select * from " + EsperEventType.NAME + "(" + text + ")", configuration);
            Stream stream = reparsed.getFromClause().getStreams().get(0);
            if (stream instanceof FilterStream fs && fs.getFilter().getFilter() != null
                    && java.util.Arrays.equals(original, serialized(fs.getFilter().getFilter()))) {
                return text;
            }
            return null;
        } catch (Exception | StackOverflowError ex) {
            return null;
        }
    }

    /**
     * The expression as EPL (as {@link #faithfulEpl} writes it) with every 'or' made exclusive: {@code a or b} becomes
     * {@code a or (b and coalesce(a, false) = false)}, the same truth value in three-valued logic. Esper plans an 'or' in
     * a context filter as one filter path per disjunct and delivered an event that matches two of them twice to a
     * statement; exclusive disjuncts keep the paths (and their indexes) and let an event match one only. Not written
     * {@code not coalesce(a, false)}: with that form, when one instance of a rule's {@code every ... where timer:within}
     * pattern ran out, Esper 9.0 also dropped the filters of the other instances waiting for the same next event (the
     * admin-group fixture "the second of two accounts" missed its alert).
     */
    static String exclusiveEpl(Expression e) {
        try {
            byte[] original = serialized(e);
            Expression copy = (Expression) new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(original)).readObject();
            return exclusive(quoted(copy));
        } catch (Exception ex) {
            return null;
        }
    }

    private static String exclusive(Expression e) {
        if (e instanceof com.espertech.esper.common.client.soda.Disjunction) {
            // An 'or' inside a stream's filter is compared with true, which Esper evaluates as one expression: planned
            // as filter paths of their own, its regular expressions lost pending pattern matches like the form above
            // (the admin-group rule's group id or group name), and its paths could deliver an event twice.
            return "(" + String.join(" or ", e.getChildren().stream().map(c -> "(" + exclusive(c) + ")").toList()) + ") = true";
        }
        if (e instanceof Conjunction) {
            return String.join(" and ", e.getChildren().stream().map(c -> "(" + exclusive(c) + ")").toList());
        }
        if (e instanceof com.espertech.esper.common.client.soda.NotExpression) {
            return "not (" + exclusive(e.getChildren().get(0)) + ")";
        }
        return render(e);
    }

    private static String exclusiveOr(List<String> terms) {
        if (terms.size() == 1) {
            return terms.get(0);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < terms.size(); i++) {
            b.append(i == 0 ? "(" : " or (").append(terms.get(i)).append(')');
            for (int j = 0; j < i; j++) {
                b.append(" and (coalesce((").append(terms.get(j)).append("), false) = false)");
            }
        }
        return b.toString();
    }

    private static byte[] serialized(Object o) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    /** Rewrites string constants as escaped EPL literals and back-quotes the first segment of property names. */
    private static Expression quoted(Expression e) {
        if (e instanceof com.espertech.esper.common.client.soda.ConstantExpression c && c.getConstant() instanceof String text) {
            return new StringLiteral(text);
        }
        if (e instanceof com.espertech.esper.common.client.soda.PropertyValueExpression p) {
            p.setPropertyName(quotedName(p.getPropertyName()));
        }
        if (e instanceof com.espertech.esper.common.client.soda.DotExpression dot) {
            for (com.espertech.esper.common.client.soda.DotExpressionItem item : dot.getChain()) {
                if (item instanceof com.espertech.esper.common.client.soda.DotExpressionItemCall call) {
                    call.getParameters().replaceAll(RuleInputFilter::quoted);
                }
            }
        }
        e.getChildren().replaceAll(RuleInputFilter::quoted);
        return e;
    }

    /** The name with its first segment back-quoted (a keyword such as {@code group}); Esper keeps later segments as written. */
    private static String quotedName(String name) {
        int dot = name.indexOf('.');
        String first = dot < 0 ? name : name.substring(0, dot);
        return first.matches("[A-Za-z_$][\\w$]*") ? "`" + first + "`" + name.substring(first.length()) : name;
    }

    /** A string constant written as a single-quoted EPL literal with its backslashes, quotes and non-ASCII escaped. */
    private static final class StringLiteral extends com.espertech.esper.common.client.soda.ExpressionBase {
        private static final long serialVersionUID = 1L;
        private final String text;

        StringLiteral(String text) {
            this.text = text;
        }

        @Override
        public ExpressionPrecedenceEnum getPrecedence() {
            return ExpressionPrecedenceEnum.UNARY;
        }

        @Override
        public void toPrecedenceFreeEPL(StringWriter writer) {
            writer.write('\'');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\' || c == '\'') {
                    writer.write('\\');
                    writer.write(c);
                } else if (c < 0x20 || c > 0x7e) {
                    writer.write(String.format("\\u%04x", (int) c));
                } else {
                    writer.write(c);
                }
            }
            writer.write('\'');
        }
    }

    static String render(Expression e) {
        StringWriter w = new StringWriter();
        e.toEPL(w, ExpressionPrecedenceEnum.MINIMUM);
        return w.toString();
    }

    /** Collects the consuming filters of the statements and the names a free-standing filter must not use. */
    private static final class Derivation {
        final List<Expression> filters = new ArrayList<>();
        /** Tags, aliases, declared expressions: a filter naming one depends on more than the event itself. */
        final Set<String> boundNames = new LinkedHashSet<>(Set.of("context"));

        /** Adds the statement's consuming filters; returns why the rule cannot be filtered, or null. */
        String statement(EPStatementObjectModel m) {
            if (m.getCreateContext() != null || m.getCreateVariable() != null || m.getCreateTable() != null
                    || m.getCreateExpression() != null || m.getCreateClass() != null || m.getUpdateClause() != null
                    || m.getCreateDataFlow() != null) {
                return "the rule declares a context, variable, table, expression, class or update";
            }
            int before = filters.size();
            String text = STRING_LITERAL.matcher(m.toEPL()).replaceAll("''");
            int mentions = 0;
            for (Matcher t = TYPE_TOKEN.matcher(text); t.find(); ) {
                mentions++;
            }
            for (ExpressionDeclaration decl : m.getExpressionDeclarations() == null ? List.<ExpressionDeclaration>of() : m.getExpressionDeclarations()) {
                boundNames.add(decl.getName());
            }
            if (m.getScriptExpressions() != null) {
                m.getScriptExpressions().forEach(s -> boundNames.add(s.getName()));
            }
            int declaredOnly = 0;
            if (m.getCreateWindow() != null) {
                // 'create window W as SecurityEvent' names the type of its rows; it consumes nothing itself.
                if (m.getCreateWindow().isInsert()) {
                    return "a named window is created with 'insert'";
                }
                declaredOnly = mentions;
            } else {
                String refusal = model(m, true);
                if (refusal != null) {
                    return refusal;
                }
            }
            if (filters.size() - before + declaredOnly != mentions) {
                return "a statement mentions " + EsperEventType.NAME + " " + mentions + " times, but "
                        + (filters.size() - before) + " consuming streams were found: " + m.toEPL();
            }
            return null;
        }

        /** Walks one (sub)query; {@code top} statements must run in the PerEntity context. */
        private String model(EPStatementObjectModel m, boolean top) {
            boolean consumes = false;
            if (m.getFromClause() != null) {
                for (Stream s : m.getFromClause().getStreams()) {
                    if (s.getStreamName() != null) {
                        boundNames.add(s.getStreamName());
                    }
                    if (s instanceof FilterStream fs) {
                        if (isSecurityEvent(fs.getFilter())) {
                            String refusal = addFilter(fs.getFilter());
                            if (refusal != null) {
                                return refusal;
                            }
                            consumes = true;
                        }
                    } else if (s instanceof PatternStream ps) {
                        int before = filters.size();
                        String refusal = pattern(ps.getExpression(), true);
                        if (refusal != null) {
                            return refusal;
                        }
                        consumes |= filters.size() > before;
                    }
                }
            }
            if (top && consumes && !RuleCompiler.CONTEXT.equals(m.getContextName())) {
                return "a statement reads " + EsperEventType.NAME + " outside 'context " + RuleCompiler.CONTEXT + "'";
            }
            List<Expression> expressions = new ArrayList<>();
            if (m.getSelectClause() != null) {
                for (SelectClauseElement e : m.getSelectClause().getSelectList()) {
                    if (e instanceof SelectClauseExpression se) {
                        expressions.add(se.getExpression());
                    }
                }
            }
            expressions.add(m.getWhereClause());
            expressions.add(m.getHavingClause());
            for (Expression e : expressions) {
                String refusal = subqueries(e);
                if (refusal != null) {
                    return refusal;
                }
            }
            if (m.getGroupByClause() != null) {
                for (Expression e : m.getGroupByClause().getGroupByExpressions().stream()
                        .filter(g -> g instanceof com.espertech.esper.common.client.soda.GroupByClauseExpressionSingle)
                        .map(g -> ((com.espertech.esper.common.client.soda.GroupByClauseExpressionSingle) g).getExpression())
                        .toList()) {
                    String refusal = subqueries(e);
                    if (refusal != null) {
                        return refusal;
                    }
                }
            }
            return null;
        }

        private String subqueries(Expression e) {
            if (e == null) {
                return null;
            }
            if (e instanceof SubqueryExpression sq) {
                String refusal = model(sq.getModel(), false);
                if (refusal != null) {
                    return refusal;
                }
            }
            for (Expression child : e.getChildren()) {
                String refusal = subqueries(child);
                if (refusal != null) {
                    return refusal;
                }
            }
            return null;
        }

        /**
         * Adds a pattern's filters. A partition now starts at the entity's first relevant event rather than its first
         * event, so a timer or guard that starts with the pattern would start later: such patterns are refused.
         */
        private String pattern(PatternExpr p, boolean startsWithPattern) {
            if (p instanceof PatternFilterExpr f) {
                if (f.getTagName() != null) {
                    boundNames.add(f.getTagName());
                }
                return isSecurityEvent(f.getFilter()) ? addFilter(f.getFilter()) : null;
            }
            if ((p instanceof PatternObserverExpr || p instanceof PatternGuardExpr) && startsWithPattern) {
                return "a pattern starts a timer when its partition starts: " + p.getClass().getSimpleName();
            }
            if (!(p instanceof PatternAndExpr || p instanceof PatternOrExpr || p instanceof PatternEveryExpr
                    || p instanceof PatternEveryDistinctExpr || p instanceof PatternNotExpr || p instanceof PatternGuardExpr
                    || p instanceof PatternFollowedByExpr || p instanceof PatternMatchUntilExpr || p instanceof PatternObserverExpr)) {
                return "an unknown pattern element " + p.getClass().getSimpleName();
            }
            List<PatternExpr> children = p.getChildren();
            for (int i = 0; i < children.size(); i++) {
                // Only the first step of a followed-by starts with the pattern; later steps start after an event.
                boolean childStarts = startsWithPattern && !(p instanceof PatternFollowedByExpr && i > 0);
                String refusal = pattern(children.get(i), childStarts);
                if (refusal != null) {
                    return refusal;
                }
            }
            return null;
        }

        private static boolean isSecurityEvent(Filter f) {
            return EsperEventType.NAME.equals(f.getEventTypeName());
        }

        private String addFilter(Filter f) {
            if (f.getOptionalPropertySelects() != null && !f.getOptionalPropertySelects().isEmpty()) {
                return "a stream selects contained events";
            }
            if (f.getFilter() == null) {
                return "a stream reads every " + EsperEventType.NAME + " (no filter)";
            }
            filters.add(f.getFilter());
            return null;
        }

        /** The filter without the conjuncts that depend on more than the event; null when none is left. */
        Expression weaken(Expression filter) {
            if (standsAlone(filter)) {
                return filter;
            }
            if (!(filter instanceof Conjunction)) {
                return null;
            }
            List<Expression> kept = filter.getChildren().stream().filter(this::standsAlone).toList();
            if (kept.isEmpty()) {
                return null;
            }
            if (kept.size() == 1) {
                return kept.get(0);
            }
            Conjunction c = new Conjunction();
            kept.forEach(c::add);
            return c;
        }

        private boolean standsAlone(Expression e) {
            if (containsSubquery(e)) {
                return false;
            }
            return !containsWord(STRING_LITERAL.matcher(render(e)).replaceAll("''"), boundNames);
        }

        private static boolean containsWord(String text, Set<String> names) {
            for (String name : names) {
                if (Pattern.compile("(?<![\\w.$`])`?" + Pattern.quote(name) + "`?(?![\\w$])").matcher(text).find()) {
                    return true;
                }
            }
            return false;
        }

        private static boolean containsSubquery(Expression e) {
            if (e instanceof SubqueryExpression || e.getClass().getSimpleName().startsWith("Subquery")) {
                return true;
            }
            for (Expression child : e.getChildren()) {
                if (containsSubquery(child)) {
                    return true;
                }
            }
            return false;
        }
    }
}
