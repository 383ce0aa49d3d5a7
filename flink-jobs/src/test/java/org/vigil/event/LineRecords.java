package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Parses hand-written log lines the way the job does: on topics read as CEF, as web logs, or detected per record. */
final class LineRecords {

    static final String CEF_TOPIC = "soc.events.cef";
    static final String WEB_TOPIC = "soc.events.web";
    static final String MIXED_TOPIC = "soc.events.mixed";
    static final String ECS_TOPIC = "soc.events.ecs";
    static final Instant NOW = Instant.parse("2024-05-02T00:00:00Z");

    private LineRecords() {}

    /** A parser configured as the job configures one; each has its own header state, as each Flink task does. */
    static EventParser parser() {
        return EventParser.builder()
                .topicFormat(CEF_TOPIC, EventFormat.CEF)
                .topicFormat(WEB_TOPIC, EventFormat.WEB)
                .topicFormat(ECS_TOPIC, EventFormat.ECS_JSON)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build();
    }

    static ParseResult parse(EventParser parser, String line, String topic) {
        return parser.parse(line.getBytes(UTF_8), topic, 0, 0L);
    }

    static SecurityEvent event(EventParser parser, String line, String topic) {
        ParseResult result = parse(parser, line, topic);
        assertThat(result.isEvent()).as("parsed, not %s", result).isTrue();
        return result.event();
    }

    static DeadLetter deadLetter(EventParser parser, String line, String topic, DeadLetterReason reason) {
        ParseResult result = parse(parser, line, topic);
        assertThat(result.isDeadLetter()).as("dead letter, not %s", result).isTrue();
        assertThat(result.deadLetter().reason()).as("%s", result.deadLetter()).isEqualTo(reason);
        assertThat(result.deadLetter().original()).isEqualTo(line.getBytes(UTF_8));
        return result.deadLetter();
    }
}
