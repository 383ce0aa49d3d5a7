package org.vigil.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.vigil.event.DeadLetterReason;
import org.vigil.event.EventFormat;

/**
 * Hostile records for the event topics, generated deterministically from a seed and an index: each one is
 * refused by the parser by construction, and carries the dead-letter reason it must get.
 *
 * <p>Records cycle through the {@link Kind}s; one in {@link #OVERSIZED_EVERY} is over the 1 MiB record limit,
 * the rest are at most a few KiB. Each record is meant for the topic read in its {@link Hostile#format()}:
 * ECS JSON, Suricata EVE, or detected per record.
 */
final class HostileRecords {

    /** One record in this many is over the default record limit; they are the only large ones. */
    static final int OVERSIZED_EVERY = 10_000;

    /** The kinds of hostile input, each with the dead-letter reason every record of that kind must get. */
    enum Kind {
        /** A Kafka tombstone: no value at all. */
        TOMBSTONE(DeadLetterReason.EMPTY),
        /** A zero-length value. */
        EMPTY(DeadLetterReason.EMPTY),
        /** Blanks, tabs and line breaks only. */
        WHITESPACE(DeadLetterReason.EMPTY),
        /** Random bytes holding at least one byte that never occurs in UTF-8. */
        RANDOM_BYTES(DeadLetterReason.INVALID_UTF8),
        /** Random printable ASCII starting with a character no JSON value starts with, on a JSON topic. */
        RANDOM_TEXT(DeadLetterReason.INVALID_JSON),
        /** Syslog, CEF, LEEF, access-log and key=value lines sent to a JSON topic (ECS or EVE, never auto). */
        LOG_LINE(DeadLetterReason.INVALID_JSON),
        /** JSON5 and JavaScript habits: comments, trailing commas, single quotes, NaN, leading zeros. */
        LENIENT_JSON(DeadLetterReason.INVALID_JSON),
        /** A valid event cut strictly inside its object. */
        TRUNCATED(DeadLetterReason.INVALID_JSON),
        /** A valid event followed by more than whitespace, such as a second event (NDJSON in one record). */
        TRAILING_DATA(DeadLetterReason.INVALID_JSON),
        /** A raw NUL or other control character inside a string. */
        RAW_CONTROL_CHARACTER(DeadLetterReason.INVALID_JSON),
        /** A valid event cut in the middle of a multi-byte character. */
        TRUNCATED_MID_CHARACTER(DeadLetterReason.INVALID_UTF8),
        /** Overlong forms, encoded surrogates, code points above U+10FFFF, Latin-1 and stray bytes. */
        INVALID_UTF8_SEQUENCE(DeadLetterReason.INVALID_UTF8),
        /** A valid event in UTF-16 or UTF-32, with or without a byte-order mark. */
        OTHER_ENCODING(DeadLetterReason.INVALID_UTF8),
        /** A valid event with a field nested deeper than the parser's limit. */
        DEEP_NESTING(DeadLetterReason.LIMIT_EXCEEDED),
        /** Hundreds of opening brackets or braces, never closed. */
        OPEN_NESTING(DeadLetterReason.LIMIT_EXCEEDED),
        /** A field name longer than the parser's limit. */
        LONG_FIELD_NAME(DeadLetterReason.LIMIT_EXCEEDED),
        /** A number literal longer than the parser's limit. */
        LONG_NUMBER(DeadLetterReason.LIMIT_EXCEEDED),
        /** A JSON array (of valid events), string, number, boolean or null. */
        NOT_AN_OBJECT(DeadLetterReason.NOT_AN_OBJECT),
        /** A JSON object the topic's format does not recognise. */
        UNKNOWN_FORMAT(DeadLetterReason.UNKNOWN_FORMAT),
        /** An event without a timestamp, or with a null or blank one. */
        MISSING_TIMESTAMP(DeadLetterReason.MISSING_TIMESTAMP),
        /** A timestamp before 1990, as text or epoch milliseconds: 1970 and other zero defaults. */
        TIMESTAMP_TOO_EARLY(DeadLetterReason.BAD_TIMESTAMP),
        /** A timestamp after 2100. */
        TIMESTAMP_TOO_LATE(DeadLetterReason.BAD_TIMESTAMP),
        /** A timestamp that is no date-time: prose, impossible dates, wrong types, overflowing numbers. */
        TIMESTAMP_UNREADABLE(DeadLetterReason.BAD_TIMESTAMP),
        /** A known field with the wrong type: text for a number, an object or several values for one value. */
        WRONG_TYPE(DeadLetterReason.BAD_FIELD),
        /** Over the 1 MiB record limit; only one record in {@link #OVERSIZED_EVERY}. */
        OVERSIZED(DeadLetterReason.TOO_LARGE);

        private final DeadLetterReason expected;

        Kind(DeadLetterReason expected) {
            this.expected = expected;
        }

        /** The dead-letter reason every record of this kind must get. */
        DeadLetterReason expected() {
            return expected;
        }
    }

    /** One hostile record: its id, kind, the format of the topic it is for, and its value (null for a tombstone). */
    record Hostile(String fuzzId, Kind kind, EventFormat format, byte[] value) {
        DeadLetterReason expected() {
            return kind.expected();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Kind> CYCLE = Arrays.stream(Kind.values()).filter(k -> k != Kind.OVERSIZED).toList();
    private static final int MAX_RECORD_BYTES = 1024 * 1024;
    private static final Instant DAY = Instant.parse("2026-03-02T00:00:00Z");
    private static final DateTimeFormatter EVE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ").withZone(ZoneOffset.UTC);
    private static final long MIN_MILLIS = Instant.parse("1990-01-01T00:00:00Z").toEpochMilli();
    private static final long END_MILLIS = Instant.parse("2101-01-01T00:00:00Z").toEpochMilli();
    private static final long YEAR_9999_MILLIS = Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();
    // No JSON value, and no JSON whitespace, starts with one of these.
    private static final String NOT_A_JSON_START =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdeghijklmopqrsuvwxyz<#%&*/:;=>?@\\^_`|~!$'()+,.]}";
    private static final String[] USERS = {"admin", "root", "an.nguyen", "svc_backup", "guest", "binh.tran"};
    private static final String[] HOSTS = {"mail-01", "dc01", "web-02", "vpn-gw", "fs-03"};

    private HostileRecords() {}

    /** The kind of the record at {@code index}. */
    static Kind kindOf(int index) {
        if (index % OVERSIZED_EVERY == OVERSIZED_EVERY / 2) {
            return Kind.OVERSIZED;
        }
        return CYCLE.get(index % CYCLE.size());
    }

    /** The record at {@code index} of the sequence for {@code seed}; the same arguments give the same record. */
    static Hostile record(long seed, int index) {
        Kind kind = kindOf(index);
        Random random = new Random(seed * 1_000_003L + index);
        EventFormat format = formatFor(kind, random);
        byte[] value = generate(kind, format, random);
        return new Hostile(String.format("fuzz-%06d", index), kind, format, value);
    }

    /** A well-formed event of the format (for {@link EventFormat#AUTO}, ECS or EVE at random), ASCII only. */
    static String validRecord(Random random, EventFormat format) {
        return shapeOf(format, random) == Shape.ECS ? ecs(random, true).toString() : eve(random, true).toString();
    }

    private enum Shape { ECS, EVE }

    private static EventFormat formatFor(Kind kind, Random random) {
        if (kind == Kind.UNKNOWN_FORMAT) {
            // A topic read as ECS takes any object as ECS, so an unrecognised object there lacks its timestamp.
            return random.nextBoolean() ? EventFormat.SURICATA_EVE : EventFormat.AUTO;
        }
        int r = random.nextInt(4);
        if (r == 3 && (kind == Kind.RANDOM_TEXT || kind == Kind.LOG_LINE)) {
            // A topic detected per record reads text that is not JSON as a log line: these are JSON topics' garbage.
            r = 0;
        }
        return r < 2 ? EventFormat.ECS_JSON : r == 2 ? EventFormat.SURICATA_EVE : EventFormat.AUTO;
    }

    private static Shape shapeOf(EventFormat format, Random random) {
        return switch (format) {
            case ECS_JSON -> Shape.ECS;
            case SURICATA_EVE -> Shape.EVE;
            default -> random.nextBoolean() ? Shape.ECS : Shape.EVE;
        };
    }

    private static byte[] generate(Kind kind, EventFormat format, Random random) {
        return switch (kind) {
            case TOMBSTONE -> null;
            case EMPTY -> new byte[0];
            case WHITESPACE -> ascii(whitespace(random, 1 + random.nextInt(64)));
            case RANDOM_BYTES -> randomBytes(random);
            case RANDOM_TEXT -> ascii(randomText(random));
            case LOG_LINE -> utf8(logLine(random));
            case LENIENT_JSON -> ascii(lenientJson(random, format));
            case TRUNCATED -> truncated(random, format);
            case TRAILING_DATA -> ascii(trailingData(random, format));
            case RAW_CONTROL_CHARACTER -> ascii(rawControlCharacter(random, format));
            case TRUNCATED_MID_CHARACTER -> truncatedMidCharacter(random, format);
            case INVALID_UTF8_SEQUENCE -> invalidUtf8(random, format);
            case OTHER_ENCODING -> otherEncoding(random, format);
            case DEEP_NESTING -> ascii(deepNesting(random, format));
            case OPEN_NESTING -> ascii(openNesting(random));
            case LONG_FIELD_NAME -> ascii(withField(random, validRecord(random, format),
                    letters(random, 1025 + random.nextInt(1024)), "1"));
            case LONG_NUMBER -> ascii(longNumber(random, format));
            case NOT_AN_OBJECT -> utf8(notAnObject(random, format));
            case UNKNOWN_FORMAT -> ascii(unknownFormat(random, format));
            case MISSING_TIMESTAMP -> ascii(missingTimestamp(random, format));
            case TIMESTAMP_TOO_EARLY -> ascii(withTimestamp(random, format, tooEarly(random, format)));
            case TIMESTAMP_TOO_LATE -> ascii(withTimestamp(random, format, tooLate(random, format)));
            case TIMESTAMP_UNREADABLE -> ascii(withTimestamp(random, format, unreadableTime(random)));
            case WRONG_TYPE -> ascii(wrongType(random, format));
            case OVERSIZED -> oversized(random, format);
        };
    }

    // ---- Valid events, the base of most mutations.

    private static ObjectNode ecs(Random random, boolean withTimestamp) {
        ObjectNode doc = JSON.createObjectNode();
        if (withTimestamp) {
            doc.put("@timestamp", time(random).toString());
        }
        ObjectNode event = doc.putObject("event");
        String user = pick(random, USERS);
        String host = pick(random, HOSTS);
        switch (random.nextInt(3)) {
            case 0 -> {
                event.putArray("category").add("authentication");
                event.putArray("type").add("start");
                event.put("outcome", random.nextBoolean() ? "failure" : "success");
                event.put("action", "logon");
                doc.putObject("source").put("ip", ip(random)).put("port", 1024 + random.nextInt(60000));
            }
            case 1 -> {
                event.putArray("category").add("process");
                event.putArray("type").add("start");
                doc.putObject("process").put("name", "powershell.exe").put("pid", 1 + random.nextInt(65535))
                        .put("command_line", "powershell.exe -enc " + letters(random, 12));
            }
            default -> {
                event.putArray("category").add("network");
                event.putArray("type").add("connection");
                doc.putObject("source").put("ip", ip(random));
                doc.putObject("destination").put("ip", ip(random)).put("port", 1 + random.nextInt(65535));
            }
        }
        doc.putObject("user").put("name", user);
        doc.putObject("host").put("name", host);
        doc.putObject("ecs").put("version", "8.11.0");
        return doc;
    }

    private static ObjectNode eve(Random random, boolean withTimestamp) {
        ObjectNode doc = JSON.createObjectNode();
        if (withTimestamp) {
            doc.put("timestamp", EVE_TIME.format(time(random)));
        }
        doc.put("flow_id", 1_000_000_000L + random.nextInt(1_000_000_000));
        doc.put("in_iface", "eth0");
        String type = pick(random, new String[] {"flow", "alert", "dns"});
        doc.put("event_type", type);
        doc.put("src_ip", ip(random));
        doc.put("src_port", 1024 + random.nextInt(60000));
        doc.put("dest_ip", ip(random));
        doc.put("dest_port", type.equals("dns") ? 53 : 1 + random.nextInt(65535));
        doc.put("proto", type.equals("dns") ? "UDP" : "TCP");
        switch (type) {
            case "flow" -> doc.putObject("flow").put("pkts_toserver", random.nextInt(100))
                    .put("pkts_toclient", random.nextInt(100)).put("bytes_toserver", random.nextInt(100_000))
                    .put("bytes_toclient", random.nextInt(100_000)).put("state", "closed");
            case "alert" -> doc.putObject("alert").put("action", "allowed").put("gid", 1)
                    .put("signature_id", 2_000_000 + random.nextInt(100_000)).put("rev", 1)
                    .put("signature", "ET SCAN Suspicious inbound to " + letters(random, 6))
                    .put("category", "Attempted Information Leak").put("severity", 1 + random.nextInt(3));
            default -> doc.putObject("dns").put("type", "query").put("rrname", letters(random, 8) + ".example")
                    .put("rrtype", "A");
        }
        return doc;
    }

    private static ObjectNode object(Random random, Shape shape, boolean withTimestamp) {
        return shape == Shape.ECS ? ecs(random, withTimestamp) : eve(random, withTimestamp);
    }

    // ---- Format-independent garbage.

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(1024)];
        random.nextBytes(bytes);
        // 0xC0, 0xC1 and 0xF5 to 0xFF never occur in UTF-8, so these bytes cannot be a UTF-8 event.
        int[] never = {0xC0, 0xC1, 0xF5, 0xF8, 0xFE, 0xFF};
        bytes[random.nextInt(bytes.length)] = (byte) never[random.nextInt(never.length)];
        return bytes;
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        text.append(NOT_A_JSON_START.charAt(random.nextInt(NOT_A_JSON_START.length())));
        for (int n = random.nextInt(512); n > 0; n--) {
            text.append((char) (0x20 + random.nextInt(0x7F - 0x20)));
        }
        return text.toString();
    }

    private static String logLine(Random random) {
        String ip = ip(random);
        String user = pick(random, USERS);
        String host = pick(random, HOSTS);
        int port = 1024 + random.nextInt(60000);
        return switch (random.nextInt(8)) {
            case 0 -> "<38>Mar  2 09:" + two(random.nextInt(60)) + ":00 " + host + " sshd[" + random.nextInt(99999)
                    + "]: Failed password for " + user + " from " + ip + " port " + port + " ssh2";
            case 1 -> "<86>1 2026-03-02T09:00:00.000Z " + host + " sshd " + random.nextInt(99999)
                    + " - - Accepted password for " + user + " from " + ip + " port " + port + " ssh2";
            case 2 -> "CEF:0|Fortinet|FortiGate|7.2.4|13|traffic:forward deny|3|src=" + ip + " dst=" + ip(random)
                    + " dpt=" + port + " act=deny";
            case 3 -> "LEEF:2.0|Palo Alto Networks|PAN-OS|10.1|TRAFFIC|^|src=" + ip + "^dst=" + ip(random)
                    + "^usrName=" + user;
            case 4 -> ip + " - " + user + " [02/Mar/2026:09:00:00 +0700] \"POST /dang-nhap HTTP/1.1\" 401 "
                    + random.nextInt(5000) + " \"-\" \"Mozilla/5.0\"";
            case 5 -> "date=2026-03-02 time=09:00:00 devname=\"fw01\" srcip=" + ip + " dstport=" + port
                    + " action=\"deny\"";
            case 6 -> "An account failed to log on.\r\n\r\nSubject:\r\n\tSecurity ID:\t\tS-1-0-0\r\n\tAccount Name:\t\t"
                    + user + "\r\nNetwork Information:\r\n\tSource Network Address:\t" + ip;
            default -> "Đăng nhập thất bại cho người dùng " + user + " từ " + ip;
        };
    }

    private static String lenientJson(Random random, EventFormat format) {
        String base = validRecord(random, format);
        String body = base.substring(1, base.length() - 1);
        return switch (random.nextInt(9)) {
            case 0 -> "{" + body + ",}";
            case 1 -> "{/* shipped by agent " + letters(random, 4) + " */" + body + "}";
            case 2 -> "{" + body + "} // end";
            case 3 -> "{" + body.replace('"', '\'') + "}";
            case 4 -> "{" + body + ",\"score\":NaN}";
            case 5 -> "{" + body + ",\"bytes\":Infinity}";
            case 6 -> "{" + body + ",\"retries\":007}";
            case 7 -> "{" + body + ",\"mask\":0x1F}";
            default -> "{" + body + "," + letters(random, 6) + ":1}";
        };
    }

    private static byte[] truncated(Random random, EventFormat format) {
        byte[] whole = ascii(validRecord(random, format));
        // Any proper prefix of a compact object is unfinished: at least one brace stays open.
        return Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1));
    }

    private static String trailingData(Random random, EventFormat format) {
        String base = validRecord(random, format);
        return switch (random.nextInt(5)) {
            case 0 -> base + "\n" + validRecord(random, format);
            case 1 -> base + validRecord(random, format);
            case 2 -> base + "}";
            case 3 -> base + ",";
            default -> base + " " + letters(random, 1 + random.nextInt(8));
        };
    }

    private static String rawControlCharacter(Random random, EventFormat format) {
        char control = random.nextInt(3) == 0 ? (char) random.nextInt(0x20) : '\0';
        return withField(random, validRecord(random, format), "message",
                "\"" + letters(random, 1 + random.nextInt(20)) + control + letters(random, random.nextInt(20)) + "\"");
    }

    private static byte[] truncatedMidCharacter(Random random, EventFormat format) {
        String base = validRecord(random, format);
        String character = pick(random, new String[] {"é", "ư", "€", "ệ", "😀", "𝄞"});
        byte[] head = utf8(base.substring(0, base.length() - 1) + ",\"message\":\"" + letters(random, 5));
        byte[] encoded = utf8(character);
        // Keep one to all-but-one bytes of the character: the record ends inside it.
        return concat(head, Arrays.copyOf(encoded, 1 + random.nextInt(encoded.length - 1)));
    }

    private static byte[] invalidUtf8(Random random, EventFormat format) {
        byte[][] sequences = {
            {(byte) 0xC0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xC1, (byte) 0xBF},
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xED, (byte) 0xBF, (byte) 0xBF},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF7, (byte) 0xBF, (byte) 0xBF, (byte) 0xBF},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xBF},
            {(byte) 0xFE}, {(byte) 0xFF}, {(byte) 0xC3, 'A'}, {(byte) 0xE2, (byte) 0x82, 'A'},
            // "José" in Latin-1.
            {'J', 'o', 's', (byte) 0xE9}};
        byte[] bad = sequences[random.nextInt(sequences.length)];
        String base = validRecord(random, format);
        String before = base.substring(0, base.length() - 1) + ",\"";
        boolean inName = random.nextBoolean();
        String prefix = before + (inName ? letters(random, 3) : "message\":\"" + letters(random, 3));
        String suffix = inName ? "\":1}" : "\"}";
        return concat(utf8(prefix), bad, utf8(suffix));
    }

    private static byte[] otherEncoding(Random random, EventFormat format) {
        String base = validRecord(random, format);
        String[] charsets = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE", "UTF-32"};
        byte[] encoded = base.getBytes(Charset.forName(charsets[random.nextInt(charsets.length)]));
        if (random.nextBoolean()) {
            return encoded;
        }
        // With an explicit little-endian byte-order mark, as Windows tools write it.
        return concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, base.getBytes(StandardCharsets.UTF_16LE));
    }

    private static String deepNesting(Random random, EventFormat format) {
        // The record is depth 1, so 64 containers inside it are one more than the limit of 64.
        int depth = 64 + random.nextInt(300);
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (random.nextBoolean()) {
                open.append("{\"").append((char) ('a' + random.nextInt(26))).append("\":");
                close.append('}');
            } else {
                open.append('[');
                close.append(']');
            }
        }
        return withField(random, validRecord(random, format), "nested", open + "1" + close.reverse());
    }

    private static String openNesting(Random random) {
        int depth = 65 + random.nextInt(400);
        String unit = switch (random.nextInt(3)) {
            case 0 -> "[";
            case 1 -> "{\"a\":";
            default -> "[{\"a\":";
        };
        return unit.repeat(depth);
    }

    private static String longNumber(Random random, EventFormat format) {
        int length = 101 + random.nextInt(400);
        StringBuilder digits = new StringBuilder().append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < length; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        String number = switch (random.nextInt(3)) {
            case 0 -> digits.toString();
            case 1 -> "-" + digits;
            default -> "0." + digits;
        };
        return random.nextBoolean()
                ? withTimestamp(random, format, number)
                : withField(random, validRecord(random, format), "bytes", number);
    }

    private static String notAnObject(Random random, EventFormat format) {
        return switch (random.nextInt(8)) {
            case 0 -> "[" + validRecord(random, format) + "," + validRecord(random, format) + "]";
            case 1 -> "[]";
            case 2 -> JSON.getNodeFactory().textNode(logLine(random)).toString();
            case 3 -> Long.toString(random.nextLong());
            case 4 -> Double.toString(random.nextDouble() * 1e6);
            case 5 -> random.nextBoolean() ? "true" : "false";
            case 6 -> "null";
            default -> whitespace(random, 3) + "\"" + letters(random, 10) + "\"" + whitespace(random, 3);
        };
    }

    private static String unknownFormat(Random random, EventFormat format) {
        if (format == EventFormat.SURICATA_EVE) {
            // EVE needs its event_type: an ECS event, or EVE whose type is absent, null, blank or not a value.
            if (random.nextBoolean()) {
                return ecs(random, true).toString();
            }
            ObjectNode doc = eve(random, true);
            switch (random.nextInt(5)) {
                case 0 -> doc.remove("event_type");
                case 1 -> doc.putNull("event_type");
                case 2 -> doc.put("event_type", whitespace(random, 1 + random.nextInt(3)));
                case 3 -> doc.putObject("event_type").put("name", "alert");
                default -> doc.putArray("event_type").add("alert");
            }
            return doc.toString();
        }
        return switch (random.nextInt(4)) {
            case 0 -> "{}";
            case 1 -> "{\"time\":\"" + time(random) + "\",\"level\":\"warn\",\"msg\":\"login failed for "
                    + pick(random, USERS) + "\"}";
            case 2 -> {
                ObjectNode doc = eve(random, true);
                doc.remove("event_type");
                yield doc.toString();
            }
            default -> {
                ObjectNode doc = eve(random, true);
                doc.putNull("event_type");
                yield doc.toString();
            }
        };
    }

    private static String missingTimestamp(Random random, EventFormat format) {
        Shape shape = shapeOf(format, random);
        String field = shape == Shape.ECS ? "@timestamp" : "timestamp";
        ObjectNode doc = object(random, shape, false);
        return switch (random.nextInt(4)) {
            case 0 -> doc.toString();
            case 1 -> withField(random, doc.toString(), field, "null");
            case 2 -> withField(random, doc.toString(), field, "\"\"");
            default -> withField(random, doc.toString(), field,
                    JSON.getNodeFactory().textNode(whitespace(random, 1 + random.nextInt(4))).toString());
        };
    }

    /** Raw JSON text of a timestamp before 1990. */
    private static String tooEarly(Random random, EventFormat format) {
        long millis = random.nextInt(4) == 0 ? random.nextInt(2) - 1 : Math.floorMod(random.nextLong(), MIN_MILLIS);
        return switch (random.nextInt(5)) {
            case 0 -> Long.toString(millis);
            case 1 -> "\"" + millis + "\"";
            case 2 -> "\"1989-12-31T23:59:59.999Z\"";
            case 3 -> "\"0000-01-01T00:00:00Z\"";
            default -> "\"" + isoText(random, format, Instant.ofEpochMilli(millis)) + "\"";
        };
    }

    /** Raw JSON text of a timestamp after 2100. */
    private static String tooLate(Random random, EventFormat format) {
        long millis = END_MILLIS + Math.floorMod(random.nextLong(), YEAR_9999_MILLIS - END_MILLIS);
        return switch (random.nextInt(6)) {
            case 0 -> Long.toString(millis);
            case 1 -> "\"" + millis + "\"";
            case 2 -> "\"2101-01-01T00:00:00Z\"";
            case 3 -> Long.toString(Long.MAX_VALUE);
            case 4 -> "\"+10000-01-01T00:00:00Z\"";
            default -> "\"" + isoText(random, format, Instant.ofEpochMilli(millis)) + "\"";
        };
    }

    private static String unreadableTime(Random random) {
        String[] texts = {"\"yesterday at noon\"", "\"2026-02-30T09:00:00Z\"", "\"2026-13-01T09:00:00Z\"",
            "\"2026-03-02T24:00:00Z\"", "\"2026-03-02T09:00:00+19:00\"", "\"02/03/2026 09:00:00\"",
            "\"Mon Mar  2 09:00:00 2026\"", "\"2026-03-02\"", "\"2026-03-02 09:00:00\"", "\"1.7e12\"",
            "\"9999999999999999999\"", "\"99999999999999999999\"", "\"-1\"", "\"NaN\"", "\"T\"",
            "\"2026-03-02T09:00:00Zjunk\"", "\"+999999999-12-31T23:59:59Z\"",
            // 1772442000000 (2026-03-02T09:00:00Z) in Arabic-Indic and fullwidth digits.
            "\"\\u0661\\u0667\\u0667\\u0662\\u0664\\u0664\\u0662\\u0660\\u0660\\u0660\\u0660\\u0660\\u0660\"",
            "\"\\uff11\\uff17\\uff17\\uff12\\uff14\\uff14\\uff12\\uff10\\uff10\\uff10\\uff10\\uff10\\uff10\"",
            "1e400", "-1e400", "1.5e19", "99999999999999999999", "true", "false",
            "{\"date\":\"2026-03-02\",\"time\":\"09:00:00\"}", "[\"2026-03-02T09:00:00Z\"]", "[]", "{}"};
        return texts[random.nextInt(texts.length)];
    }

    private static String wrongType(Random random, EventFormat format) {
        if (shapeOf(format, random) == Shape.EVE) {
            ObjectNode doc = eve(random, true);
            switch (random.nextInt(6)) {
                case 0 -> doc.put("src_port", pick(random, new String[] {"ssh", "eighty", "0x50", "22/tcp"}));
                case 1 -> doc.put("dest_port", random.nextBoolean());
                case 2 -> doc.putObject("alert").put("signature", "ET POLICY test").put("severity", "high");
                case 3 -> doc.putObject("flow").put("pkts_toserver", "many").put("bytes_toserver", 10);
                case 4 -> doc.putObject("http").put("hostname", "portal.example").put("status", "OK");
                default -> doc.put("src_port", new BigInteger("99999999999999999999"));
            }
            return doc.toString();
        }
        ObjectNode doc = ecs(random, true);
        switch (random.nextInt(10)) {
            case 0 -> doc.withObjectProperty("source").put("port", pick(random, new String[] {"ssh", "eighty", "22/tcp"}));
            case 1 -> doc.withObjectProperty("process").put("pid", random.nextBoolean());
            case 2 -> doc.withObjectProperty("event").put("severity", new BigInteger("99999999999999999999"));
            case 3 -> doc.withObjectProperty("source").putObject("ip").put("v4", ip(random));
            case 4 -> doc.withObjectProperty("user").putObject("name").put("first", "an").put("last", "nguyen");
            case 5 -> doc.put("source.ip.v4", ip(random));
            case 6 -> doc.withObjectProperty("source").putArray("ip").add(ip(random)).add(ip(random));
            case 7 -> doc.withObjectProperty("event").putArray("category").addObject().put("name", "authentication");
            case 8 -> doc.withObjectProperty("winlog").put("event_id", "logon failed").put("channel", "Security");
            default -> doc.withObjectProperty("http").withObjectProperty("response").put("status_code", "OK");
        }
        return doc.toString();
    }

    private static byte[] oversized(Random random, EventFormat format) {
        // Compressible, as a runaway log line is: the dead letter carries it in base64, and Kafka compresses.
        int size = MAX_RECORD_BYTES + 1 + random.nextInt(256 * 1024);
        String line = "GET /search?q=" + letters(random, 40) + " HTTP/1.1 ";
        String base = validRecord(random, format);
        String head = base.substring(0, base.length() - 1) + ",\"message\":\"";
        StringBuilder text = new StringBuilder(size + line.length()).append(head);
        while (text.length() < size) {
            text.append(line);
        }
        return ascii(text.append("\"}").toString());
    }

    // ---- Building blocks.

    /** Adds a field with a raw JSON value to an object's text, as its first or last field. */
    private static String withField(Random random, String object, String name, String rawValue) {
        String field = "\"" + name + "\":" + rawValue;
        return random.nextBoolean()
                ? "{" + field + "," + object.substring(1)
                : object.substring(0, object.length() - 1) + "," + field + "}";
    }

    /** A valid event of the format whose timestamp is the given raw JSON value. */
    private static String withTimestamp(Random random, EventFormat format, String rawValue) {
        Shape shape = shapeOf(format, random);
        return withField(random, object(random, shape, false).toString(),
                shape == Shape.ECS ? "@timestamp" : "timestamp", rawValue);
    }

    private static String isoText(Random random, EventFormat format, Instant instant) {
        return format == EventFormat.SURICATA_EVE || random.nextBoolean() ? EVE_TIME.format(instant) : instant.toString();
    }

    private static Instant time(Random random) {
        return DAY.plusMillis(random.nextInt(24 * 3600 * 1000));
    }

    private static String ip(Random random) {
        return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                + (1 + random.nextInt(254));
    }

    private static String letters(Random random, int count) {
        char[] chars = new char[count];
        for (int i = 0; i < count; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    private static String whitespace(Random random, int count) {
        char[] chars = new char[count];
        for (int i = 0; i < count; i++) {
            chars[i] = " \t\r\n".charAt(random.nextInt(4));
        }
        return new String(chars);
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
