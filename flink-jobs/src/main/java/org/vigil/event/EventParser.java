package org.vigil.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns raw Kafka record values into normalised {@link SecurityEvent}s, or into {@link DeadLetter}s that say why
 * not; never throws on bad input.
 *
 * <p>A record is JSON or one text line. Topics configured with a JSON format are read as JSON; topics configured
 * with a line format ({@link LineNormaliser}) as lines; under {@link EventFormat#AUTO} a record whose first
 * character other than blanks is '{', '[' or '"' is JSON and any other one a line, whose format is the first line
 * format that recognises it. Header lines of line formats update this parser's per-source header state and become
 * {@link ParseResult#ofHeaderLine} results, neither events nor dead letters.
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Records larger than this (1 MiB) are dead-lettered unread. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    /** Default bound on event times ahead of the ingest clock: generous for skewed sensor clocks. */
    public static final java.time.Duration DEFAULT_MAX_FUTURE_SKEW = java.time.Duration.ofHours(1);

    /** Deeper JSON is refused: no real event nests this far, and deep input is a parser denial-of-service. */
    public static final int MAX_NESTING_DEPTH = 64;

    /** Longest number literal read; longer ones only serve to make number parsing slow. */
    public static final int MAX_NUMBER_LENGTH = 100;

    /** Longest field name read. */
    public static final int MAX_NAME_LENGTH = 1024;

    /** Length of an event id derived from the record's bytes: 128 bits of SHA-256, ample against collisions. */
    static final int CONTENT_ID_HEX_CHARS = 32;

    private static final int MAX_MESSAGE_CHARS = 1000;
    private static final Normaliser ECS = new EcsJsonNormaliser();
    private static final Normaliser SURICATA = new SuricataEveNormaliser();
    private static final Normaliser WINDOWS = new WindowsEventNormaliser();
    private static final Normaliser ZEEK = new ZeekNormaliser();

    /** The line formats, in the order auto-detection tries them. */
    private static final List<LineNormaliser<?>> LINE_FORMATS = List.of(
            new CefNormaliser(),
            new ZeekLineNormaliser(),
            new WebAccessLogNormaliser());

    private final Map<String, EventFormat> formatByTopic;
    private final EventFormat defaultFormat;
    private final int maxRecordBytes;
    private final Clock clock;
    private final long maxFutureSkewMillis;

    // Rebuilt after deserialisation on each Flink task: Jackson mappers are not meant to be shipped.
    private transient ObjectMapper mapper;
    // Per task too: header lines describe the later lines of their own partition, which only this task reads.
    private transient SourceHeaders headers;

    private EventParser(Builder b) {
        this.formatByTopic = new HashMap<>(b.formatByTopic);
        this.defaultFormat = b.defaultFormat;
        this.maxRecordBytes = b.maxRecordBytes;
        this.clock = b.clock;
        this.maxFutureSkewMillis = b.maxFutureSkew.toMillis();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The format records on this topic are read as; topics not configured get the default format. */
    public EventFormat formatOf(String topic) {
        return formatByTopic.getOrDefault(topic, defaultFormat);
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Parses one record value read from {@code topic}/{@code partition} at {@code offset}. */
    public ParseResult parse(byte[] value, String topic, int partition, long offset) {
        String sourceTopic = topic == null ? "" : topic;
        DeadLetterReason reason;
        String message;
        try {
            return read(value, sourceTopic, partition);
        } catch (RejectedEventException e) {
            reason = e.reason();
            message = e.getMessage();
        } catch (RuntimeException e) {
            // A normaliser bug must not fail the job and replay the same record forever; keep it for a replay.
            reason = DeadLetterReason.NORMALISER_ERROR;
            message = e.toString();
        }
        return ParseResult.of(new DeadLetter(reason, shorten(message), sourceTopic, partition, offset, value,
                clock.millis()));
    }

    private ParseResult read(byte[] value, String topic, int partition) throws RejectedEventException {
        if (value == null || value.length == 0) {
            throw new RejectedEventException(DeadLetterReason.EMPTY, "record value is empty");
        }
        // Checked before parsing so an oversized record costs nothing but its length.
        if (value.length > maxRecordBytes) {
            throw new RejectedEventException(DeadLetterReason.TOO_LARGE, "record is " + value.length
                    + " bytes, more than the limit of " + maxRecordBytes);
        }
        requireUtf8(value);
        EventFormat format = formatOf(topic);
        if (readsAsLine(format, value)) {
            return readLine(format, LineRecord.text(value), value, topic, partition);
        }
        JsonNode root = readTree(value);
        if (root == null || root.isMissingNode()) {
            throw new RejectedEventException(DeadLetterReason.EMPTY, "record value is only whitespace");
        }
        if (!root.isObject()) {
            throw new RejectedEventException(DeadLetterReason.NOT_AN_OBJECT,
                    "record is a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT) + ", not an object");
        }
        Normaliser normaliser = normaliser(format == EventFormat.AUTO ? detect(root) : format);
        if (normaliser == null) {
            throw new RejectedEventException(DeadLetterReason.UNKNOWN_FORMAT, "record is neither Suricata EVE "
                    + "(event_type and timestamp), a Windows event (winlog object, Event.System, or EventID and "
                    + "Channel), a Zeek log record (ts with _path, uid or id.orig_h) nor ECS JSON (@timestamp or an "
                    + "event or ecs object)");
        }
        SecurityEvent.Builder event = SecurityEvent.builder();
        try {
            normaliser.normalise(root, event);
        } catch (IllegalArgumentException e) {
            throw new RejectedEventException(DeadLetterReason.BAD_FIELD, e.getMessage());
        }
        return ParseResult.of(finish(event, value));
    }

    /**
     * Whether the record is read as a text line: always in a format read only as lines, never in one read only as
     * JSON, and under auto (or in a format read both ways) when it does not start like a JSON object, array or
     * string (blank records go on to be refused as empty JSON). No log line starts with one of those; a bare JSON
     * number, boolean or null is refused as such after no line format recognised it.
     */
    private static boolean readsAsLine(EventFormat format, byte[] value) {
        boolean json = normaliser(format) != null;
        boolean lines = lineNormaliser(format) != null;
        if (json != lines) {
            return lines;
        }
        int first = LineRecord.firstNonBlank(value);
        return first >= 0 && value[first] != '{' && value[first] != '[' && value[first] != '"';
    }

    private ParseResult readLine(EventFormat format, String line, byte[] value, String topic, int partition)
            throws RejectedEventException {
        if (format == EventFormat.AUTO) {
            for (LineNormaliser<?> candidate : LINE_FORMATS) {
                if (candidate.isHeaderLine(line)) {
                    return readHeader(candidate, line, topic, partition);
                }
            }
            for (LineNormaliser<?> candidate : LINE_FORMATS) {
                if (recognises(candidate, line, topic, partition)) {
                    return ParseResult.of(finish(normaliseLine(candidate, line, topic, partition), value));
                }
            }
            throw unrecognisedUnderAuto(value);
        }
        LineNormaliser<?> normaliser = lineNormaliser(format);
        if (normaliser.isHeaderLine(line)) {
            return readHeader(normaliser, line, topic, partition);
        }
        // No recognition step on a topic of one format: the normaliser says best what a line lacks.
        return ParseResult.of(finish(normaliseLine(normaliser, line, topic, partition), value));
    }

    private <H> ParseResult readHeader(LineNormaliser<H> format, String line, String topic, int partition)
            throws RejectedEventException {
        H state = format.readHeader(line, headers().get(topic, partition, format));
        headers().put(topic, partition, format, state);
        return ParseResult.ofHeaderLine(format.format());
    }

    private <H> boolean recognises(LineNormaliser<H> format, String line, String topic, int partition) {
        return format.recognises(line, headers().get(topic, partition, format));
    }

    private <H> SecurityEvent.Builder normaliseLine(LineNormaliser<H> format, String line, String topic,
            int partition) throws RejectedEventException {
        SecurityEvent.Builder event = SecurityEvent.builder();
        try {
            format.normalise(line, headers().get(topic, partition, format), event);
        } catch (IllegalArgumentException e) {
            throw new RejectedEventException(DeadLetterReason.BAD_FIELD, e.getMessage());
        }
        return event;
    }

    /** A line no format recognised; a bare JSON value ("42", "null") is refused as today, as not an object. */
    private RejectedEventException unrecognisedUnderAuto(byte[] value) {
        try {
            JsonNode root = readTree(value);
            if (root != null && !root.isMissingNode()) {
                return new RejectedEventException(DeadLetterReason.NOT_AN_OBJECT,
                        "record is a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT) + ", not an object");
            }
        } catch (RejectedEventException notJson) {
            // Expected for a text line: it is neither JSON nor a known line format.
        }
        StringBuilder tried = new StringBuilder("record is neither JSON (it does not start with '{') nor ");
        for (int i = 0; i < LINE_FORMATS.size(); i++) {
            tried.append(i == 0 ? "" : i == LINE_FORMATS.size() - 1 ? " nor " : ", ").append(LINE_FORMATS.get(i).shapes());
        }
        return new RejectedEventException(DeadLetterReason.UNKNOWN_FORMAT, tried.toString());
    }

    /** Gives the event its content id when the source had none, and refuses times too far ahead of the clock. */
    private SecurityEvent finish(SecurityEvent.Builder event, byte[] value) throws RejectedEventException {
        if (!event.hasId()) {
            event.id(contentId(value));
        }
        SecurityEvent built = event.build();
        long ahead = built.timestampMillis() - clock.millis();
        if (ahead > maxFutureSkewMillis) {
            // One accepted future-dated record would move its partition's watermark ahead and make every real
            // event behind it late: an attacker's way to blind the correlator.
            throw new RejectedEventException(DeadLetterReason.BAD_TIMESTAMP, "event time " + built.timestamp()
                    + " is " + java.time.Duration.ofMillis(ahead) + " ahead of the ingest clock (at most "
                    + java.time.Duration.ofMillis(maxFutureSkewMillis) + " accepted)");
        }
        return built;
    }

    /**
     * Refuses bytes that are not UTF-8 before Jackson sees them: Jackson decodes overlong forms, encoded
     * surrogates and code points above U+10FFFF without complaint, and reads records that start with a zero byte
     * as UTF-16 or UTF-32. JSON between systems is UTF-8 (RFC 8259), and UTF-8 JSON never starts with a zero byte.
     */
    private static void requireUtf8(byte[] value) throws RejectedEventException {
        int malformed = Utf8.firstMalformed(value);
        if (malformed >= 0) {
            throw new RejectedEventException(DeadLetterReason.INVALID_UTF8, String.format(Locale.ROOT,
                    "record is not UTF-8: byte 0x%02x at offset %d does not start a well-formed sequence",
                    value[malformed] & 0xFF, malformed));
        }
        if (value.length >= 2 && (value[0] == 0 || value[1] == 0)) {
            throw new RejectedEventException(DeadLetterReason.INVALID_UTF8,
                    "record is not UTF-8: it starts with a zero byte, as UTF-16 and UTF-32 text does");
        }
    }

    private JsonNode readTree(byte[] value) throws RejectedEventException {
        try {
            return mapper().readTree(value);
        } catch (StreamConstraintsException e) {
            throw new RejectedEventException(DeadLetterReason.LIMIT_EXCEEDED, describe(e));
        } catch (IOException e) {
            throw new RejectedEventException(DeadLetterReason.INVALID_JSON, describe(e));
        }
    }

    /**
     * The format of a record on a mixed topic: EVE has {@code event_type} and {@code timestamp}; a Windows event
     * has a {@code winlog} object (Winlogbeat, checked before ECS as it is ECS too), {@code Event.System} or a flat
     * {@code EventID} with {@code Channel}; a Zeek record has {@code ts} with {@code _path}, {@code uid} or
     * {@code id.orig_h}, or is the Kafka plugin's {@code {"conn": {...}}} (checked before ECS, as shippers such as
     * Logstash add {@code @timestamp} to Zeek records); ECS has {@code @timestamp} or {@code event}/{@code ecs}
     * fields; null when none.
     */
    static EventFormat detect(JsonNode root) {
        boolean eveType = root.hasNonNull("event_type");
        if (eveType && root.has("timestamp")) {
            return EventFormat.SURICATA_EVE;
        }
        if (WindowsEventReader.shapeOf(root) != null) {
            return EventFormat.WINDOWS;
        }
        if (ZeekNormaliser.looksLikeZeek(root)) {
            return EventFormat.ZEEK;
        }
        if (root.has(EcsJsonNormaliser.TIMESTAMP_FIELD) || root.path("event").isObject()
                || root.path("ecs").isObject()) {
            return EventFormat.ECS_JSON;
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.startsWith("event.") || name.startsWith("ecs.")) {
                return EventFormat.ECS_JSON;
            }
        }
        // An EVE record without its timestamp is still EVE; it is then refused as missing_timestamp.
        return eveType ? EventFormat.SURICATA_EVE : null;
    }

    private static LineNormaliser<?> lineNormaliser(EventFormat format) {
        for (LineNormaliser<?> candidate : LINE_FORMATS) {
            if (candidate.format() == format) {
                return candidate;
            }
        }
        return null;
    }

    private SourceHeaders headers() {
        if (headers == null) {
            headers = new SourceHeaders();
        }
        return headers;
    }

    private static Normaliser normaliser(EventFormat format) {
        if (format == null) {
            return null;
        }
        switch (format) {
            case ECS_JSON:
                return ECS;
            case SURICATA_EVE:
                return SURICATA;
            case WINDOWS:
                return WINDOWS;
            case ZEEK:
                return ZEEK;
            default:
                return null;
        }
    }

    /** The id of a record without {@code event.id}: a hash of its bytes, so a re-read record keeps its id. */
    static String contentId(byte[] value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value);
            return HexFormat.of().formatHex(hash).substring(0, CONTENT_ID_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String describe(IOException e) {
        if (!(e instanceof JsonProcessingException jpe)) {
            return e.toString();
        }
        String message = String.valueOf(jpe.getOriginalMessage()).replaceAll("\\s+", " ").trim();
        JsonLocation at = jpe.getLocation();
        return at == null ? message : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static String shorten(String message) {
        String m = message == null ? "" : message;
        return m.length() <= MAX_MESSAGE_CHARS ? m : m.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            StreamReadConstraints limits = StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxNameLength(MAX_NAME_LENGTH)
                    .maxStringLength(maxRecordBytes)
                    .maxDocumentLength(maxRecordBytes)
                    .build();
            JsonFactory factory = JsonFactory.builder()
                    .streamReadConstraints(limits)
                    // Messages carry line and column only; the record itself is already in the dead letter.
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    .build();
            mapper = JsonMapper.builder(factory)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();
        }
        return mapper;
    }

    /** Configures an {@link EventParser}; every topic not named is read in the default format. */
    public static final class Builder {
        private final Map<String, EventFormat> formatByTopic = new HashMap<>();
        private EventFormat defaultFormat = EventFormat.AUTO;
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private Clock clock = Clock.systemUTC();
        private java.time.Duration maxFutureSkew = DEFAULT_MAX_FUTURE_SKEW;

        private Builder() {}

        public Builder topicFormat(String topic, EventFormat format) {
            Objects.requireNonNull(topic, "topic");
            formatByTopic.put(topic, Objects.requireNonNull(format, "format of topic " + topic));
            return this;
        }

        public Builder topicFormats(Map<String, EventFormat> formats) {
            Objects.requireNonNull(formats, "formats").forEach(this::topicFormat);
            return this;
        }

        /** Format for topics not configured; {@link EventFormat#AUTO} unless set. */
        public Builder defaultFormat(EventFormat format) {
            this.defaultFormat = Objects.requireNonNull(format, "defaultFormat");
            return this;
        }

        /** Largest record value accepted, in bytes; 1 MiB unless set. */
        public Builder maxRecordBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxRecordBytes must be positive, got " + bytes);
            }
            this.maxRecordBytes = bytes;
            return this;
        }

        /** How far ahead of the clock an event's time may be (sensor clock skew); later ones are dead letters. */
        public Builder maxFutureSkew(java.time.Duration skew) {
            if (skew == null || skew.isNegative()) {
                throw new IllegalArgumentException("maxFutureSkew must be zero or positive, got " + skew);
            }
            this.maxFutureSkew = skew;
            return this;
        }

        /** Clock stamping dead letters with their failure time and bounding future event times; system UTC unless set. */
        public Builder clock(Clock clock) {
            if (!(clock instanceof Serializable)) {
                throw new IllegalArgumentException("clock must be Serializable to ship with the job: " + clock);
            }
            this.clock = clock;
            return this;
        }

        public EventParser build() {
            return new EventParser(this);
        }
    }
}
