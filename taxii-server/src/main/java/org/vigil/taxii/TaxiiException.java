package org.vigil.taxii;

import java.util.Map;

/** A request the server refuses, carrying the HTTP status and the TAXII error message's title and description. */
public final class TaxiiException extends RuntimeException {
    private final int httpStatus;
    private final String title;
    private final Map<String, String> headers;

    public TaxiiException(int httpStatus, String title, String description) {
        this(httpStatus, title, description, Map.of());
    }

    /** A refusal that also sets response headers (e.g. {@code Allow} on a 405). */
    public TaxiiException(int httpStatus, String title, String description, Map<String, String> headers) {
        super(description);
        this.httpStatus = httpStatus;
        this.title = title;
        this.headers = Map.copyOf(headers);
    }

    Map<String, String> headers() {
        return headers;
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
