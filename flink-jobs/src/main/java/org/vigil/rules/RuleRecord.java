package org.vigil.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The value of a record on the rules topic: a rule file's path (relative to the rules directory, for
 * messages) and its full text. The record's key is the rule id; a record without value (tombstone)
 * undeploys the rule.
 *
 * <pre>{"file": "credential-access/brute-force-then-success.epl", "text": "/**\n * @id ..."}</pre>
 */
public record RuleRecord(String file, String text) implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public RuleRecord {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
    }

    /** The record of a loaded rule. */
    public static RuleRecord of(RuleDefinition rule) {
        return new RuleRecord(rule.sourceFile(), rule.epl());
    }

    /** Parses and checks the rule's metadata (not its EPL). */
    public RuleDefinition definition() throws RuleException {
        return RuleFileParser.parse(file, text);
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("file", file);
        node.put("text", text);
        return node.toString();
    }

    public byte[] toBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a record value; a value that is not such JSON is refused naming what is wrong. */
    public static RuleRecord parse(String json) throws RuleException {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new RuleException("(rules topic)", 0, "the record is not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject() || !node.path("text").isTextual()) {
            throw new RuleException("(rules topic)", 0, "the record must be a JSON object with \"file\" and \"text\" (the rule file); publish with 'bin/vigil rules deploy'");
        }
        String file = node.path("file").isTextual() ? node.get("file").asText() : "(rules topic)";
        return new RuleRecord(file, node.get("text").asText());
    }
}
