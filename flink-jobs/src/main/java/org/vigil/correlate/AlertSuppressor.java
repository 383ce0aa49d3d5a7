package org.vigil.correlate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vigil.alert.Alert;
import org.vigil.rules.RuleDefinition;
import org.vigil.rules.Suppression;

/**
 * Applies the rules' {@code @suppress} policies: a match is a new alert unless the same rule alerted for the
 * same entity (and the same {@code per} column values) less than the rule's period of event time before.
 */
public final class AlertSuppressor {
    /** Where the suppression deadlines are kept: Flink keyed state in the job, a map in fixtures. */
    public interface Deadlines {
        /** The event time until which the key is suppressed, or null. */
        Long get(String key) throws Exception;

        void put(String key, long untilMillis) throws Exception;
    }

    private static final char SEPARATOR = '\u001f';
    private final Map<String, Suppression> byRule = new HashMap<>();

    public AlertSuppressor(List<RuleDefinition> rules) {
        for (RuleDefinition rule : rules) {
            byRule.put(rule.id(), rule.metadata().suppression());
        }
    }

    /** True when {@code alert} is new, in which case its rule's suppression period starts at its time. */
    public boolean admit(Alert alert, Deadlines deadlines) throws Exception {
        Suppression suppression = byRule.getOrDefault(alert.ruleId(), Suppression.NONE);
        if (suppression.isNone()) {
            return true;
        }
        String key = keyOf(alert, suppression);
        Long until = deadlines.get(key);
        if (until != null && alert.timestampMillis() < until) {
            return false;
        }
        deadlines.put(key, alert.timestampMillis() + suppression.period().toMillis());
        return true;
    }

    static String keyOf(Alert alert, Suppression suppression) {
        StringBuilder key = new StringBuilder(alert.ruleId()).append(SEPARATOR).append(alert.partitionField())
                .append(SEPARATOR).append(alert.partitionValue());
        for (String column : suppression.perColumns()) {
            key.append(SEPARATOR).append(alert.details().get(column));
        }
        return key.toString();
    }

    /** Deadlines in a plain map, for fixtures and backtests that run without Flink. */
    public static Deadlines inMemory() {
        Map<String, Long> map = new HashMap<>();
        return new Deadlines() {
            @Override
            public Long get(String key) {
                return map.get(key);
            }

            @Override
            public void put(String key, long untilMillis) {
                map.put(key, untilMillis);
            }
        };
    }
}
