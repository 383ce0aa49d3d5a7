package org.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vigil.event.DeadLetter;
import org.vigil.event.EventFormat;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;

class HostileRecordsTest {

    /** The sequence {@link HostileInputIT} produces: each of its records is checked here, without servers. */
    static final long SEED = 20260302L;
    static final int COUNT = 100_000;

    private static final Map<EventFormat, String> TOPICS = Map.of(
            EventFormat.ECS_JSON, "fuzz.ecs", EventFormat.SURICATA_EVE, "fuzz.suricata", EventFormat.AUTO, "fuzz.mixed");

    // Configured as the job configures its source parser.
    private final EventParser parser = EventParser.builder()
            .defaultFormat(EventFormat.AUTO)
            .topicFormat(TOPICS.get(EventFormat.ECS_JSON), EventFormat.ECS_JSON)
            .topicFormat(TOPICS.get(EventFormat.SURICATA_EVE), EventFormat.SURICATA_EVE)
            .build();

    @Test
    void everyRecordIsRefusedWithTheReasonItsKindExpects() {
        Map<HostileRecords.Kind, Integer> counts = new EnumMap<>(HostileRecords.Kind.class);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            HostileRecords.Hostile record = HostileRecords.record(SEED, i);
            ParseResult result = parser.parse(record.value(), TOPICS.get(record.format()), 0, i);
            if (result.isEvent()) {
                wrong.add(record.fuzzId() + " " + record.kind() + " became an event: " + result.event());
            } else if (result.deadLetter().reason() != record.expected()) {
                DeadLetter dead = result.deadLetter();
                wrong.add(record.fuzzId() + " " + record.kind() + " on " + record.format() + ": expected "
                        + record.expected().code() + ", got " + dead.reasonCode() + " (" + dead.message() + ")");
            }
            counts.merge(record.kind(), 1, Integer::sum);
        }

        assertThat(wrong).as("records not refused as expected (%d)", wrong.size()).isEmpty();
        assertThat(counts.keySet()).containsExactlyInAnyOrder(HostileRecords.Kind.values());
        assertThat(counts.get(HostileRecords.Kind.OVERSIZED)).isEqualTo(COUNT / HostileRecords.OVERSIZED_EVERY);
    }

    @Test
    void theSameSeedAndIndexGiveTheSameRecord() {
        for (int i = 0; i < 500; i++) {
            HostileRecords.Hostile a = HostileRecords.record(SEED, i);
            HostileRecords.Hostile b = HostileRecords.record(SEED, i);
            assertThat(b.value()).isEqualTo(a.value());
            assertThat(b.format()).isEqualTo(a.format());
            assertThat(b.fuzzId()).isEqualTo(a.fuzzId());
        }
        assertThat(HostileRecords.record(SEED + 1, 3).value()).isNotEqualTo(HostileRecords.record(SEED, 3).value());
    }

    @Test
    void theEventsMutatedIntoHostileOnesAreValidThemselves() {
        Random random = new Random(SEED);
        for (EventFormat format : TOPICS.keySet()) {
            for (int i = 0; i < 2_000; i++) {
                byte[] value = HostileRecords.validRecord(random, format).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ParseResult result = parser.parse(value, TOPICS.get(format), 0, i);
                assertThat(result.isEvent()).as("%s", result).isTrue();
            }
        }
    }

    @Test
    void onlyOversizedRecordsAreLarge() {
        for (int i = 0; i < 20_000; i++) {
            HostileRecords.Hostile record = HostileRecords.record(SEED, i);
            int size = record.value() == null ? 0 : record.value().length;
            if (record.kind() == HostileRecords.Kind.OVERSIZED) {
                assertThat(size).isGreaterThan(EventParser.DEFAULT_MAX_RECORD_BYTES);
            } else {
                assertThat(size).as(record.fuzzId() + " " + record.kind()).isLessThanOrEqualTo(32 * 1024);
            }
        }
    }
}
