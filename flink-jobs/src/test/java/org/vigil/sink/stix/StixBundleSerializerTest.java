package org.vigil.sink.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.alert.Severity;
import org.vigil.event.SecurityEvent;

/**
 * The feed's records: one per validated bundle, keyed by the alert id, so an alert re-sent after an escalation (a
 * repeat merged in) lands on the partition and key of the alert it repeats.
 */
class StixBundleSerializerTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private final StixBundleSerializer serializer = new StixBundleSerializer("ncsc.stix");
    private final StixBundleMapper mapper = StixBundleMapper.builder().build();

    @Test
    void eachShareIsOneRecordKeyedByTheAlertIdAndARepeatKeepsTheKeyOfItsAlert() {
        Alert first = scan(0, "p1");
        ProducerRecord<byte[], byte[]> record = serializer.serialize(share(first), null, 42L);
        assertThat(record.topic()).isEqualTo("ncsc.stix");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(first.id());
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(mapper.toJson(first))
                .contains("\"external_id\":\"" + first.id() + "\"");
        assertThat(record.timestamp()).as("the send time, so retention cannot delete a backfill's bundles at once").isNull();

        Alert repeated = first.withRepeat(scan(60, "p2"));
        ProducerRecord<byte[], byte[]> again = serializer.serialize(share(repeated), null, null);
        assertThat(again.key()).as("the key of the alert it repeats").isEqualTo(record.key());
        // A new alert after the period has its own key.
        assertThat(serializer.serialize(share(scan(900, "p3")), null, null).key()).isNotEqualTo(record.key());
        assertThatThrownBy(() -> new StixBundleSerializer(" ")).hasMessageContaining("topic");
    }

    private StixShare share(Alert alert) {
        return new StixShare(alert.id(), mapper.toJson(alert));
    }

    private static Alert scan(int second, String eventId) {
        SecurityEvent probe = SecurityEvent.builder().timestamp(T0.plusSeconds(second)).id(eventId)
                .put("source.ip", "198.51.100.23").put("destination.ip", "10.20.0.5").put("destination.port", 22).build();
        return Alert.builder().ruleId("vigil-network-service-scan").ruleName("One source probing many ports")
                .severity(Severity.MEDIUM).tacticIds(List.of("TA0007")).techniqueIds(List.of("T1046"))
                .partition("source.ip", "198.51.100.23").timestampMillis(probe.timestampMillis())
                .triggeringEvents(List.of(probe), 10).build();
    }
}
