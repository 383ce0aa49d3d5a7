package org.vigil.event;

/** Why a raw record could not become a {@link SecurityEvent}, with a stable code for dashboards and alerts. */
public enum DeadLetterReason {
    EMPTY("empty"),
    TOO_LARGE("too_large"),
    /** Not UTF-8: a malformed byte sequence, or text in another encoding such as UTF-16. */
    INVALID_UTF8("invalid_utf8"),
    INVALID_JSON("invalid_json"),
    /** A Jackson read limit (nesting depth, number or string length) was hit: hostile or broken input. */
    LIMIT_EXCEEDED("limit_exceeded"),
    NOT_AN_OBJECT("not_an_object"),
    UNKNOWN_FORMAT("unknown_format"),
    MISSING_TIMESTAMP("missing_timestamp"),
    BAD_TIMESTAMP("bad_timestamp"),
    BAD_FIELD("bad_field"),
    /**
     * A text line on a topic read in a line format (or recognised as one under auto-detection) that does not have
     * the format's shape: truncated, a missing part, more or fewer values than its header names.
     */
    MALFORMED_LINE("malformed_line"),
    /**
     * A record of a reference-data topic (assets, botnet list, IOCs, vulnerabilities) that the enrich stage cannot
     * apply: no key, an unknown kind, or fields that are missing or invalid. The previous record under its key stays.
     */
    BAD_REFERENCE_RECORD("bad_reference_record"),
    /**
     * A STIX bundle of an alert to share that fails validation (OASIS schemas or reference and time checks): it is
     * not sent to the NCSC; the record carries the alert id, the problems and the bundle.
     */
    INVALID_STIX("invalid_stix"),
    /** A bug in a normaliser; the record is kept so it can be replayed once fixed. */
    NORMALISER_ERROR("normaliser_error");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /** The machine-readable code written to the dead-letter topic; never changes once released. */
    public String code() {
        return code;
    }
}
