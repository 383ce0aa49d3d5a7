package org.vigil.job;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.vigil.event.DeadLetter;
import org.vigil.event.ParseResult;
import org.vigil.event.SecurityEvent;

/**
 * Passes parsed events on and sends dead letters to {@link #DEAD_LETTERS}, counting them per reason; header lines
 * of line formats (IIS {@code #Fields:}), which the parser has kept for the lines after them, are only counted.
 */
public final class DeadLetterSplitter extends ProcessFunction<ParseResult, SecurityEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new JavaSerializedTypeInfo<>(DeadLetter.class));

    private transient Counter deadLetters;
    private transient Map<String, Counter> byReason;
    private transient Counter headerLines;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        byReason = new HashMap<>();
        headerLines = getRuntimeContext().getMetricGroup().counter("headerLines");
    }

    @Override
    public void processElement(ParseResult result, Context ctx, Collector<SecurityEvent> out) {
        if (result.isEvent()) {
            out.collect(result.event());
            return;
        }
        if (result.isHeaderLine()) {
            headerLines.inc();
            return;
        }
        DeadLetter deadLetter = result.deadLetter();
        deadLetters.inc();
        byReason.computeIfAbsent(deadLetter.reasonCode(),
                reason -> getRuntimeContext().getMetricGroup().addGroup("reason", reason).counter("deadLetters")).inc();
        ctx.output(DEAD_LETTERS, deadLetter);
    }
}
