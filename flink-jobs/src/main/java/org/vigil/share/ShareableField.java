package org.vigil.share;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An evidence field whose values the sharing policy may let into a STIX bundle, with the kind of observable it holds. */
public enum ShareableField {
    SOURCE_IP("source.ip", Kind.ADDRESS, "source"),
    DESTINATION_IP("destination.ip", Kind.ADDRESS, "destination"),
    HOST_IP("host.ip", Kind.ADDRESS, "host"),
    DESTINATION_DOMAIN("destination.domain", Kind.DOMAIN, "destination"),
    URL_DOMAIN("url.domain", Kind.DOMAIN, "destination"),
    DNS_QUESTION_NAME("dns.question.name", Kind.DOMAIN, "destination"),
    TLS_SERVER_NAME("tls.client.server_name", Kind.DOMAIN, "destination"),
    URL_ORIGINAL("url.original", Kind.URL, "destination"),
    URL_FULL("url.full", Kind.URL, "destination"),
    FILE_SHA256("file.hash.sha256", Kind.FILE_HASH, null),
    FILE_SHA1("file.hash.sha1", Kind.FILE_HASH, null),
    FILE_MD5("file.hash.md5", Kind.FILE_HASH, null),
    PROCESS_SHA256("process.hash.sha256", Kind.FILE_HASH, null),
    PROCESS_MD5("process.hash.md5", Kind.FILE_HASH, null),
    USER_NAME("user.name", Kind.USER, null),
    USER_TARGET_NAME("user.target.name", Kind.USER, null);

    /** What a field's value is, which decides its STIX observable and whether it can be internal. */
    public enum Kind { ADDRESS, DOMAIN, URL, FILE_HASH, USER }

    private final String field;
    private final Kind kind;
    private final String assetSide;

    ShareableField(String field, Kind kind, String assetSide) {
        this.field = field;
        this.kind = kind;
        this.assetSide = assetSide;
    }

    public String field() {
        return field;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The enrich stage's asset prefix ({@code vigil.<side>.asset.}) whose presence on an event says this field's
     * value belongs to an inventory asset, i.e. is internal; null for values that are never addresses of ours.
     */
    public String assetPrefix() {
        return assetSide == null ? null : "vigil." + assetSide + ".asset.";
    }

    /** For the hash fields: the STIX hash algorithm name. */
    public String hashAlgorithm() {
        if (kind != Kind.FILE_HASH) {
            throw new IllegalStateException(field + " is not a hash field");
        }
        return field.endsWith("sha256") ? "SHA-256" : field.endsWith("sha1") ? "SHA-1" : "MD5";
    }

    public static Optional<ShareableField> of(String field) {
        return Arrays.stream(values()).filter(f -> f.field.equals(field)).findFirst();
    }

    /** The supported field names, for error messages and documentation. */
    public static String names() {
        return Arrays.stream(values()).map(ShareableField::field).collect(Collectors.joining(", "));
    }
}
