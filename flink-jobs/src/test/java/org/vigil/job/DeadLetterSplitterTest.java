package org.vigil.job;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.vigil.event.DeadLetterReason;
import org.vigil.event.EventFormat;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;

class DeadLetterSplitterTest {

    private static final String TOPIC = "soc.events.web";

    @Test
    void eventsGoOnDeadLettersAsideAndHeaderLinesNowhere() throws Exception {
        EventParser parser = EventParser.builder().topicFormat(TOPIC, EventFormat.WEB).build();
        ParseResult header = parse(parser, "#Fields: date time c-ip cs-method cs-uri-stem sc-status");
        ParseResult event = parse(parser, "2024-05-01 10:00:00 10.0.0.1 GET / 200");
        ParseResult deadLetter = parse(parser, "2024-05-01 10:00:00 10.0.0.1 GET /");
        assertThat(header.isHeaderLine()).isTrue();

        try (OneInputStreamOperatorTestHarness<ParseResult, SecurityEvent> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new DeadLetterSplitter())) {
            h.processElement(header, 0L);
            h.processElement(event, 0L);
            h.processElement(deadLetter, 0L);

            assertThat(h.extractOutputValues()).containsExactly(event.event());
            assertThat(h.getSideOutput(DeadLetterSplitter.DEAD_LETTERS)).hasSize(1);
            assertThat(h.getSideOutput(DeadLetterSplitter.DEAD_LETTERS).peek().getValue().reason())
                    .isEqualTo(DeadLetterReason.MALFORMED_LINE);
        }
    }

    private static ParseResult parse(EventParser parser, String line) {
        return parser.parse(line.getBytes(UTF_8), TOPIC, 0, 0L);
    }
}
