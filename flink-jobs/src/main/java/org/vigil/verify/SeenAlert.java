package org.vigil.verify;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vigil.alert.Alert;

/**
 * What the verify stage remembers of an alert after deciding it: enough to corroborate others and to update it; its
 * time is the alert's latest occurrence.
 */
record SeenAlert(String id, String ruleId, long timestampMillis, List<String> sensors, boolean verified,
                 List<String> reasons, int riskScore, Map<String, Object> riskFactors, boolean shared) implements Serializable {
    SeenAlert {
        sensors = List.copyOf(sensors);
        reasons = List.copyOf(reasons);
        riskFactors = Collections.unmodifiableMap(new LinkedHashMap<>(riskFactors));
    }

    /** What is remembered of a decided alert. */
    static SeenAlert of(Alert decided, List<String> sensors) {
        return new SeenAlert(decided.id(), decided.ruleId(), decided.lastSeenMillis(), sensors,
                decided.status() == Alert.Status.VERIFIED, decided.verificationReasons(), decided.riskScore(),
                decided.riskFactors(), decided.shared());
    }
}
