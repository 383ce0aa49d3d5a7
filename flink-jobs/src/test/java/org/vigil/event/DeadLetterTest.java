package org.vigil.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FAILED_AT = 1714557600000L;

    @Test
    void writesTheDocumentWithReasonSourceAndOriginal() throws Exception {
        byte[] original = "{\"@timestamp\":".getBytes(UTF_8);
        JsonNode doc = JSON.readTree(deadLetter(original).toJson());

        assertThat(doc.path("reason").asText()).isEqualTo("invalid_json");
        assertThat(doc.path("message").asText()).isEqualTo("Unexpected end-of-input (line 1, column 15)");
        assertThat(doc.path("failed_at").asText()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(doc.path("source").path("topic").asText()).isEqualTo("soc.events.edge");
        assertThat(doc.path("source").path("partition").asInt()).isEqualTo(3);
        assertThat(doc.path("source").path("offset").asLong()).isEqualTo(42L);
        assertThat(doc.path("original_size").asInt()).isEqualTo(original.length);
        assertThat(Base64.getDecoder().decode(doc.path("original_base64").asText())).isEqualTo(original);
        assertThat(doc.path("original_utf8").asText()).isEqualTo("{\"@timestamp\":");
    }

    @Test
    void leavesOutTheTextOfInvalidUtf8() throws Exception {
        byte[] original = {'{', (byte) 0xFF, '}'};
        JsonNode doc = JSON.readTree(deadLetter(original).toJsonBytes());

        assertThat(doc.has("original_utf8")).isFalse();
        assertThat(Base64.getDecoder().decode(doc.path("original_base64").asText())).isEqualTo(original);
    }

    @Test
    void leavesOutTheTextOfLargeOriginals() throws Exception {
        byte[] justUnder = new byte[DeadLetter.MAX_UTF8_COPY_BYTES - 1];
        byte[] atLimit = new byte[DeadLetter.MAX_UTF8_COPY_BYTES];
        Arrays.fill(justUnder, (byte) 'a');
        Arrays.fill(atLimit, (byte) 'a');

        assertThat(JSON.readTree(deadLetter(justUnder).toJson()).has("original_utf8")).isTrue();
        assertThat(JSON.readTree(deadLetter(atLimit).toJson()).has("original_utf8")).isFalse();
    }

    @Test
    void copiesTheOriginalBytesInAndOut() {
        byte[] original = "abc".getBytes(UTF_8);
        DeadLetter dead = deadLetter(original);
        original[0] = 'X';
        dead.original()[1] = 'Y';

        assertThat(dead.original()).isEqualTo("abc".getBytes(UTF_8));
    }

    @Test
    void comparesByContent() {
        assertThat(deadLetter("abc".getBytes(UTF_8))).isEqualTo(deadLetter("abc".getBytes(UTF_8)))
                .hasSameHashCodeAs(deadLetter("abc".getBytes(UTF_8)))
                .isNotEqualTo(deadLetter("abd".getBytes(UTF_8)));
    }

    @Test
    void keysBySourcePosition() {
        assertThat(deadLetter(null).kafkaKey()).isEqualTo("soc.events.edge/3/42");
        assertThat(deadLetter(null).original()).isEmpty();
    }

    private static DeadLetter deadLetter(byte[] original) {
        return new DeadLetter(DeadLetterReason.INVALID_JSON, "Unexpected end-of-input (line 1, column 15)",
                "soc.events.edge", 3, 42L, original, FAILED_AT);
    }
}
