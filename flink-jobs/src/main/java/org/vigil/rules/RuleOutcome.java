package org.vigil.rules;

import java.util.Locale;

/** What a running job did with a record on the rules topic. */
public enum RuleOutcome {
    /** A rule that was not running now is. */
    DEPLOYED,
    /** A newer version took the place of the running one. */
    REPLACED,
    /** The rule was removed (a tombstone on the rules topic). */
    UNDEPLOYED,
    /** The record asked for what is already in force (same version and text, or removing a rule not running). */
    UNCHANGED,
    /** The record was not applied (does not compile, bad metadata, older version...); what ran before still runs. */
    REFUSED;

    /** The lower-case name used in status records. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RuleOutcome fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
