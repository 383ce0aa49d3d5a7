package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventParserTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final String MIXED_TOPIC = "soc.events.mixed";
    private static final String SURICATA_TOPIC = "soc.events.suricata";
    private static final String ECS_TOPIC = "soc.events.beats";

    private static final String ECS_RECORD = """
            {"@timestamp":"2024-05-01T10:00:00Z","event":{"kind":"event"},"source":{"ip":"203.0.113.7","port":22}}""";
    private static final String EVE_RECORD = """
            {"timestamp":"2024-05-01T10:00:00.000000+0000","event_type":"alert","src_ip":"203.0.113.7",\
            "src_port":4904,"dest_ip":"10.0.0.2","dest_port":22,"proto":"TCP","alert":{"action":"allowed",\
            "signature_id":2001219,"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak",\
            "severity":2}}""";

    private final EventParser parser = EventParser.builder()
            .topicFormat(SURICATA_TOPIC, EventFormat.SURICATA_EVE)
            .topicFormat(ECS_TOPIC, EventFormat.ECS_JSON)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .build();

    @Test
    void detectsEachFormatOnAMixedTopic() {
        assertThat(event(ECS_RECORD).get("source.port")).isEqualTo(22L);
        assertThat(event(EVE_RECORD).get("rule.id")).isEqualTo("2001219");
        assertThat(event(EVE_RECORD).get("event.module")).isEqualTo("suricata");
    }

    @Test
    void readsTopicsInTheirConfiguredFormat() {
        assertThat(parser.formatOf(SURICATA_TOPIC)).isEqualTo(EventFormat.SURICATA_EVE);
        assertThat(parser.formatOf("soc.events.other")).isEqualTo(EventFormat.AUTO);
        assertThat(parser.parse(bytes(EVE_RECORD), SURICATA_TOPIC, 0, 0).isEvent()).isTrue();
        // Each configured normaliser refuses the other format rather than guessing.
        assertReason(parser.parse(bytes(ECS_RECORD), SURICATA_TOPIC, 0, 0), DeadLetterReason.UNKNOWN_FORMAT);
        assertReason(parser.parse(bytes(EVE_RECORD), ECS_TOPIC, 0, 0), DeadLetterReason.MISSING_TIMESTAMP);
    }

    @Test
    void givesTheSameBytesTheSameId() {
        SecurityEvent first = event(EVE_RECORD);
        SecurityEvent again = parser.parse(bytes(EVE_RECORD), SURICATA_TOPIC, 3, 999).event();
        SecurityEvent other = event(EVE_RECORD.replace("4904", "4905"));

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again).isEqualTo(first);
        assertThat(other.id()).isNotEqualTo(first.id());
        assertThat(first.id()).hasSize(32).matches("[0-9a-f]{32}");
        assertThat(first.get("event.id")).isEqualTo(first.id());
    }

    @Test
    void prefersTheRecordsEventId() {
        assertThat(event("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"event.id\":\"agent-1-42\"}").id())
                .isEqualTo("agent-1-42");
    }

    @Test
    void deadLettersCarryTheSourcePositionBytesAndTime() {
        byte[] value = bytes("{\"@timestamp\":");
        DeadLetter dead = parser.parse(value, MIXED_TOPIC, 7, 1234L).deadLetter();

        assertThat(dead.sourceTopic()).isEqualTo(MIXED_TOPIC);
        assertThat(dead.sourcePartition()).isEqualTo(7);
        assertThat(dead.sourceOffset()).isEqualTo(1234L);
        assertThat(dead.original()).isEqualTo(value);
        assertThat(dead.failedAtMillis()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void empty() {
        assertReason(parse(null), DeadLetterReason.EMPTY);
        assertReason(parse(new byte[0]), DeadLetterReason.EMPTY);
        assertReason(parse(bytes(" \n\t")), DeadLetterReason.EMPTY);
    }

    @Test
    void tooLargeIsRefusedBeforeParsing() {
        String big = "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"message\":\"" + "A".repeat(2 * 1024 * 1024) + "\"}";
        byte[] garbage = new byte[2 * 1024 * 1024];
        Arrays.fill(garbage, (byte) 0xFF);

        DeadLetter dead = assertReason(parse(bytes(big)), DeadLetterReason.TOO_LARGE);
        assertThat(dead.message()).contains("1048576");
        assertReason(parse(garbage), DeadLetterReason.TOO_LARGE);
        assertThat(dead.original()).hasSize(big.length());
    }

    @Test
    void acceptsARecordOfExactlyTheLimit() {
        EventParser small = EventParser.builder().maxRecordBytes(ECS_RECORD.length()).build();

        assertThat(small.parse(bytes(ECS_RECORD), MIXED_TOPIC, 0, 0).isEvent()).isTrue();
        assertReason(small.parse(bytes(ECS_RECORD + " "), MIXED_TOPIC, 0, 0), DeadLetterReason.TOO_LARGE);
    }

    @Test
    void invalidJsonNamesLineAndColumn() {
        DeadLetter truncated = assertReason(parse(bytes(EVE_RECORD.substring(0, 60))), DeadLetterReason.INVALID_JSON);
        assertThat(truncated.message()).contains("end-of-input").contains("line 1, column");

        DeadLetter trailing = assertReason(parse(bytes(ECS_RECORD + " {}")), DeadLetterReason.INVALID_JSON);
        assertThat(trailing.message()).contains("line 1");
        assertReason(parse(bytes("{'@timestamp': 1}")), DeadLetterReason.INVALID_JSON);
        assertReason(parse(bytes("{\"a\":NaN}")), DeadLetterReason.INVALID_JSON);
    }

    @Test
    void invalidUtf8() {
        byte[] latin1 = "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"user\":{\"name\":\"Jos\u00e9 Nguyen\"}}"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] withFf = bytes("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"message\":\"xx\"}");
        withFf[withFf.length - 4] = (byte) 0xFF;

        DeadLetter dead = assertReason(parse(latin1), DeadLetterReason.INVALID_UTF8);
        assertThat(dead.message()).containsIgnoringCase("UTF-8");
        assertReason(parse(withFf), DeadLetterReason.INVALID_UTF8);
    }

    @Test
    void invalidUtf8ThatJacksonWouldDecode() {
        // Overlong NUL and '/', encoded surrogates, code points above U+10FFFF: Jackson reads all of them.
        byte[][] sequences = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
            {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        byte[] before = bytes("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"url\":{\"path\":\"..");
        for (byte[] sequence : sequences) {
            byte[] inValue = join(before, sequence, bytes("etc\"}}"));
            byte[] inName = join(bytes("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"x"), sequence, bytes("\":1}"));

            DeadLetter dead = assertReason(parse(inValue), DeadLetterReason.INVALID_UTF8);
            assertThat(dead.message()).contains("offset " + before.length);
            assertReason(parse(inName), DeadLetterReason.INVALID_UTF8);
        }
    }

    @Test
    void utf16AndUtf32AreNotRead() throws Exception {
        for (String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE", "UTF-32")) {
            byte[] value = ECS_RECORD.getBytes(charset);
            assertReason(parse(value), DeadLetterReason.INVALID_UTF8);
        }
    }

    @Test
    void readsUtf8WithAByteOrderMark() {
        assertThat(parse(join(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes(ECS_RECORD))).isEvent()).isTrue();
    }

    @Test
    void aNulByteInsideTheRecordIsInvalidJson() {
        assertReason(parse(bytes(ECS_RECORD.replace("kind\":\"event", "kind\":\"ev\u0000ent"))),
                DeadLetterReason.INVALID_JSON);
    }

    @Test
    void randomBytesBecomeDeadLetters() {
        Random random = new Random(20240501L);
        for (int i = 0; i < 500; i++) {
            byte[] value = new byte[1 + random.nextInt(2000)];
            random.nextBytes(value);
            ParseResult result = parse(value);
            assertThat(result.isEvent()).as("random record %d", i).isFalse();
            assertThat(result.deadLetter().reason()).isNotEqualTo(DeadLetterReason.NORMALISER_ERROR);
        }
    }

    @Test
    void mangledRecordsNeverThrowNorHitANormaliserBug() {
        Random random = new Random(7L);
        byte[] good = bytes(EVE_RECORD);
        for (int i = 0; i < 3000; i++) {
            byte[] value = Arrays.copyOf(good, random.nextInt(good.length + 1));
            for (int flips = random.nextInt(4); flips > 0 && value.length > 0; flips--) {
                value[random.nextInt(value.length)] = (byte) random.nextInt(256);
            }
            ParseResult result = parse(value);
            if (!result.isEvent()) {
                assertThat(result.deadLetter().reason()).as(new String(value, UTF_8))
                        .isNotEqualTo(DeadLetterReason.NORMALISER_ERROR);
            }
        }
    }

    @Test
    void limitExceededForDeeplyNestedJson() {
        DeadLetter arrays = assertReason(parse(bytes("[".repeat(10_000))), DeadLetterReason.LIMIT_EXCEEDED);
        assertThat(arrays.message()).contains("nesting depth");
        assertReason(parse(bytes("{\"a\":".repeat(10_000))), DeadLetterReason.LIMIT_EXCEEDED);
    }

    @Test
    void acceptsNestingUpToTheLimit() {
        String nested = "{\"a\":".repeat(EventParser.MAX_NESTING_DEPTH - 1) + "1" + "}".repeat(EventParser.MAX_NESTING_DEPTH - 1);
        String record = "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"deep\":" + nested + "}";

        assertThat(parse(bytes(record)).isEvent()).isTrue();
    }

    @Test
    void limitExceededForHugeNumbers() {
        String record = "{\"@timestamp\":" + "9".repeat(5000) + "}";

        assertReason(parse(bytes(record)), DeadLetterReason.LIMIT_EXCEEDED);
    }

    @Test
    void notAnObject() {
        assertThat(assertReason(parse(bytes("[" + EVE_RECORD + "]")), DeadLetterReason.NOT_AN_OBJECT).message())
                .contains("array");
        assertReason(parse(bytes("\"alert\"")), DeadLetterReason.NOT_AN_OBJECT);
        assertReason(parse(bytes("42")), DeadLetterReason.NOT_AN_OBJECT);
        assertReason(parse(bytes("null")), DeadLetterReason.NOT_AN_OBJECT);
    }

    @Test
    void unknownFormat() {
        assertReason(parse(bytes("{\"time\":\"2024-05-01T10:00:00Z\",\"msg\":\"hello\"}")),
                DeadLetterReason.UNKNOWN_FORMAT);
        assertReason(parse(bytes("{}")), DeadLetterReason.UNKNOWN_FORMAT);
    }

    @Test
    void missingTimestamp() {
        assertReason(parse(bytes("{\"event\":{\"kind\":\"event\"},\"source.ip\":\"10.0.0.1\"}")),
                DeadLetterReason.MISSING_TIMESTAMP);
        assertReason(parse(bytes("{\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\"}")),
                DeadLetterReason.MISSING_TIMESTAMP);
        assertReason(parse(bytes("{\"@timestamp\":null,\"event.kind\":\"event\"}")),
                DeadLetterReason.MISSING_TIMESTAMP);
    }

    @Test
    void eventsTimedMoreThanTheSkewAheadOfTheClockAreDeadLettersNotWatermarkJumps() {
        assertThat(parse(bytes(ECS_RECORD.replace("2024-05-01T10:00:00Z", "2024-05-01T12:59:00Z"))).isEvent()).isTrue();
        DeadLetter ahead = assertReason(parse(bytes(ECS_RECORD.replace("2024-05-01T10:00:00Z", "2024-05-01T13:01:00Z"))),
                DeadLetterReason.BAD_TIMESTAMP);
        assertThat(ahead.message()).contains("ahead of the ingest clock");
        assertReason(parse(bytes(ECS_RECORD.replace("2024-05-01T10:00:00Z", "2100-06-01T00:00:00Z"))), DeadLetterReason.BAD_TIMESTAMP);
        EventParser strict = EventParser.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).maxFutureSkew(java.time.Duration.ZERO).build();
        assertThat(strict.parse(bytes(ECS_RECORD.replace("2024-05-01T10:00:00Z", "2024-05-01T12:00:01Z")), ECS_TOPIC, 0, 0L).isEvent())
                .isFalse();
    }

    @Test
    void badTimestamp() {
        assertReason(parse(bytes(ECS_RECORD.replace("2024", "1970"))), DeadLetterReason.BAD_TIMESTAMP);
        assertReason(parse(bytes(ECS_RECORD.replace("2024", "2101"))), DeadLetterReason.BAD_TIMESTAMP);
        assertReason(parse(bytes(EVE_RECORD.replace("2024", "1970"))), DeadLetterReason.BAD_TIMESTAMP);
        assertReason(parse(bytes("{\"@timestamp\":0}")), DeadLetterReason.BAD_TIMESTAMP);
        DeadLetter unreadable = assertReason(parse(bytes(ECS_RECORD.replace("2024-05-01T10:00:00Z", "May 1st"))),
                DeadLetterReason.BAD_TIMESTAMP);
        assertThat(unreadable.message()).contains("May 1st");
    }

    @Test
    void badFieldNamesTheField() {
        DeadLetter ecs = assertReason(parse(bytes(ECS_RECORD.replace("22", "\"abc\""))), DeadLetterReason.BAD_FIELD);
        DeadLetter eve = assertReason(parse(bytes(EVE_RECORD.replace("4904", "\"abc\""))), DeadLetterReason.BAD_FIELD);

        assertThat(ecs.message()).contains("source.port").contains("abc");
        assertThat(eve.message()).contains("source.port");
    }

    @Test
    void survivesJavaSerialisationAsFlinkShipsIt() throws Exception {
        EventParser copy = roundTrip(parser);
        EventParser defaults = roundTrip(EventParser.builder().build());

        assertThat(defaults.parse(bytes(ECS_RECORD), MIXED_TOPIC, 0, 0).isEvent()).isTrue();
        assertThat(copy.parse(bytes(EVE_RECORD), SURICATA_TOPIC, 0, 0)).isEqualTo(parser.parse(bytes(EVE_RECORD),
                SURICATA_TOPIC, 0, 0));
        assertThat(copy.parse(bytes("[".repeat(100)), MIXED_TOPIC, 0, 0).deadLetter().failedAtMillis())
                .isEqualTo(NOW.toEpochMilli());
    }

    private static EventParser roundTrip(EventParser original) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(original);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(buffer.toByteArray()))) {
            return (EventParser) in.readObject();
        }
    }

    private SecurityEvent event(String json) {
        ParseResult result = parse(bytes(json));
        assertThat(result.isEvent()).as("%s", result).isTrue();
        return result.event();
    }

    private ParseResult parse(byte[] value) {
        return parser.parse(value, MIXED_TOPIC, 0, 0L);
    }

    private static DeadLetter assertReason(ParseResult result, DeadLetterReason reason) {
        assertThat(result.isEvent()).as("%s", result).isFalse();
        assertThat(result.deadLetter().reason()).as("%s", result.deadLetter()).isEqualTo(reason);
        assertThat(result.deadLetter().reasonCode()).isEqualTo(reason.code());
        return result.deadLetter();
    }

    private static byte[] join(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
