package org.vigil.taxii;

import java.util.Set;

/**
 * Who may read and who may write a collection: user names, or {@code "*"} for every authenticated user.
 *
 * @param readers users allowed to GET objects, manifest and versions
 * @param writers users allowed to POST objects
 */
public record CollectionAccess(Set<String> readers, Set<String> writers) {
    public static final String ANY_USER = "*";

    public CollectionAccess {
        readers = Set.copyOf(readers);
        writers = Set.copyOf(writers);
    }

    public boolean canRead(String user) {
        return readers.contains(ANY_USER) || readers.contains(user);
    }

    public boolean canWrite(String user) {
        return writers.contains(ANY_USER) || writers.contains(user);
    }
}
