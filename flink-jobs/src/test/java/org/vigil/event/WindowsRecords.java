package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** Parses hand-written Windows event records the way the job does, on a topic detected per record. */
final class WindowsRecords {

    static final String MIXED_TOPIC = "soc.events.mixed";
    static final String WINDOWS_TOPIC = "soc.events.windows";
    static final String ECS_TOPIC = "soc.events.ecs";

    private static final EventParser PARSER = EventParser.builder()
            .topicFormat(WINDOWS_TOPIC, EventFormat.WINDOWS)
            .topicFormat(ECS_TOPIC, EventFormat.ECS_JSON)
            .build();

    private WindowsRecords() {}

    /**
     * Records are written with Windows paths as they read ({@code C:\Windows}); the backslashes are escaped for
     * JSON here, so records must not use JSON escapes themselves.
     */
    static ParseResult parse(String record, String topic) {
        return parseJson(json(record), topic);
    }

    /** The record as JSON text: its backslashes escaped. */
    static String json(String record) {
        return record.replace("\\", "\\\\");
    }

    /** Parses JSON text as it is, for records that need JSON escapes. */
    static ParseResult parseJson(String json, String topic) {
        return PARSER.parse(json.getBytes(UTF_8), topic, 0, 0L);
    }

    static SecurityEvent event(String record) {
        return event(record, MIXED_TOPIC);
    }

    static SecurityEvent event(String record, String topic) {
        ParseResult result = parse(record, topic);
        assertThat(result.isEvent()).as("parsed, not %s", result.isEvent() ? null : result.deadLetter()).isTrue();
        return result.event();
    }

    static DeadLetter deadLetter(String record, String topic) {
        ParseResult result = parse(record, topic);
        assertThat(result.isEvent()).as("dead letter").isFalse();
        return result.deadLetter();
    }
}
