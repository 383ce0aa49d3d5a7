package org.vigil.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A record on the rules status topic: what the running job did with one record of the rules topic, which
 * record that was (partition and offset), when, and who decided. One record per rules-topic record, from
 * the job's single rule-deployment gate, not one per parallel instance.
 *
 * <pre>
 * {"rule_id": "vigil-x", "version": 2, "previous_version": 1, "outcome": "refused",
 *  "error": {"file": "x.epl", "line": 27, "reason": "EPL does not compile: ...", "message": "x.epl:27: EPL ..."},
 *  "time": "2026-03-02T08:00:00Z", "reporter": {"job_id": "...", "task": "rule-deployment-gate", "subtask": 0},
 *  "source": {"topic": "vigil.rules", "partition": 0, "offset": 17}}
 * </pre>
 *
 * @param version the version the record carried (null when it could not be read)
 * @param previousVersion the version running before (null when none)
 * @param error why the record was refused (null unless {@link RuleOutcome#REFUSED})
 */
public record RuleStatus(String ruleId, Integer version, Integer previousVersion, RuleOutcome outcome,
                         RuleException error, Instant time, Reporter reporter, Source source) implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The job, task and subtask that reported the outcome. */
    public record Reporter(String jobId, String task, int subtask) implements Serializable {}

    /** The rules-topic record the status answers. */
    public record Source(String topic, int partition, long offset) implements Serializable {}

    public RuleStatus {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(reporter, "reporter");
        Objects.requireNonNull(source, "source");
        // Without the cause: compiler exceptions need not serialize, and the message says what is wrong.
        error = error == null ? null : new RuleException(error.file(), error.line(), error.reason());
        if ((outcome == RuleOutcome.REFUSED) != (error != null)) {
            throw new IllegalArgumentException("a refused rule has an error, and only a refused rule: " + outcome);
        }
    }

    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("rule_id", ruleId);
        putNullable(node, "version", version);
        putNullable(node, "previous_version", previousVersion);
        node.put("outcome", outcome.wireName());
        if (error != null) {
            ObjectNode e = node.putObject("error");
            e.put("file", error.file());
            e.put("line", error.line());
            e.put("reason", error.reason());
            e.put("message", error.getMessage());
        }
        node.put("time", time.toString());
        ObjectNode r = node.putObject("reporter");
        r.put("job_id", reporter.jobId());
        r.put("task", reporter.task());
        r.put("subtask", reporter.subtask());
        ObjectNode s = node.putObject("source");
        s.put("topic", source.topic());
        s.put("partition", source.partition());
        s.put("offset", source.offset());
        return node;
    }

    /** Reads a status record written by {@link #toJson}. */
    public static RuleStatus fromJson(byte[] json) throws IOException {
        JsonNode n = JSON.readTree(json);
        RuleException error = null;
        if (n.hasNonNull("error")) {
            JsonNode e = n.get("error");
            error = new RuleException(e.path("file").asText(), e.path("line").asInt(), e.path("reason").asText());
        }
        JsonNode r = n.path("reporter");
        JsonNode s = n.path("source");
        return new RuleStatus(n.path("rule_id").asText(), nullableInt(n, "version"), nullableInt(n, "previous_version"),
                RuleOutcome.fromWireName(n.path("outcome").asText()), error, Instant.parse(n.path("time").asText()),
                new Reporter(r.path("job_id").asText(), r.path("task").asText(), r.path("subtask").asInt()),
                new Source(s.path("topic").asText(), s.path("partition").asInt(), s.path("offset").asLong()));
    }

    /** One line for people: outcome, rule, versions and the error of a refusal. */
    public String describe() {
        StringBuilder b = new StringBuilder(String.format("%-10s %s", outcome.wireName(), ruleId));
        if (version != null) {
            b.append(" v").append(version);
        }
        if (previousVersion != null && !previousVersion.equals(version)) {
            b.append(" (was v").append(previousVersion).append(')');
        }
        if (error != null) {
            b.append(": ").append(error.getMessage());
        }
        return b.toString();
    }

    private static void putNullable(ObjectNode node, String name, Integer value) {
        if (value == null) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    private static Integer nullableInt(JsonNode n, String name) {
        return n.hasNonNull(name) ? n.get(name).asInt() : null;
    }
}
