package org.vigil.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.vigil.alert.Severity;

/**
 * What a rule declares about itself in its header: identity, severity, ATT&CK mapping, the field its state
 * is partitioned by, how far back it looks (horizon), how its matches are verified and how repeats are suppressed.
 */
public record RuleMetadata(
        String id,
        int version,
        String name,
        String description,
        Severity severity,
        int riskScore,
        List<String> tacticIds,
        List<String> techniqueIds,
        String partitionField,
        Duration horizon,
        VerificationPolicy verification,
        String falsePositives,
        Suppression suppression) implements Serializable {

    public RuleMetadata {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(partitionField, "partitionField");
        Objects.requireNonNull(horizon, "horizon");
        tacticIds = List.copyOf(tacticIds);
        techniqueIds = List.copyOf(techniqueIds);
        description = description == null ? "" : description;
        verification = verification == null ? VerificationPolicy.NONE : verification;
        falsePositives = falsePositives == null ? "" : falsePositives;
        suppression = suppression == null ? Suppression.NONE : suppression;
    }
}
