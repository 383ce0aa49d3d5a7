package org.vigil.sink.stix;

import java.io.Serializable;
import java.util.Objects;

/** A validated STIX 2.1 bundle of one alert, ready for the NCSC feed: the alert id (the record key) and the JSON. */
public record StixShare(String alertId, String bundleJson) implements Serializable {
    public StixShare {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(bundleJson, "bundleJson");
    }
}
