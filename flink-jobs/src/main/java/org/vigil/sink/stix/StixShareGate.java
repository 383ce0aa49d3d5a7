package org.vigil.sink.stix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.alert.Alert;
import org.vigil.event.DeadLetter;
import org.vigil.event.DeadLetterReason;
import org.vigil.job.JavaSerializedTypeInfo;

/**
 * The last stage before the NCSC feed: maps each alert to share into its STIX bundle under the sharing policy,
 * validates it (OASIS schemas when a schemas folder is configured, always the checks schemas cannot do) and passes
 * on only valid bundles; an invalid one goes to the dead-letter topic with the problems, never to the feed.
 */
public final class StixShareGate extends ProcessFunction<Alert, StixShare> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StixShareGate.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Dead letters carry at most this many problems; the rest are counted. */
    static final int MAX_PROBLEMS = 20;

    /** Bundles refused by validation. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("invalid-stix", new JavaSerializedTypeInfo<>(DeadLetter.class));
    /** One audit record per object of every bundle passed on. */
    public static final OutputTag<ShareAudit> AUDIT =
            new OutputTag<>("share-audit", new JavaSerializedTypeInfo<>(ShareAudit.class));

    private final StixBundleMapper mapper;
    private final String schemasDir;
    private final String collection;
    private transient StixValidator validator;
    private transient Clock clock;
    private transient Counter refused;

    /**
     * @param schemasDir the OASIS 'schemas' folder, or null to check only what schemas cannot
     * @param collection where the bundles go (the feed topic), named in audit records
     */
    public StixShareGate(StixBundleMapper mapper, String schemasDir, String collection) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.schemasDir = schemasDir == null || schemasDir.isBlank() ? null : schemasDir;
        if (collection == null || collection.isBlank()) {
            throw new IllegalArgumentException("collection must not be empty");
        }
        this.collection = collection;
        if (this.schemasDir != null) {
            // Fail at job construction, where the message reaches the operator, not in a task manager's log.
            new StixValidator(Path.of(this.schemasDir));
        }
    }

    public StixBundleMapper mapper() {
        return mapper;
    }

    @Override
    public void open(OpenContext context) {
        validator = schemasDir == null ? StixValidator.withoutSchemas() : new StixValidator(Path.of(schemasDir));
        clock = Clock.systemUTC();
        refused = getRuntimeContext().getMetricGroup().counter("stixBundlesRefused");
        if (schemasDir == null) {
            LOG.warn("share.stix-schemas is not set: STIX bundles are checked for consistency only, not against the "
                    + "OASIS schemas");
        }
    }

    @Override
    public void processElement(Alert alert, Context ctx, Collector<StixShare> out) {
        Decision decision = decide(alert, validator, mapper);
        if (decision.problems().isEmpty()) {
            out.collect(decision.share());
            long now = clock.millis();
            for (JsonNode o : decision.bundle().path("objects")) {
                ctx.output(AUDIT, new ShareAudit(o.path("id").asText(), o.path("type").asText(),
                        o.path("spec_version").asText("2.1"), o.hasNonNull("modified") ? o.get("modified").asText() : null,
                        alert.id(), collection, now));
            }
            return;
        }
        refused.inc();
        DeadLetter deadLetter = deadLetter(alert, decision, collection, clock.millis());
        // The dead letter's message: the first problems only (a schema mismatch lists hundreds).
        LOG.error("{}; dead-lettered", deadLetter.message());
        ctx.output(DEAD_LETTERS, deadLetter);
    }

    /** A bundle with what is wrong with it; a valid bundle has no problems. */
    public record Decision(ObjectNode bundle, StixShare share, List<String> problems) {}

    /** Maps and validates one alert; what the gate does, without Flink. */
    public static Decision decide(Alert alert, StixValidator validator, StixBundleMapper mapper) {
        ObjectNode bundle = mapper.toBundle(alert);
        List<String> problems = validator.problems(bundle);
        try {
            return new Decision(bundle, new StixShare(alert.id(), JSON.writeValueAsString(bundle)), problems);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write STIX bundle of alert " + alert.id(), e);
        }
    }

    /** The dead letter of a refused bundle: reason {@code invalid_stix}, the alert id and problems, the bundle. */
    static DeadLetter deadLetter(Alert alert, Decision decision, String collection, long nowMillis) {
        List<String> problems = decision.problems();
        String listed = String.join("; ", problems.subList(0, Math.min(MAX_PROBLEMS, problems.size())));
        String more = problems.size() > MAX_PROBLEMS ? " (and " + (problems.size() - MAX_PROBLEMS) + " more)" : "";
        return new DeadLetter(DeadLetterReason.INVALID_STIX,
                "STIX bundle of alert " + alert.id() + " is invalid, not shared: " + listed + more,
                collection, -1, alert.lastSeenMillis(),
                decision.share().bundleJson().getBytes(StandardCharsets.UTF_8), nowMillis);
    }
}
