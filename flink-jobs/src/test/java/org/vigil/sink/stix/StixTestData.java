package org.vigil.sink.stix;

import java.nio.file.Path;

/** Where tests find the OASIS STIX 2.1 schemas and examples: the shared reference data, never the network. */
public final class StixTestData {
    private StixTestData() {}

    /** The shared reference data: system property {@code vigil.shared.data}, else {@code ../../shared/data}. */
    public static Path sharedData() {
        return Path.of(System.getProperty("vigil.shared.data", "../../shared/data"));
    }

    public static Path stixData() {
        return sharedData().resolve("stix21-json-schemas");
    }

    public static Path schemas() {
        return stixData().resolve("schemas");
    }

    public static StixValidator validator() {
        return new StixValidator(schemas());
    }
}
