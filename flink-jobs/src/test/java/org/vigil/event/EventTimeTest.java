package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EventTimeTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @ParameterizedTest
    @CsvSource({
        "2017-03-24T18:57:57.162391+0000, 2017-03-24T18:57:57.162Z",
        "2015-03-29T11:01:38.221126-0600, 2015-03-29T17:01:38.221Z",
        "2019-01-02T03:50:11.315110, 2019-01-02T03:50:11.315Z",
        "2024-05-01T10:00:00Z, 2024-05-01T10:00:00Z",
        "2024-05-01T10:00:00.123Z, 2024-05-01T10:00:00.123Z",
        "2024-05-01T10:00:00.123456789Z, 2024-05-01T10:00:00.123Z",
        "2024-05-01T12:00:00+02:00, 2024-05-01T10:00:00Z",
        "2024-05-01T12:00+02:00, 2024-05-01T10:00:00Z",
        "2024-05-01t10:00:00z, 2024-05-01T10:00:00Z",
        "1714557600000, 2024-05-01T10:00:00Z",
    })
    void readsIsoVariantsAndEpochMillisText(String text, String expected) throws Exception {
        assertThat(EventTime.parse(NODES.textNode(text), "@timestamp")).isEqualTo(Instant.parse(expected).toEpochMilli());
    }

    @Test
    void readsEpochMillisNumbers() throws Exception {
        assertThat(EventTime.parse(NODES.numberNode(1714557600000L), "@timestamp")).isEqualTo(1714557600000L);
        assertThat(EventTime.parse(NODES.numberNode(1714557600000.7), "@timestamp")).isEqualTo(1714557600000L);
    }

    @Test
    void acceptsTheEdgesOfTheSaneRange() throws Exception {
        assertThat(EventTime.parse(NODES.textNode("1990-01-01T00:00:00Z"), "t")).isEqualTo(EventTime.MIN_MILLIS);
        assertThat(EventTime.parse(NODES.textNode("2100-12-31T23:59:59.999Z"), "t")).isEqualTo(EventTime.END_MILLIS - 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1970-01-01T00:00:00Z", "1989-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "0",
        "yesterday", "2024-02-30T00:00:00Z", "2024-05-01 10:00:00", "2024-05-01T25:00:00Z",
        "2024-05-01T10:00:00+19:00", "2024-05-01"})
    void refusesUnreadableOrInsaneTimes(String text) {
        assertReason(NODES.textNode(text), DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void refusesEpochMillisTextBeyondALong() {
        assertReason(NODES.textNode("9999999999999999999"), DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void readsEpochMillisInAsciiDigitsOnly() {
        // 1714557600000 in Arabic-Indic and in fullwidth digits.
        assertReason(NODES.textNode("\u0661\u0667\u0661\u0664\u0665\u0665\u0667\u0666\u0660\u0660\u0660\u0660\u0660"),
                DeadLetterReason.BAD_TIMESTAMP);
        assertReason(NODES.textNode("\uff11\uff17\uff11\uff14\uff15\uff15\uff17\uff16\uff10\uff10\uff10\uff10\uff10"),
                DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void refusesNonScalarTimes() {
        assertReason(NODES.objectNode(), DeadLetterReason.BAD_TIMESTAMP);
        assertReason(NODES.booleanNode(true), DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void reportsAbsentTimesAsMissing() {
        assertReason(null, DeadLetterReason.MISSING_TIMESTAMP);
        assertReason(NODES.nullNode(), DeadLetterReason.MISSING_TIMESTAMP);
        assertReason(NODES.textNode(" "), DeadLetterReason.MISSING_TIMESTAMP);
    }

    private static void assertReason(JsonNode node, DeadLetterReason reason) {
        assertThatThrownBy(() -> EventTime.parse(node, "@timestamp"))
                .isInstanceOfSatisfying(RejectedEventException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining("@timestamp");
    }
}
