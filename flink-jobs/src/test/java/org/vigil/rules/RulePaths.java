package org.vigil.rules;

import java.nio.file.Path;

/** Where tests find the project's rules and the shared reference data. */
public final class RulePaths {
    private RulePaths() {}

    public static Path rulesDir() {
        return Path.of(System.getProperty("vigil.rules.dir", "../rules")).toAbsolutePath().normalize();
    }

    public static Path sharedData() {
        return Path.of(System.getProperty("vigil.shared.data", "../../shared/data")).toAbsolutePath().normalize();
    }
}
