package org.vigil.sigma;

/** Why a Sigma rule is not converted: each reason names a feature Vigil cannot express exactly, or a broken rule. */
public enum SigmaRefusal {
    /** Not a valid Sigma rule: YAML, a missing or malformed attribute, a condition naming no search identifier. */
    INVALID_RULE("invalid_rule"),
    /** The rule's log source (product, category, service) is not in the field mapping. */
    UNMAPPED_LOGSOURCE("unmapped_logsource"),
    /** A field the rule tests has no Vigil field in the mapping of its log source. */
    UNMAPPED_FIELD("unmapped_field"),
    /** A value modifier Vigil does not implement, or one used in a way that cannot match events exactly. */
    UNSUPPORTED_MODIFIER("unsupported_modifier"),
    /** A value the modifier cannot take: an invalid regular expression or CIDR prefix, null in a list, ... */
    INVALID_VALUE("invalid_value"),
    /** {@code |expand} names a placeholder the mapping does not define. */
    PLACEHOLDER_NOT_CONFIGURED("placeholder_not_configured"),
    /** Keywords (full-text search) on a log source without a configured message field. */
    KEYWORDS_WITHOUT_FIELD("keywords_without_field"),
    /** The obsolete aggregation ({@code | count() by ...}) or {@code near} in a condition: use correlation rules. */
    DEPRECATED_AGGREGATION("deprecated_aggregation"),
    /** A correlation type or shape Vigil does not run (value_percentile, counting over another correlation). */
    UNSUPPORTED_CORRELATION("unsupported_correlation"),
    /**
     * A temporal correlation with an upper bound on the number of rules (lt, lte, eq, neq): Vigil reports as soon as
     * the rules have matched. (Counting correlations with an upper bound are decided per closed window instead.)
     */
    UPPER_BOUND_CONDITION("upper_bound_condition"),
    /**
     * A correlation timespan over a day: Vigil reports a correlation once per timespan through {@code @suppress}, whose
     * period is at most a day (the verify stage remembers an alert's verification that long).
     */
    TIMESPAN_OVER_A_DAY("timespan_over_a_day"),
    /** No group-by field of a correlation maps to one Vigil event field that state can be partitioned by. */
    GROUP_BY_NOT_PARTITIONABLE("group_by_not_partitionable"),
    /** A correlation names a rule that is not among the converted files. */
    UNKNOWN_RULE_REFERENCE("unknown_rule_reference"),
    /** The rule has no ATT&CK tactic or technique tag, which every Vigil rule declares. */
    MISSING_ATTACK_TAGS("missing_attack_tags"),
    /** The converted rule did not load as a Vigil rule (a converter defect, reported rather than written). */
    DOES_NOT_COMPILE("does_not_compile");

    private final String code;

    SigmaRefusal(String code) {
        this.code = code;
    }

    /** The reason as reports print it. */
    public String code() {
        return code;
    }
}
