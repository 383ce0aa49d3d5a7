package org.vigil.event;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared real-world data sets used by tests. */
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
}
