package org.vigil.sink.elasticsearch;

import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Where and how {@link ElasticsearchAlertSink} writes alerts: hosts, index, credentials, batching and retries. */
public final class ElasticsearchSinkOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_INDEX = "vigil-alerts";
    public static final int DEFAULT_MAX_BATCH_SIZE = 500;
    /** Retryable failures (unreachable node, 429, 5xx) are retried until they succeed: back-pressure, never loss. */
    public static final int RETRY_FOREVER = -1;
    public static final int DEFAULT_MAX_RETRIES = RETRY_FOREVER;
    public static final int DEFAULT_STARTUP_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    public static final boolean DEFAULT_FLUSH_ON_WATERMARK = true;
    public static final Refresh DEFAULT_REFRESH = Refresh.TRUE;

    /**
     * What a bulk request asks of the index's refresh (Elasticsearch's {@code refresh} parameter): {@code FALSE}
     * leaves the written documents to the index's next scheduled refresh ({@code refresh_interval}), {@code TRUE}
     * refreshes the shards the request wrote to before it answers, so the documents are searchable when the
     * writer moves on, {@code WAIT_FOR} answers only after the next scheduled refresh (the writer waits for it).
     */
    public enum Refresh {
        FALSE("false"), TRUE("true"), WAIT_FOR("wait_for");

        private final String parameter;

        Refresh(String parameter) {
            this.parameter = parameter;
        }

        /** The value of Elasticsearch's {@code refresh} parameter. */
        public String parameter() {
            return parameter;
        }

        /** {@code false}, {@code true} or {@code wait_for}, as Elasticsearch spells them. */
        public static Refresh parse(String text, String what) {
            for (Refresh r : values()) {
                if (r.parameter.equalsIgnoreCase(text == null ? "" : text.trim())) {
                    return r;
                }
            }
            throw new IllegalArgumentException(what + " must be false, true or wait_for, got '" + text + "'");
        }
    }

    private final List<URI> hosts;
    private final String index;
    private final String apiKey;
    private final String username;
    private final String password;
    private final int maxBatchSize;
    private final int maxRetries;
    private final int startupAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration flushInterval;
    private final boolean flushOnWatermark;
    private final Refresh refresh;

    private ElasticsearchSinkOptions(Builder b) {
        checkArgument(!b.hosts.isEmpty(), "hosts must not be empty");
        this.hosts = List.copyOf(b.hosts);
        this.index = checkIndexName(b.index);
        checkArgument(b.apiKey == null || b.username == null, "apiKey and username are exclusive; set one of them");
        checkArgument((b.username == null) == (b.password == null), "username and password must be set together");
        this.apiKey = b.apiKey;
        this.username = b.username;
        this.password = b.password;
        checkArgument(b.maxBatchSize > 0, "maxBatchSize must be positive, got %s", b.maxBatchSize);
        this.maxBatchSize = b.maxBatchSize;
        checkArgument(b.maxRetries >= 0 || b.maxRetries == RETRY_FOREVER,
                "maxRetries must be >= 0 or RETRY_FOREVER (-1), got %s", b.maxRetries);
        this.maxRetries = b.maxRetries;
        checkArgument(b.startupAttempts > 0, "startupAttempts must be positive, got %s", b.startupAttempts);
        this.startupAttempts = b.startupAttempts;
        checkArgument(isPositive(b.initialBackoff), "initialBackoff must be positive, got %s", b.initialBackoff);
        checkArgument(isPositive(b.maxBackoff) && b.maxBackoff.compareTo(b.initialBackoff) >= 0,
                "maxBackoff must be at least initialBackoff (%s), got %s", b.initialBackoff, b.maxBackoff);
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        checkArgument(b.flushInterval != null && !b.flushInterval.isNegative(),
                "flushInterval must be zero (off) or positive, got %s", b.flushInterval);
        this.flushInterval = b.flushInterval;
        this.flushOnWatermark = b.flushOnWatermark;
        this.refresh = Objects.requireNonNull(b.refresh, "refresh");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.hosts.addAll(hosts);
        b.index = index;
        b.apiKey = apiKey;
        b.username = username;
        b.password = password;
        b.maxBatchSize = maxBatchSize;
        b.maxRetries = maxRetries;
        b.startupAttempts = startupAttempts;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.flushInterval = flushInterval;
        b.flushOnWatermark = flushOnWatermark;
        b.refresh = refresh;
        return b;
    }

    public List<URI> hosts() { return hosts; }
    /** The index alerts are written to; the index template covers {@code <index>*}. */
    public String index() { return index; }
    public String apiKey() { return apiKey; }
    public String username() { return username; }
    public String password() { return password; }
    /** Alerts per bulk request; a full batch is sent at once. */
    public int maxBatchSize() { return maxBatchSize; }
    /** Retries of retryable failures before the job fails (and replays from its checkpoint); -1 retries forever. */
    public int maxRetries() { return maxRetries; }
    /** Attempts to reach Elasticsearch when a writer starts before it gives up with an explanation. */
    public int startupAttempts() { return startupAttempts; }
    public Duration initialBackoff() { return initialBackoff; }
    public Duration maxBackoff() { return maxBackoff; }
    /** How often buffered alerts are sent even when the batch is not full; zero sends only on full batch and checkpoint. */
    public Duration flushInterval() { return flushInterval; }
    /**
     * Whether buffered alerts are sent as soon as a watermark reaches the writer: the verify stage decides alerts
     * when a watermark passes them, so the watermark that follows a batch of alerts closes it.
     */
    public boolean flushOnWatermark() { return flushOnWatermark; }
    /** What each bulk request asks of the index's refresh. */
    public Refresh refresh() { return refresh; }

    @Override
    public String toString() {
        // Credentials stay out of logs and exception messages.
        String auth = apiKey != null ? "apiKey=***" : username != null ? "username=" + username + ", password=***" : "no auth";
        return "ElasticsearchSinkOptions{hosts=" + hosts + ", index=" + index + ", " + auth + ", maxBatchSize=" + maxBatchSize
                + ", maxRetries=" + maxRetries + ", startupAttempts=" + startupAttempts + ", backoff=" + initialBackoff
                + ".." + maxBackoff + ", flushInterval=" + flushInterval + ", flushOnWatermark=" + flushOnWatermark
                + ", refresh=" + refresh.parameter() + "}";
    }

    private static String checkIndexName(String index) {
        checkArgument(index != null && !index.isEmpty(), "index must not be empty");
        checkArgument(index.equals(index.toLowerCase(Locale.ROOT)), "index must be lowercase, got '%s'", index);
        checkArgument(index.chars().noneMatch(c -> "\\/*?\"<>| ,#:".indexOf(c) >= 0),
                "index must not contain \\ / * ? \" < > | space , # or :, got '%s'", index);
        checkArgument(!index.startsWith("-") && !index.startsWith("_") && !index.startsWith("+")
                && !index.equals(".") && !index.equals(".."), "index must not start with - _ + or be . or .., got '%s'", index);
        checkArgument(index.getBytes(StandardCharsets.UTF_8).length <= 255, "index must be at most 255 bytes, got '%s'", index);
        return index;
    }

    private static URI checkHost(String host) {
        checkArgument(host != null && !host.isBlank(), "hosts must not contain an empty entry");
        URI uri;
        try {
            uri = URI.create(host.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hosts: not a URI: '" + host + "' (" + e.getMessage() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        checkArgument(scheme.equals("http") || scheme.equals("https"),
                "hosts: '%s' must be an http:// or https:// URI, e.g. http://localhost:9200", host);
        checkArgument(uri.getHost() != null, "hosts: '%s' has no host name", host);
        return uri;
    }

    private static boolean isPositive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void checkArgument(boolean condition, String message, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, message, args));
        }
    }

    /** Builds {@link ElasticsearchSinkOptions}; only the hosts are required. */
    public static final class Builder {
        private final List<URI> hosts = new ArrayList<>();
        private String index = DEFAULT_INDEX;
        private String apiKey;
        private String username;
        private String password;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private int startupAttempts = DEFAULT_STARTUP_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        private boolean flushOnWatermark = DEFAULT_FLUSH_ON_WATERMARK;
        private Refresh refresh = DEFAULT_REFRESH;

        private Builder() {}

        /** Replaces the hosts, e.g. {@code http://es1:9200}, {@code https://es2:9200}. */
        public Builder hosts(String... uris) {
            Objects.requireNonNull(uris, "hosts");
            hosts.clear();
            for (String u : uris) {
                hosts.add(checkHost(u));
            }
            return this;
        }

        public Builder hosts(List<URI> uris) {
            Objects.requireNonNull(uris, "hosts");
            hosts.clear();
            for (URI u : uris) {
                hosts.add(checkHost(u == null ? null : u.toString()));
            }
            return this;
        }

        public Builder index(String v) { index = v; return this; }
        /** An encoded API key as Elasticsearch returns it (sent as {@code Authorization: ApiKey ...}). */
        public Builder apiKey(String v) { apiKey = blankToNull(v); return this; }
        public Builder basicAuth(String user, String pass) { username = blankToNull(user); password = pass; return this; }
        public Builder maxBatchSize(int v) { maxBatchSize = v; return this; }
        public Builder maxRetries(int v) { maxRetries = v; return this; }
        public Builder startupAttempts(int v) { startupAttempts = v; return this; }
        public Builder initialBackoff(Duration v) { initialBackoff = v; return this; }
        public Builder maxBackoff(Duration v) { maxBackoff = v; return this; }
        public Builder flushInterval(Duration v) { flushInterval = v; return this; }
        public Builder flushOnWatermark(boolean v) { flushOnWatermark = v; return this; }
        public Builder refresh(Refresh v) { refresh = v; return this; }

        public ElasticsearchSinkOptions build() {
            return new ElasticsearchSinkOptions(this);
        }

        private static String blankToNull(String v) {
            return v == null || v.isBlank() ? null : v;
        }
    }
}
