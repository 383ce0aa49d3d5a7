package org.vigil.sink.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.JsonData;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;

/** The composable index template of the share audit index: keywords for ids and names, dates for times. */
public final class ShareAuditIndexTemplate {
    /** Bump when the mapping changes, so operators can see which mapping an index got. */
    static final long VERSION = 1;
    static final String MAPPINGS = """
            {"mappings": {"dynamic": "strict", "properties": {
              "@timestamp": {"type": "date"},
              "stix": {"properties": {
                "id": {"type": "keyword"}, "type": {"type": "keyword"},
                "spec_version": {"type": "keyword"}, "modified": {"type": "date"}}},
              "vigil": {"properties": {
                "alert": {"properties": {"id": {"type": "keyword"}}},
                "share": {"properties": {"collection": {"type": "keyword"}}}}}}}}""";

    private ShareAuditIndexTemplate() {}

    /** Installs (or replaces) the template named after the index, for the index and names derived from it. */
    public static void install(ElasticsearchClient client, String index) throws IOException {
        client.indices().putIndexTemplate(b -> b
                .name(index)
                .indexPatterns(List.of(index + "*"))
                .priority(AlertIndexTemplate.PRIORITY)
                .version(VERSION)
                .meta("managed_by", JsonData.of("vigil"))
                .template(t -> t.withJson(new StringReader(MAPPINGS))));
    }
}
