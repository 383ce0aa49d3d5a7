package org.vigil.taxii;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The TAXII 2.1 status resource of a POST: complete at once, with the outcome of every posted object. */
final class PostStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PostStatus() {}

    static ObjectNode of(String id, String requestTimestamp, List<TaxiiCollection.Outcome> outcomes) {
        ObjectNode status = JSON.createObjectNode();
        status.put("id", id);
        status.put("status", "complete");
        status.put("request_timestamp", requestTimestamp);
        status.put("total_count", outcomes.size());
        ArrayNode successes = JSON.createArrayNode();
        ArrayNode failures = JSON.createArrayNode();
        for (TaxiiCollection.Outcome o : outcomes) {
            ObjectNode detail = (o.success() ? successes : failures).addObject();
            detail.put("id", o.id() == null ? "" : o.id());
            if (o.version() != null) {
                detail.put("version", o.version());
            }
            detail.put("message", o.message());
        }
        status.put("success_count", successes.size());
        status.set("successes", successes);
        status.put("failure_count", failures.size());
        status.set("failures", failures);
        status.put("pending_count", 0);
        status.putArray("pendings");
        return status;
    }
}
