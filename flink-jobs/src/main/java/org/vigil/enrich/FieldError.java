package org.vigil.enrich;

/** One reason a reference-data record was refused: the field it concerns (or null for the whole record) and why. */
public record FieldError(String field, String reason) {}
