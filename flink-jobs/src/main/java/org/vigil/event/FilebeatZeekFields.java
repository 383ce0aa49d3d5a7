package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Completes what Filebeat's Zeek module leaves to Elasticsearch's ingest pipeline when it ships to Kafka instead:
 * its {@code @timestamp} is when Filebeat read the line (Zeek's own time is {@code zeek.<dataset>.ts}), and its
 * {@code event.id} is Zeek's {@code uid}, shared by every record of one connection. Also names Zeek's {@code ssl}
 * service {@code tls}, as the {@code zeek} format does.
 */
final class FilebeatZeekFields {

    private FilebeatZeekFields() {}

    /**
     * Whether an ECS record comes from Filebeat's or Elastic Agent's Zeek module: {@code event.module} {@code zeek},
     * or an {@code event.dataset} or {@code data_stream.dataset} of {@code zeek.*}.
     */
    static boolean isFilebeatZeek(JsonNode root) {
        return "zeek".equals(text(root, "event", "module")) || isZeekDataset(text(root, "event", "dataset"))
                || isZeekDataset(text(root, "data_stream", "dataset"));
    }

    private static boolean isZeekDataset(String dataset) {
        return dataset != null && dataset.startsWith("zeek.");
    }

    /** A field's text in nested ({@code {"event":{"module":..}}}) or dotted ({@code "event.module"}) form. */
    private static String text(JsonNode root, String object, String field) {
        JsonNode value = root.path(object).path(field);
        if (value.isMissingNode()) {
            value = root.path(object + "." + field);
        }
        return value.isTextual() ? value.textValue() : null;
    }

    /** Whether to keep the record's {@code event.id}: not for Zeek records, whose id is the connection's uid. */
    static boolean keepsEventId(JsonNode root) {
        return !isFilebeatZeek(root);
    }

    /**
     * Sets the event time from {@code zeek.<dataset>.ts} (epoch seconds or ISO 8601) and keeps Filebeat's read time
     * as {@code event.created}, as the ingest pipeline does; records without it keep {@code @timestamp}.
     */
    static void complete(JsonNode root, SecurityEvent.Builder event) throws RejectedEventException {
        if (!isFilebeatZeek(root)) {
            return;
        }
        // As the zeek format names it (ZeekNetworkMapping): Zeek's "ssl" analyzer speaks TLS.
        if ("ssl".equals(event.get("network.protocol"))) {
            event.put("network.protocol", "tls");
        }
        Object dataset = event.get("event.dataset");
        if (dataset == null) {
            dataset = event.get("data_stream.dataset");
        }
        Object ts = dataset == null ? null : event.get(dataset + ".ts");
        if (ts == null) {
            return;
        }
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonNode node = ts instanceof Long l ? nodes.numberNode(l)
                : ts instanceof Double d ? nodes.numberNode(d) : nodes.textNode(String.valueOf(ts));
        long millis = ZeekNormaliser.epochMillis(node);
        JsonNode readTime = root.get(EcsJsonNormaliser.TIMESTAMP_FIELD);
        if (event.get("event.created") == null && readTime != null && readTime.isTextual()) {
            event.put("event.created", readTime.textValue());
        }
        event.timestampMillis(millis);
        event.put(dataset + ".ts", null);
    }
}
