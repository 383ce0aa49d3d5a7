package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Truncated, garbled and spliced Zeek TSV lines, header lines included: each becomes an event or is refused with a
 * reason (a dead letter), never a normaliser bug.
 */
class ZeekLinesManglingTest {

    private static final List<String> LOGS = List.of(ZeekRecords.CONN_TSV, ZeekRecords.DNS_TSV, ZeekRecords.HTTP_TSV,
            ZeekRecords.SSL_TSV);
    private static final String NASTY = "\t,\\x-()#:.0123456789eE\u00e9\ud83d\ude00\u0000T F";

    private final ZeekLineNormaliser zeek = new ZeekLineNormaliser();

    @Test
    void mangledLinesNeverHitANormaliserBug() {
        Random random = new Random(20260302L);
        Map<DeadLetterReason, Integer> reasons = new EnumMap<>(DeadLetterReason.class);
        List<String> bugs = new ArrayList<>();
        int events = 0;
        for (int i = 0; i < 5_000; i++) {
            // One log file as a source sends it, header lines first, with one line mangled.
            List<String> lines = LOGS.get(random.nextInt(LOGS.size())).lines().toList();
            int mangled = random.nextInt(lines.size());
            ZeekTsvHeader header = zeek.defaultHeader();
            for (int n = 0; n < lines.size(); n++) {
                String line = n == mangled ? LineMangler.mangle(random, lines.get(n), lines, NASTY, 6) : lines.get(n);
                try {
                    if (zeek.isHeaderLine(line)) {
                        header = zeek.readHeader(line, header);
                    } else {
                        normalise(line, header);
                        events++;
                    }
                } catch (RejectedEventException e) {
                    reasons.merge(e.reason(), 1, Integer::sum);
                } catch (IllegalArgumentException e) {
                    reasons.merge(DeadLetterReason.BAD_FIELD, 1, Integer::sum);
                } catch (RuntimeException e) {
                    bugs.add(line + " -> " + e);
                }
            }
        }

        assertThat(bugs).as("normaliser bugs").isEmpty();
        assertThat(events).isGreaterThan(2_500);
        assertThat(reasons.keySet()).contains(DeadLetterReason.MALFORMED_LINE, DeadLetterReason.BAD_FIELD,
                DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void pathologicalLinesAreRefusedQuicklyWithoutABug() throws Exception {
        ZeekTsvHeader conn = ZeekTsvHeader.DEFAULT;
        for (String line : ZeekRecords.CONN_TSV.split("\n")) {
            if (zeek.isHeaderLine(line)) {
                conn = zeek.readHeader(line, conn);
            }
        }
        List<String> lines = List.of("1772438400.1\t" + "\t".repeat(300_000),
                "1772438400.1\tC1\t" + "\\x".repeat(200_000),
                "1772438400.1\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t-\t1\t1\t1\tSF\tT\tT\t0\tS\t1\t1\t1\t1\t"
                        + "a,".repeat(200_000) + "\t6",
                "1772438400.1\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t-\t" + "9".repeat(400_000) + "\t1\t1\tSF\tT\tT\t0"
                        + "\tS\t1\t1\t1\t1\t-\t6");
        for (String line : lines) {
            for (ZeekTsvHeader header : List.of(ZeekTsvHeader.DEFAULT, conn)) {
                try {
                    normalise(line, header);
                } catch (RejectedEventException e) {
                    assertThat(e.reason()).isIn(DeadLetterReason.MALFORMED_LINE, DeadLetterReason.BAD_FIELD);
                } catch (IllegalArgumentException e) {
                    // bad_field from the event schema: refused with a reason too.
                }
            }
        }
    }

    private void normalise(String line, ZeekTsvHeader header) throws RejectedEventException {
        SecurityEvent.Builder event = SecurityEvent.builder();
        zeek.normalise(line, header, event);
        event.id("x").build();
    }
}
