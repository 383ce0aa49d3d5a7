package org.vigil.taxii;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared reference data used by tests. */
final class SharedData {
    private SharedData() {}

    /** The shared data directory: system property {@code vigil.shared.data} (set by the pom), else ../../shared/data. */
    static Path dir() {
        String configured = System.getProperty("vigil.shared.data");
        Path dir = configured != null ? Path.of(configured) : Path.of("../../shared/data");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shared data not found at " + dir.toAbsolutePath()
                    + "; set -Dvigil.shared.data");
        }
        return dir;
    }

    /** The TAXII reference server's data file (config.json with its users is beside it). */
    static Path medallionData() {
        return dir().resolve("taxii21/medallion-testdata/medallion/test/data/default_data.json");
    }
}
