package org.vigil.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.vigil.job.CorrelatorJob;
import org.vigil.job.KafkaConnectors;
import org.vigil.job.ReferencePreload;
import org.vigil.job.VigilConfig;
import org.vigil.job.VigilOptions;

/**
 * {@code vigil local}: starts the embedded stack, runs the correlator on a Flink MiniCluster, feeds the
 * drill and prints each alert as it becomes searchable in Elasticsearch.
 */
public final class LocalDemo {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    public LocalDemo(PrintStream out) {
        this.out = out;
    }

    /** Runs until interrupted, or with {@code exitAfterDemo} until the drill's alerts arrived (0) or the timeout (1). */
    public int run(Path rulesDir, boolean exitAfterDemo, Duration timeout) throws Exception {
        long started = System.nanoTime();
        out.println("vigil local: starting Kafka (KRaft) and Elasticsearch " + EmbeddedElasticsearch.VERSION + " on loopback...");
        try (LocalStack stack = LocalStack.start()) {
            Thread stopper = new Thread(stack::close, "vigil-local-shutdown");
            Runtime.getRuntime().addShutdownHook(stopper);
            VigilConfig config = stack.config(rulesDir);
            out.println("  Kafka:          " + stack.kafka().bootstrapServers());
            out.println("  Elasticsearch:  " + stack.elasticsearch().httpUri()
                    + "  (alerts: " + stack.elasticsearch().httpUri() + "/" + config.require(VigilOptions.ELASTICSEARCH_INDEX) + "/_search)");
            out.println("  topics:         events " + config.get(VigilOptions.EVENT_TOPICS) + "; dead letters "
                    + config.get(VigilOptions.DEADLETTER_TOPIC) + "; NCSC feed " + config.get(VigilOptions.STIX_TOPIC)
                    + "; rules " + config.get(VigilOptions.RULES_TOPIC) + " (bin/vigil rules deploy --bootstrap-servers "
                    + stack.kafka().bootstrapServers() + " --wait)");

            LocalTaxii taxii = LocalTaxii.start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(taxii::close, "vigil-taxii-shutdown"));
            out.println("  TAXII 2.1:      " + taxii.banner());

            // Reference data before the job starts: the job preloads it, so the drill's first events are enriched.
            Instant drillStart = Instant.now().minus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.SECONDS);
            out.println("  reference data: " + DemoReferenceData.publish(config, drillStart) + " (bin/vigil intel load"
                    + " --bootstrap-servers " + stack.kafka().bootstrapServers() + " --kind K FILE adds more)");

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
            CorrelatorJob.configure(env, config);
            CorrelatorJob.Settings settings = CorrelatorJob.Settings.from(config);
            CorrelatorJob.build(env, settings, ReferencePreload.atFreshStart(env, config, KafkaConnectors.from(config)));
            JobClient job = env.executeAsync("vigil-correlator (local)");
            out.println("  Flink job:      " + job.getJobID() + " on a MiniCluster, " + settings.rules().size() + " rules from " + rulesDir);

            // The drill happened in the last quarter of an hour (drillStart), so alerts show up in Kibana's default range.
            List<DemoScenario.Record> records = DemoScenario.records(drillStart, 7);
            stack.produce(records);
            long malformed = records.size() - DemoScenario.goodRecordCount(records);
            out.println("vigil local: fed the drill: " + records.size() + " records (" + malformed
                    + " malformed, expected on the dead-letter topic); waiting for alerts...");

            Set<String> expected = new TreeSet<>();
            DemoScenario.EXPECTED_ALERTS.forEach(e -> expected.add(e.ruleId() + "@" + e.entity()));
            expected.add("vigil-botnet-host@" + DemoReferenceData.BOTNET_HOST);
            Map<String, JsonNode> seen = new LinkedHashMap<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            String search = stack.elasticsearch().httpUri() + "/" + config.require(VigilOptions.ELASTICSEARCH_INDEX)
                    + "/_search?size=500&sort=@timestamp:asc";
            while (!exitAfterDemo || System.nanoTime() < deadline) {
                for (JsonNode alert : searchAlerts(search)) {
                    JsonNode before = seen.put(alert.at("/vigil/alert_id").asText(), alert);
                    String status = alert.at("/vigil/verification/status").asText();
                    if (before == null) {
                        out.println("ALERT " + alert.at("/@timestamp").asText() + "  " + alert.at("/vigil/severity").asText()
                                + "  " + status + "  risk=" + alert.at("/event/risk_score").asText()
                                + "  " + alert.at("/rule/id").asText() + "  " + alert.at("/vigil/entity/field").asText() + "="
                                + alert.at("/vigil/entity/value").asText() + "  " + alert.at("/threat/technique/id/0").asText()
                                + "  evidence=" + alert.at("/vigil/evidence_count").asText() + assetContext(alert)
                                + "  id=" + alert.at("/vigil/alert_id").asText() + reasons(alert));
                    } else if (!status.equals(before.at("/vigil/verification/status").asText())) {
                        // A candidate verified later by corroboration: the same document, updated.
                        out.println("UPDATE " + alert.at("/vigil/alert_id").asText() + "  now " + status + reasons(alert));
                    }
                }
                Set<String> found = new TreeSet<>();
                seen.values().forEach(a -> found.add(a.at("/rule/id").asText() + "@" + a.at("/vigil/entity/value").asText()));
                if (exitAfterDemo && found.containsAll(expected)) {
                    summary(expected, found, started);
                    taxiiSummary(taxii);
                    deadLetterSummary(stack, config, records);
                    job.cancel().get();
                    taxii.close();
                    return 0;
                }
                Thread.sleep(1000);
            }
            Set<String> found = new TreeSet<>();
            seen.values().forEach(a -> found.add(a.at("/rule/id").asText() + "@" + a.at("/vigil/entity/value").asText()));
            summary(expected, found, started);
            deadLetterSummary(stack, config, records);
            out.println("vigil local: timed out after " + timeout.toSeconds() + " s before every expected alert arrived;"
                    + " see the log above and the Flink job's exceptions");
            job.cancel().get();
            taxii.close();
            return 1;
        }
    }

    /** The target asset of an alert, when its events had one: what is under attack and how classified it is. */
    private static String assetContext(JsonNode alert) {
        JsonNode asset = alert.at("/vigil/asset");
        if (asset.isMissingNode()) {
            return "";
        }
        return "  asset=\"" + asset.path("name").asText() + "\" (" + asset.path("type").asText() + ", level "
                + asset.path("security_level").asText() + ", " + asset.path("criticality").asText() + ")"
                + (alert.at("/vigil/botnet/family").isMissingNode() ? "" : "  botnet=" + alert.at("/vigil/botnet/family").asText()
                        + " list " + alert.at("/vigil/botnet/list_version").asText());
    }

    /** What the TAXII collection serves: the verified alerts' objects, once the feed's transaction has committed. */
    private void taxiiSummary(LocalTaxii taxii) throws Exception {
        Map<String, Integer> byType = Map.of();
        for (int i = 0; i < 20 && !byType.containsKey("sighting"); i++) {
            byType = taxii.objectsByType();
            if (!byType.containsKey("sighting")) {
                Thread.sleep(500); // the feed's transaction commits with the next checkpoint
            }
        }
        out.println("vigil local: TAXII collection serves " + byType.values().stream().mapToInt(Integer::intValue).sum()
                + " STIX objects of the verified alerts " + byType);
    }

    private void summary(Set<String> expected, Set<String> found, long started) {
        out.println();
        out.println("Drill summary (" + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s):");
        for (String e : expected) {
            out.println("  " + (found.contains(e) ? "[x] " : "[ ] ") + e.replace("@", "  from "));
        }
        for (String f : found) {
            if (!expected.contains(f)) {
                out.println("  [!] unexpected " + f.replace("@", "  from "));
            }
        }
    }

    private void deadLetterSummary(LocalStack stack, VigilConfig config, List<DemoScenario.Record> records) {
        Map<String, Integer> expected = new java.util.TreeMap<>();
        records.stream().map(DemoScenario.Record::expectedDeadLetterReason).filter(r -> r != null)
                .forEach(r -> expected.merge(r, 1, Integer::sum));
        Map<String, Integer> found = new java.util.TreeMap<>();
        for (byte[] value : stack.readTopic(config.require(VigilOptions.DEADLETTER_TOPIC), Duration.ofSeconds(3))) {
            try {
                found.merge(JSON.readTree(value).path("reason").asText("?"), 1, Integer::sum);
            } catch (java.io.IOException e) {
                found.merge("unreadable", 1, Integer::sum);
            }
        }
        out.println("Dead letters on " + config.require(VigilOptions.DEADLETTER_TOPIC) + " (reason: found/expected):");
        Set<String> reasons = new TreeSet<>(expected.keySet());
        reasons.addAll(found.keySet());
        for (String reason : reasons) {
            int f = found.getOrDefault(reason, 0);
            int e = expected.getOrDefault(reason, 0);
            out.println("  " + (f == e ? "[x] " : "[ ] ") + reason + ": " + f + "/" + e);
        }
    }

    private static String reasons(JsonNode alert) {
        List<String> reasons = new java.util.ArrayList<>();
        alert.at("/vigil/verification/reasons").forEach(r -> reasons.add(r.asText()));
        boolean verifiedNotShared = alert.at("/vigil/verification/status").asText().equals("verified")
                && !alert.at("/vigil/verification/shared").asBoolean();
        return (verifiedNotShared ? "  not shared (below the sharing threshold)" : "")
                + (reasons.isEmpty() ? "" : "  (" + String.join("; ", reasons) + ")");
    }

    private static List<JsonNode> searchAlerts(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return List.of(); // the index appears with the first alert
            }
            List<JsonNode> hits = new java.util.ArrayList<>();
            JSON.readTree(r.body()).at("/hits/hits").forEach(h -> hits.add(h.get("_source")));
            return hits;
        } catch (java.io.IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
