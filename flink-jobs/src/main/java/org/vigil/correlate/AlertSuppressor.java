package org.vigil.correlate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vigil.alert.Alert;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.Suppression;

/**
 * Applies the rules' {@code @suppress} policies: a match is a new alert unless the same rule alerted for the
 * same entity (and the same {@code per} column values) less than the rule's period of event time before; then
 * it is a repeat, merged into that alert, which is emitted again with one occurrence more.
 */
public final class AlertSuppressor {
    /**
     * Where the open suppression periods are kept: Flink keyed state in the job, a map in fixtures. A period is its
     * deadline and the alert it merges repeats into, stored with the count reached so far, so a restored job
     * continues the count exactly where its checkpoint left it, and its latest repeat without evidence events.
     */
    public interface Periods {
        /** The event time until which the key is suppressed, or null. */
        Long until(String key) throws Exception;

        /** The alert (repeats merged in) of the key's open period, or null. */
        Alert alert(String key) throws Exception;

        /** Starts a period: repeats until {@code untilMillis} merge into {@code alert}. */
        void start(String key, long untilMillis, Alert alert) throws Exception;

        /** The alert of the key's open period with one more repeat merged in, that repeat without its evidence events. */
        void update(String key, Alert alert) throws Exception;
    }

    private static final char SEPARATOR = '\u001f';
    private final Map<String, Suppression> byRule = new HashMap<>();

    public AlertSuppressor(List<RuleDefinition> rules) {
        for (RuleDefinition rule : rules) {
            byRule.put(rule.id(), rule.metadata().suppression());
        }
    }

    /**
     * What {@code match} becomes: itself when it is new (its rule's suppression period then starts at its time),
     * or, inside a period, the period's alert with the match merged in as a repeat (same id, absolute count). Null
     * only for a period restored from a checkpoint written before repeats were merged, which holds no alert to
     * merge into: such repeats are suppressed as they were then.
     */
    public Alert apply(Alert match, Periods periods) throws Exception {
        Suppression suppression = suppression(match.ruleId());
        if (suppression.isNone()) {
            return match;
        }
        String key = keyOf(match, suppression);
        Long until = periods.until(key);
        if (until != null && match.timestampMillis() < until) {
            Alert first = periods.alert(key);
            if (first == null) {
                return null;
            }
            Alert merged = first.withRepeat(match);
            // The emitted alert carries the repeat's evidence (the verify stage judges the repeat by it); the period
            // keeps the repeat's id, time, details and count only, so each repeat rewrites the first match's evidence
            // and not up to twice as many events. The next repeat replaces the latest one anyway.
            periods.update(key, merged.withoutRepeatEvidence());
            return merged;
        }
        periods.start(key, match.timestampMillis() + suppression.period().toMillis(), match);
        return match;
    }

    /** The suppression policy of a rule, none for a rule this suppressor does not know. */
    Suppression suppression(String ruleId) {
        return byRule.getOrDefault(ruleId, Suppression.NONE);
    }

    static String keyOf(Alert alert, Suppression suppression) {
        StringBuilder key = new StringBuilder(alert.ruleId()).append(SEPARATOR).append(alert.partitionField())
                .append(SEPARATOR).append(alert.partitionValue());
        for (String column : suppression.perColumns()) {
            key.append(SEPARATOR).append(alert.details().get(column));
        }
        return key.toString();
    }

    /** Periods in plain maps, for fixtures and backtests that run without Flink. */
    public static Periods inMemory() {
        return inMemory(deadline -> { });
    }

    /** Periods in plain maps that tell {@code onStart} each new period's deadline (where the job sets a timer). */
    public static Periods inMemory(java.util.function.LongConsumer onStart) {
        Map<String, Long> deadlines = new HashMap<>();
        Map<String, Alert> alerts = new HashMap<>();
        return new Periods() {
            @Override
            public Long until(String key) {
                return deadlines.get(key);
            }

            @Override
            public Alert alert(String key) {
                return alerts.get(key);
            }

            @Override
            public void start(String key, long untilMillis, Alert alert) {
                deadlines.put(key, untilMillis);
                alerts.put(key, alert);
                onStart.accept(untilMillis);
            }

            @Override
            public void update(String key, Alert alert) {
                alerts.put(key, alert);
            }
        };
    }
}
