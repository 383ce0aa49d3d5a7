package org.vigil.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vigil.alert.Alert;
import org.vigil.alert.AlertDocument;
import org.vigil.alert.Severity;
import org.vigil.event.SecurityEvent;

class AlertIndexTemplateTest {
    private static final Path ECS_FLAT =
            Path.of(System.getProperty("vigil.shared.data", "../../shared/data"), "ecs", "ecs_flat.yml");
    /** Types ECS uses that need a plugin absent from some clusters; keyword indexes the same values. */
    private static final Map<String, String> PORTABLE = Map.of("wildcard", "keyword", "constant_keyword", "keyword");

    @Test
    void mapsEveryFieldOfAnAlertDocumentExplicitly() {
        Map<String, String> mapped = leafTypes(mappingProperties(), "");
        // A repeated alert's document has every field a first one has, and its latest repeat.
        ObjectNode doc = AlertDocument.toJson(sampleAlert().withRepeat(sampleAlert().toBuilder()
                .timestampMillis(1_700_000_120_000L).detail("failures", 30).build()));

        for (String field : leafFields(doc, "")) {
            assertThat(mapped).as("mapping of %s", field).containsKey(field);
        }
        assertThat(leafFields(doc, "")).contains("vigil.occurrences", "vigil.last_occurrence.@timestamp");
    }

    @Test
    void declaresEcsTypesForEcsFields() throws IOException {
        JsonNode ecs = new YAMLMapper().readTree(Files.readString(ECS_FLAT));
        Map<String, String> mapped = leafTypes(mappingProperties(), "");
        int checked = 0;
        for (Map.Entry<String, String> f : mapped.entrySet()) {
            JsonNode ecsField = ecs.get(f.getKey());
            if (ecsField == null) {
                assertThat(f.getKey()).as("non-ECS field must be ours").startsWith("vigil.");
                continue;
            }
            String ecsType = ecsField.get("type").asText();
            assertThat(f.getValue()).as("type of %s", f.getKey()).isEqualTo(PORTABLE.getOrDefault(ecsType, ecsType));
            checked++;
        }
        assertThat(checked).isGreaterThan(30);
    }

    @Test
    void entityAddressesAreIpTypedAndOpenEndedPartsAreFlattened() {
        Map<String, String> mapped = leafTypes(mappingProperties(), "");

        assertThat(mapped).containsEntry("source.ip", "ip").containsEntry("destination.ip", "ip")
                .containsEntry("host.ip", "ip").containsEntry("user.name", "keyword")
                .containsEntry("@timestamp", "date").containsEntry("event.severity", "long")
                .containsEntry("vigil.details", "flattened").containsEntry("vigil.evidence", "flattened");
        assertThat(AlertIndexTemplate.settingsAndMappings().at("/settings/index/refresh_interval").asText()).isEqualTo("1s");
    }

    @Test
    void requestTargetsTheIndexPatternAndKeepsTheMappingThroughTheTypedClient() {
        String body = serialize(AlertIndexTemplate.request("vigil-alerts"));
        JsonNode json = readTree(body);

        assertThat(json.get("index_patterns").get(0).asText()).isEqualTo("vigil-alerts*");
        assertThat(json.get("priority").asLong()).isEqualTo(AlertIndexTemplate.PRIORITY);
        assertThat(json.at("/template/settings/index/refresh_interval").asText()).isEqualTo("1s");
        // The typed model must not lose anything on the way (it only adds "type": "object" and reorders).
        assertThat(leafTypes(json.at("/template/mappings/properties"), "")).isEqualTo(leafTypes(mappingProperties(), ""));
        assertThat(json.at("/template/mappings/date_detection").asBoolean(true)).isFalse();
        assertThat(json.at("/template/mappings/dynamic_templates/0/entity_strings_as_keyword/mapping/type").asText())
                .isEqualTo("keyword");
        assertThat(json.at("/template/mappings/properties/vigil/properties/evidence/ignore_above").asInt()).isEqualTo(1024);
    }

    private static JsonNode mappingProperties() {
        return AlertIndexTemplate.settingsAndMappings().at("/mappings/properties");
    }

    /** Dotted field name to type; a node without sub-properties (including flattened) is a leaf. */
    private static Map<String, String> leafTypes(JsonNode properties, String prefix) {
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = prefix + f.getKey();
            if (f.getValue().has("properties")) {
                out.putAll(leafTypes(f.getValue().get("properties"), name + "."));
            } else {
                out.put(name, f.getValue().get("type").asText());
            }
        }
        return out;
    }

    /** Dotted names of a document's leaves, stopping at the flattened fields. */
    private static Set<String> leafFields(JsonNode node, String prefix) {
        Set<String> out = new java.util.TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = prefix + f.getKey();
            if (f.getValue().isObject() && !name.equals("vigil.details") && !name.equals("vigil.last_occurrence.details")) {
                out.addAll(leafFields(f.getValue(), name + "."));
            } else {
                out.add(name);
            }
        }
        return out;
    }

    static Alert sampleAlert() {
        SecurityEvent e = SecurityEvent.builder().id("evt-1").timestampMillis(1_700_000_000_000L)
                .put("source.ip", "203.0.113.7").put("destination.ip", "10.0.0.5").put("user.name", "alice")
                .put("host.name", "mail-01").put("event.action", "logon-failed").build();
        return Alert.builder().ruleId("brute-force-ssh").ruleName("SSH brute force").ruleDescription("many failures")
                .severity(Severity.HIGH).tacticIds(List.of("TA0006")).techniqueIds(List.of("T1110.001"))
                .partition("source.ip", "203.0.113.7").timestampMillis(1_700_000_060_000L)
                .detail("failures", 12).triggeringEvents(List.of(e), 10).build();
    }

    private static String serialize(co.elastic.clients.json.JsonpSerializable value) {
        JacksonJsonpMapper mapper = new JacksonJsonpMapper();
        StringWriter out = new StringWriter();
        try (var generator = mapper.jsonProvider().createGenerator(out)) {
            value.serialize(generator, mapper);
        }
        return out.toString();
    }

    private static JsonNode readTree(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
