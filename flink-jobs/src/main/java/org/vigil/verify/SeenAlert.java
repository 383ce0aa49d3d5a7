package org.vigil.verify;

import java.io.Serializable;
import java.util.List;

/** What the verify stage remembers of an alert after deciding it: enough to corroborate others and to update it. */
record SeenAlert(String id, String ruleId, long timestampMillis, List<String> sensors, boolean verified,
                 List<String> reasons) implements Serializable {
    SeenAlert {
        sensors = List.copyOf(sensors);
        reasons = List.copyOf(reasons);
    }
}
