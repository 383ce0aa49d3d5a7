package org.vigil.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Asks the alert index which alerts are searchable: those naming given entities (the benchmark's latency probe) and,
 * at the end, all of them (the correctness check). Plain HTTP searches, so "searchable" means what it means to an
 * analyst: visible to a search after the index's refresh.
 */
final class AlertIndexProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FIELDS = {"rule.id", "vigil.entity.value", "vigil.alert_id"};

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI index;

    AlertIndexProbe(URI elasticsearch, String index) {
        this.index = URI.create(elasticsearch.toString().replaceAll("/$", "") + "/" + index);
    }

    /** The searchable alerts that name one of {@code entities}; none while the index does not exist yet. */
    List<AttackLedger.AlertDoc> naming(Collection<String> entities) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("size", 10_000);
        body.putArray("_source").addAll(fields());
        ArrayNode values = body.putObject("query").putObject("terms").putArray("vigil.entity.value");
        entities.forEach(values::add);
        JsonNode r = post("/_search", body);
        return r == null ? List.of() : docs(r);
    }

    /** Every alert in the index (after a refresh), read with a scroll. */
    List<AttackLedger.AlertDoc> all() throws IOException, InterruptedException {
        post("/_refresh", null);
        ObjectNode body = JSON.createObjectNode();
        body.put("size", 5_000);
        body.putArray("_source").addAll(fields());
        JsonNode page = post("/_search?scroll=1m", body);
        List<AttackLedger.AlertDoc> out = new ArrayList<>();
        while (page != null && page.at("/hits/hits").size() > 0) {
            out.addAll(docs(page));
            ObjectNode next = JSON.createObjectNode().put("scroll", "1m").put("scroll_id", page.path("_scroll_id").asText());
            page = send(HttpRequest.newBuilder(URI.create(index.resolve("/_search/scroll").toString())), next);
        }
        return out;
    }

    private static ArrayNode fields() {
        ArrayNode a = JSON.createArrayNode();
        for (String f : FIELDS) {
            a.add(f);
        }
        return a;
    }

    private static List<AttackLedger.AlertDoc> docs(JsonNode response) {
        List<AttackLedger.AlertDoc> out = new ArrayList<>();
        for (JsonNode hit : response.at("/hits/hits")) {
            JsonNode s = hit.path("_source");
            out.add(new AttackLedger.AlertDoc(s.at("/rule/id").asText(), s.at("/vigil/entity/value").asText(),
                    s.at("/vigil/alert_id").asText(hit.path("_id").asText())));
        }
        return out;
    }

    private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(index + path)), body);
    }

    /** The response as JSON, or null when the index does not exist (yet). */
    private JsonNode send(HttpRequest.Builder request, JsonNode body) throws IOException, InterruptedException {
        HttpRequest r = request.timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("Elasticsearch answered " + response.statusCode() + " to " + r.uri() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
