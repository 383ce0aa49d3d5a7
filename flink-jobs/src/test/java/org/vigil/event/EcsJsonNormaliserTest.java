package org.vigil.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EcsJsonNormaliserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // Shaped like a Winlogbeat 4625 (failed logon) record, trimmed.
    private static final String NESTED = """
            {"@timestamp":"2024-05-01T10:00:00.123Z",
             "event":{"kind":"event","category":["authentication"],"type":["start"],"action":"logon-failed",
                      "outcome":"failure","code":"4625","module":"security","provider":"Microsoft-Windows-Security-Auditing"},
             "source":{"ip":"203.0.113.7","port":"51234","geo":{"country_iso_code":"VN"}},
             "user":{"name":"administrator","domain":"GOV"},
             "host":{"name":"dc01","ip":["10.0.0.5","fe80::1"],"os":{"family":"windows"}},
             "winlog":{"event_id":4625,"logon":{"failure":{"reason":"bad password"}},"opcode":null,"keywords":[]},
             "ecs":{"version":"8.11.0"},
             "agent":{"type":"winlogbeat","ephemeral":false},
             "cloud":{"confidence":0.75}}
            """;

    @Test
    void flattensNestedObjectsToDottedNames() throws Exception {
        SecurityEvent event = normalise(NESTED);

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00.123Z"));
        assertThat(event.get("event.category")).isEqualTo(List.of("authentication"));
        assertThat(event.get("event.code")).isEqualTo("4625");
        assertThat(event.get("source.ip")).isEqualTo("203.0.113.7");
        assertThat(event.get("source.port")).isEqualTo(51234L);
        assertThat(event.get("user.name")).isEqualTo("administrator");
        assertThat(event.get("host.ip")).isEqualTo(List.of("10.0.0.5", "fe80::1"));
        assertThat(event.get("host.os.family")).isEqualTo("windows");
    }

    @Test
    void keepsFieldsOutsideTheSchemaAsPlainValues() throws Exception {
        SecurityEvent event = normalise(NESTED);

        assertThat(event.get("source.geo.country_iso_code")).isEqualTo("VN");
        assertThat(event.get("winlog.event_id")).isEqualTo(4625L);
        assertThat(event.get("winlog.logon.failure.reason")).isEqualTo("bad password");
        assertThat(event.get("agent.ephemeral")).isEqualTo(false);
        assertThat(event.get("cloud.confidence")).isEqualTo(0.75);
        assertThat(event.get("ecs.version")).isEqualTo("8.11.0");
        assertThat(event.fields()).doesNotContainKeys("@timestamp", "winlog.opcode", "winlog.keywords",
                "event.original");
    }

    @Test
    void readsDottedKeysAndMixedNesting() throws Exception {
        SecurityEvent event = normalise("""
                {"@timestamp":"2024-05-01T10:00:00Z","source.ip":"198.51.100.1","destination":{"port":443},
                 "url":{"original":"https://portal.gov.example/login","domain":"portal.gov.example"},
                 "http.response":{"status_code":200},"event.category":"web"}
                """);

        assertThat(event.get("source.ip")).isEqualTo("198.51.100.1");
        assertThat(event.get("destination.port")).isEqualTo(443L);
        assertThat(event.get("url.domain")).isEqualTo("portal.gov.example");
        assertThat(event.get("http.response.status_code")).isEqualTo(200L);
        assertThat(event.get("event.category")).isEqualTo(List.of("web"));
    }

    @Test
    void keepsObjectsInsideArraysAsJsonText() throws Exception {
        SecurityEvent event = normalise("""
                {"@timestamp":"2024-05-01T10:00:00Z",
                 "threat":{"technique":[{"id":"T1110","name":"Brute Force"}]},
                 "tags":["beats_input",null,7]}
                """);

        assertThat(event.get("threat.technique")).isEqualTo(List.of("{\"id\":\"T1110\",\"name\":\"Brute Force\"}"));
        assertThat(event.get("tags")).isEqualTo(List.of("beats_input", "7"));
    }

    @Test
    void usesTheRecordsEventId() throws Exception {
        SecurityEvent.Builder builder = builder("""
                {"@timestamp":"2024-05-01T10:00:00Z","event":{"id":"wlb-8f2c"}}
                """);

        assertThat(builder.hasId()).isTrue();
        assertThat(builder.build().id()).isEqualTo("wlb-8f2c");
    }

    @Test
    void leavesTheIdUnsetWithoutEventId() throws Exception {
        assertThat(builder("{\"@timestamp\":\"2024-05-01T10:00:00Z\"}").hasId()).isFalse();
    }

    @Test
    void readsEpochMillisTimestamps() throws Exception {
        assertThat(normalise("{\"@timestamp\":1714557600000}").timestamp())
                .isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    }

    @Test
    void unwrapsOneElementArraysOfSingleValuedFields() throws Exception {
        assertThat(normalise("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"source\":{\"port\":[22]}}")
                .get("source.port")).isEqualTo(22L);
    }

    @Test
    void refusesSeveralValuesForASingleValuedField() {
        assertThatThrownBy(() -> normalise("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"source\":{\"ip\":[\"a\",\"b\"]}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source.ip");
    }

    @Test
    void refusesWrongTypesNamingTheField() {
        assertThatThrownBy(() -> normalise("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"source\":{\"port\":\"ssh\"}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source.port");
    }

    @Test
    void refusesAnObjectWhereAKnownFieldHasAValue() {
        // Nested, or through a dotted key: either way source.port would vanish and source.port.number appear.
        for (String json : List.of(
                "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"source\":{\"port\":{\"number\":22}}}",
                "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"source.port\":{\"number\":22}}",
                "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"source\":{\"port.number\":22}}",
                "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"source.port.number\":22}",
                "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"source\":{\"port\":{}}}")) {
            assertThatThrownBy(() -> normalise(json)).as(json)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("source.port").hasMessageContaining("an object");
        }
    }

    @Test
    void refusesObjectsOrArraysInsideAKnownFieldsArray() {
        assertThatThrownBy(() -> normalise("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"source\":{\"ip\":[{\"v4\":\"a\"}]}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source.ip");
        assertThatThrownBy(() -> normalise("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"event\":{\"category\":[[\"web\"]]}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event.category");
    }

    @Test
    void requiresTheTimestamp() {
        assertThatThrownBy(() -> normalise("{\"event\":{\"kind\":\"event\"}}"))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.MISSING_TIMESTAMP));
    }

    private static SecurityEvent normalise(String json) throws Exception {
        SecurityEvent.Builder builder = builder(json);
        return builder.hasId() ? builder.build() : builder.id("test").build();
    }

    private static SecurityEvent.Builder builder(String json) throws Exception {
        SecurityEvent.Builder builder = SecurityEvent.builder();
        new EcsJsonNormaliser().normalise(JSON.readTree(json), builder);
        return builder;
    }
}
