package org.vigil.sink.elasticsearch;

import java.io.IOException;

/** Elasticsearch refused an alert for a reason a retry cannot fix (e.g. a mapping error); fails the job. */
public final class AlertRejectedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String alertId;
    private final int status;

    AlertRejectedException(String alertId, String index, int status, String reason, int otherRejected) {
        super("Elasticsearch rejected alert " + alertId + " (index " + index + ", HTTP " + status + "): " + reason
                + (otherRejected > 0 ? " (and " + otherRejected + " more alerts in the same bulk request)" : "")
                + ". Not retried: fix the index mapping or the rule output, then restart the job from its checkpoint.");
        this.alertId = alertId;
        this.status = status;
    }

    public String alertId() {
        return alertId;
    }

    public int status() {
        return status;
    }
}
