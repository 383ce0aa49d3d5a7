package org.vigil.correlate;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.configuration.compiler.ConfigurationCompilerExecution;
import com.espertech.esper.common.client.module.Module;
import com.espertech.esper.common.client.module.ModuleItem;
import com.espertech.esper.common.client.module.ParseException;
import com.espertech.esper.common.client.soda.EPStatementObjectModel;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompileExceptionItem;
import com.espertech.esper.compiler.client.EPCompiler;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import java.io.IOException;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.RuleException;
import org.vigil.sigma.SigmaMatch;

/**
 * Compiles Vigil's base module (the event type's {@code PerEntity} context) and rule modules with Esper,
 * turning compile errors into {@link RuleException}s with the rule file and line.
 */
public final class RuleCompiler {
    /** Name of the context every rule statement runs in: one partition per routed entity. */
    public static final String CONTEXT = "PerEntity";
    /** Name of the statement whose output rows become alerts. */
    public static final String ALERT_STATEMENT = "alert";
    /** Name of the context declaration statement, in the base module and in a rule's own module. */
    static final String CONTEXT_STATEMENT = "vigil-per-entity";

    /**
     * Name of the event type that ends one key's {@code PerEntity} partitions ({@link EntityCorrelator#endEntity}); its
     * only property is {@code partitionKey}. No rule reads it.
     */
    public static final String ENTITY_END = "EntityEnd";

    static final String BASE_MODULE = "module vigil.base;\n"
            + "@public @Name('" + CONTEXT_STATEMENT + "') " + contextDeclaration(null) + ";\n";

    private final Configuration configuration;
    private final EPCompiler compiler = EPCompilerProvider.getCompiler();
    private final EPCompiled base;

    public RuleCompiler() {
        this.configuration = configuration();
        try {
            this.base = compiler.compile(BASE_MODULE, new CompilerArguments(configuration));
        } catch (EPCompileException e) {
            throw new IllegalStateException("Vigil's base EPL module does not compile: " + e.getMessage(), e);
        }
    }

    /** The Esper configuration every Vigil runtime uses: the event type and an external, event-time clock. */
    public static Configuration configuration() {
        Configuration c = new Configuration();
        c.getCommon().addEventType(EsperEventType.NAME, EsperEventType.definition());
        c.getCommon().addEventType(ENTITY_END, java.util.Map.of(EsperEventType.PARTITION_KEY, String.class));
        // Converted Sigma rules test values through SigmaMatch (case-insensitive, false for absent fields).
        c.getCommon().addImport(SigmaMatch.class);
        c.getRuntime().getThreading().setInternalTimerEnabled(false);
        c.getCompiler().getByteCode().setAllowSubscriber(false);
        // Esper's advanced filter planning (its default) stays, although it turns a rule's constant 'regexp' into a
        // reusable boolean index whose pattern is compiled again for every new entity's context partition (12 % of
        // the correlate task at 500 events/s). Basic planning, which compiles it once, loses pending pattern matches:
        // when one 'every ... where timer:within' instance of a rule whose context filter holds a boolean
        // expression (a regexp, the exclusive 'or') runs out, Esper 9.0 also drops the filters of the rule's other
        // instances waiting for the same next event (the admin-group fixture "the second of two accounts").
        c.getCompiler().getExecution().setFilterIndexPlanning(ConfigurationCompilerExecution.FilterIndexPlanning.ADVANCED);
        return c;
    }

    public Configuration runtimeConfiguration() {
        return configuration;
    }

    public EPCompiled base() {
        return base;
    }

    /** Compiles one rule (see {@link #compileRule}); the rule must name one statement {@code alert}. */
    public EPCompiled compile(RuleDefinition rule) throws RuleException {
        return compileRule(rule).compiled();
    }

    private void check(RuleDefinition rule) throws RuleException {
        if (!rule.epl().matches("(?s).*@Name\\s*\\(\\s*['\"]" + ALERT_STATEMENT + "['\"]\\s*\\).*")) {
            throw new RuleException(rule.sourceFile(), 0, "no statement is named 'alert': annotate the statement whose rows are alerts with @Name('alert')");
        }
        if (!rule.epl().contains("context " + CONTEXT)) {
            throw new RuleException(rule.sourceFile(), 0, "statements must run in 'context " + CONTEXT
                    + "' so state is kept per " + rule.metadata().partitionField() + " value");
        }
        refuseOutputRateLimiting(rule);
    }

    /** A compiled rule and the filter its {@code PerEntity} context was compiled with. */
    public record CompiledRule(EPCompiled compiled, RuleInputFilter inputFilter) {}

    /**
     * Compiles one rule, checked as {@link #compile} does, with its own {@code PerEntity} context whose filter is the
     * union of the rule's stream filters: events that cannot concern the rule neither start nor reach its partitions.
     * When no such filter can be derived, or the rule does not compile with it, the rule runs in the base module's
     * unfiltered context, as every rule did before.
     */
    public CompiledRule compileRule(RuleDefinition rule) throws RuleException {
        check(rule);
        RuleInputFilter filter = RuleInputFilter.of(rule.epl(), compiler, configuration);
        if (filter.isFiltered()) {
            String epl = withOwnContext(rule.epl(), filter.epl());
            if (epl != null) {
                try {
                    return new CompiledRule(compiler.compile(epl, new CompilerArguments(configuration)), filter);
                } catch (EPCompileException e) {
                    filter = RuleInputFilter.unfiltered("the rule does not compile with the derived context: " + e.getMessage());
                }
            } else {
                filter = RuleInputFilter.unfiltered("no place for the context declaration in the module text");
            }
        }
        return new CompiledRule(compileInBaseContext(rule), filter);
    }

    /**
     * The rule's module text with its own {@code PerEntity} context declared right after the module name (or before the
     * first statement), on the same line so compile errors keep the file's line numbers; null when no place is found.
     */
    static String withOwnContext(String ruleEpl, String filterEpl) {
        String declaration = " @Name('" + CONTEXT_STATEMENT + "') " + contextDeclaration(filterEpl.replace('\n', ' ')) + ";";
        String code = blankCommentsAndLiterals(ruleEpl);
        java.util.regex.Matcher module = java.util.regex.Pattern.compile("\\bmodule\\s+[\\w.]+\\s*;").matcher(code);
        int at;
        if (module.find() && code.substring(0, module.start()).isBlank()) {
            at = module.end();
        } else {
            at = 0;
            while (at < code.length() && Character.isWhitespace(code.charAt(at))) {
                at++;
            }
            if (at == code.length() || code.startsWith("module", at) || code.startsWith("uses", at) || code.startsWith("import", at)) {
                return null;
            }
            declaration = declaration.strip() + " ";
        }
        return ruleEpl.substring(0, at) + declaration + ruleEpl.substring(at);
    }

    /**
     * The {@code PerEntity} context: one partition per {@code partitionKey} among the events {@code filterEpl} lets in
     * (all when null), ended by an {@link #ENTITY_END} event with the same key. Only a {@code SecurityEvent} initiates a
     * partition: a key listed {@code from EntityEnd} without {@code initiated by} would make an end for a key with no
     * partition (one the filter kept out, or one already ended) create one, which nothing would end. The initiating event
     * is the partition's first event, as without {@code initiated by}; the partition-by filter still applies to the
     * statements (Esper ANDs it into their filters), and the same filter on {@code initiated by} keeps events it rejects
     * from starting partitions.
     */
    static String contextDeclaration(String filterEpl) {
        String events = EsperEventType.NAME + (filterEpl == null ? "" : "(" + filterEpl + ")");
        return "create context " + CONTEXT + " partition by " + EsperEventType.PARTITION_KEY + " from " + events + ", "
                + EsperEventType.PARTITION_KEY + " from " + ENTITY_END + " initiated by " + events + " terminated by " + ENTITY_END;
    }

    /** The text with comments and string literals replaced by spaces (line breaks kept), so positions stay the same. */
    private static String blankCommentsAndLiterals(String text) {
        StringBuilder b = new StringBuilder(text);
        int i = 0;
        while (i < b.length()) {
            int end;
            if (text.startsWith("/*", i)) {
                end = text.indexOf("*/", i + 2);
                end = end < 0 ? text.length() : end + 2;
            } else if (text.startsWith("//", i)) {
                end = text.indexOf('\n', i);
                end = end < 0 ? text.length() : end;
            } else if (text.charAt(i) == '\'' || text.charAt(i) == '"') {
                char quote = text.charAt(i);
                end = i + 1;
                while (end < text.length() && text.charAt(end) != quote) {
                    end += text.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, text.length());
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                if (b.charAt(k) != '\n') {
                    b.setCharAt(k, ' ');
                }
            }
            i = end;
        }
        return b.toString();
    }

    private EPCompiled compileInBaseContext(RuleDefinition rule) throws RuleException {
        CompilerArguments args = new CompilerArguments(configuration);
        args.getPath().add(base);
        try {
            return compiler.compile(rule.epl(), args);
        } catch (EPCompileException e) {
            int line = 0;
            String reason = e.getMessage();
            for (EPCompileExceptionItem item : e.getItems()) {
                line = lineOf(rule.epl(), item.getExpression(), item.getMessage(), item.getLineNumber());
                reason = item.getMessage();
                break;
            }
            throw new RuleException(rule.sourceFile(), line, "EPL does not compile: " + reason, e);
        }
    }

    /**
     * Output rate limiting ({@code output first every 10 minutes}) keeps its state inside Esper, where a
     * restore cannot rebuild it from the retained events; rules declare {@code @suppress} instead.
     */
    private void refuseOutputRateLimiting(RuleDefinition rule) throws RuleException {
        Module module;
        try {
            module = compiler.parseModule(rule.epl());
        } catch (IOException | ParseException e) {
            return; // the compiler reports the syntax error with its line
        }
        for (ModuleItem item : module.getItems()) {
            if (item.isCommentOnly() || item.getExpression() == null) {
                continue;
            }
            EPStatementObjectModel model;
            try {
                model = compiler.eplToModel(item.getExpression(), configuration);
            } catch (EPCompileException | RuntimeException e) {
                continue; // not every statement has an object model; the compiler checks it
            }
            if (model.getOutputLimitClause() != null) {
                throw new RuleException(rule.sourceFile(), item.getLineNumberContent(), "output rate limiting ('output ...') is"
                        + " not rebuilt after a restore; remove it and declare '@suppress PT10M' (optionally"
                        + " 'per column') in the header to report repeats once per period");
            }
        }
    }

    /**
     * The file line of a compile error: where the name the message quotes first appears in the failing
     * statement, else where the statement's EPL starts (past any comment before it).
     */
    static int lineOf(String text, String statement, String message, int fallback) {
        // Esper reports the statement with its line breaks turned into spaces.
        int pos = statement == null ? -1 : text.replace('\n', ' ').indexOf(statement.strip());
        if (pos < 0) {
            return fallback;
        }
        while (pos < text.length()) {
            if (Character.isWhitespace(text.charAt(pos))) {
                pos++;
            } else if (text.startsWith("/*", pos)) {
                int end = text.indexOf("*/", pos + 2);
                pos = end < 0 ? text.length() : end + 2;
            } else if (text.startsWith("//", pos)) {
                int end = text.indexOf('\n', pos);
                pos = end < 0 ? text.length() : end + 1;
            } else {
                break;
            }
        }
        java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("'([^']+)'").matcher(message == null ? "" : message);
        if (quoted.find()) {
            int named = text.indexOf(quoted.group(1), pos);
            int statementEnd = pos + statement.strip().length();
            if (named >= 0 && named < statementEnd) {
                pos = named;
            }
        }
        int line = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
