package org.vigil.enrich;

/**
 * Why one line of a reference-data file was refused: the file, the line the record starts on, the field (null when
 * the whole line is wrong) and the reason.
 */
public record LoadError(String file, long line, String field, String reason) {
    /** {@code file:line: field: reason}, the form editors and CI logs link to. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + reason;
    }
}
