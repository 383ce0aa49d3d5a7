package org.vigil.rules;

import java.io.Serializable;
import java.util.Objects;

/** One rule as loaded from its {@code .epl} file: metadata, the EPL module text and where it came from. */
public record RuleDefinition(RuleMetadata metadata, String epl, String sourceFile) implements Serializable {
    public RuleDefinition {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(epl, "epl");
        Objects.requireNonNull(sourceFile, "sourceFile");
    }

    public String id() {
        return metadata.id();
    }
}
