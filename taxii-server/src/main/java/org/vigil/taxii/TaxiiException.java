package org.vigil.taxii;

/** A request the server refuses, carrying the HTTP status and the TAXII error message's title and description. */
public final class TaxiiException extends RuntimeException {
    private final int httpStatus;
    private final String title;

    public TaxiiException(int httpStatus, String title, String description) {
        super(description);
        this.httpStatus = httpStatus;
        this.title = title;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String title() {
        return title;
    }

    static TaxiiException badRequest(String description) {
        return new TaxiiException(400, "Bad request", description);
    }

    static TaxiiException notFound(String description) {
        return new TaxiiException(404, "Not found", description);
    }
}
