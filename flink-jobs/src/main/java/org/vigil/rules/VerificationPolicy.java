package org.vigil.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule's {@code @verification} policy: the conditions, any one of which makes its candidate alerts verified.
 *
 * <pre>
 * policy      = "none" | alternative *( " or " alternative )
 * alternative = "high-fidelity" | "corroboration" [SP duration] | "vulnerable-target" | "intel"
 * duration    = ISO-8601, positive, at most PT24H (e.g. PT30M); PT30M when left out
 * </pre>
 *
 * @param highFidelity        every match is verified at once
 * @param corroborationWindow an independent alert on the same entity within this much event time (either side)
 *                            verifies the match; null when the policy has no corroboration
 * @param vulnerableTarget    an evidence event names a CVE that its target asset lists unpatched and known exploited
 * @param intel               an IP or domain of the evidence is on the botnet list or matched an IOC
 */
public record VerificationPolicy(boolean highFidelity, Duration corroborationWindow, boolean vulnerableTarget,
                                 boolean intel) implements Serializable {
    /** Never verified: the rule's alerts stay candidates and are never shared. */
    public static final VerificationPolicy NONE = new VerificationPolicy(false, null, false, false);
    /**
     * The longest corroboration window a rule may declare. The verify stage keeps a summary of every alert this
     * long, so a rule deployed later with any allowed window finds the alerts it could be corroborated by.
     */
    public static final Duration MAX_CORROBORATION_WINDOW = Duration.ofHours(24);
    /** The window of a bare {@code corroboration}, as rule files and checkpoints written before windows had it. */
    public static final Duration DEFAULT_CORROBORATION_WINDOW = Duration.ofMinutes(30);

    public VerificationPolicy {
        if (corroborationWindow != null && (corroborationWindow.isNegative() || corroborationWindow.isZero()
                || corroborationWindow.compareTo(MAX_CORROBORATION_WINDOW) > 0)) {
            throw new IllegalArgumentException("corroboration window must be positive and at most "
                    + MAX_CORROBORATION_WINDOW + ", got " + corroborationWindow);
        }
    }

    public boolean isNone() {
        return !highFidelity && corroborationWindow == null && !vulnerableTarget && !intel;
    }

    public boolean corroborates() {
        return corroborationWindow != null;
    }

    /**
     * Parses a policy as the grammar above defines it.
     *
     * @throws IllegalArgumentException with a reason a rule author can act on
     */
    public static VerificationPolicy parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("@verification is empty: write none, high-fidelity, corroboration PT30M,"
                    + " vulnerable-target, intel, or alternatives joined with 'or'");
        }
        String policy = text.strip();
        if (policy.equals("none")) {
            return NONE;
        }
        boolean highFidelity = false;
        Duration window = null;
        boolean vulnerableTarget = false;
        boolean intel = false;
        List<String> seen = new ArrayList<>();
        for (String alternative : policy.split("(?:^|\\s+)or(?:\\s+|$)", -1)) {
            String[] words = alternative.strip().split("\\s+");
            String name = words[0];
            if (seen.contains(name)) {
                throw new IllegalArgumentException("@verification names '" + name + "' twice");
            }
            seen.add(name);
            switch (name) {
                case "high-fidelity" -> highFidelity = noArgument(words);
                case "vulnerable-target" -> vulnerableTarget = noArgument(words);
                case "intel" -> intel = noArgument(words);
                case "corroboration" -> window = window(words);
                case "none" -> throw new IllegalArgumentException("@verification 'none' cannot be combined with other alternatives");
                default -> throw new IllegalArgumentException("@verification alternative '" + alternative.strip()
                        + "' is unknown (known: high-fidelity, corroboration <duration>, vulnerable-target, intel;"
                        + " join alternatives with 'or', or write none)");
            }
        }
        return new VerificationPolicy(highFidelity, window, vulnerableTarget, intel);
    }

    private static boolean noArgument(String[] words) {
        if (words.length != 1) {
            throw new IllegalArgumentException("@verification '" + words[0] + "' takes no argument, got '"
                    + String.join(" ", words) + "'");
        }
        return true;
    }

    private static Duration window(String[] words) {
        if (words.length == 1) {
            return DEFAULT_CORROBORATION_WINDOW;
        }
        if (words.length != 2) {
            throw new IllegalArgumentException("@verification 'corroboration' needs a window such as PT30M: corroboration PT30M");
        }
        Duration window;
        try {
            window = Duration.parse(words[1]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("@verification corroboration window must be an ISO-8601 duration such as"
                    + " PT30M, got '" + words[1] + "'");
        }
        if (window.isNegative() || window.isZero() || window.compareTo(MAX_CORROBORATION_WINDOW) > 0) {
            throw new IllegalArgumentException("@verification corroboration window must be positive and at most "
                    + MAX_CORROBORATION_WINDOW + ", got " + words[1]);
        }
        return window;
    }

    /** The policy in its canonical written form, e.g. {@code high-fidelity or corroboration PT30M}. */
    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        if (highFidelity) {
            parts.add("high-fidelity");
        }
        if (corroborationWindow != null) {
            parts.add("corroboration " + corroborationWindow);
        }
        if (vulnerableTarget) {
            parts.add("vulnerable-target");
        }
        if (intel) {
            parts.add("intel");
        }
        return String.join(" or ", parts);
    }
}
