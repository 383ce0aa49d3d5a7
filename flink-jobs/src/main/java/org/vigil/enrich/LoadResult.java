package org.vigil.enrich;

import java.util.List;

/**
 * What reading a reference-data file gave: the valid records in file order and an error per refused line or field.
 * A file with any error is not published at all.
 */
public record LoadResult(ReferenceKind kind, List<ReferenceRecord> records, List<LoadError> errors) {
    public LoadResult {
        records = List.copyOf(records);
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
