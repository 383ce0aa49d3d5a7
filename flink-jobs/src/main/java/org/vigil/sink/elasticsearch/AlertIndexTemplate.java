package org.vigil.sink.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.indices.PutIndexTemplateRequest;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The composable index template for the alert index: explicit ECS types for the fields
 * {@link org.vigil.alert.AlertDocument} writes, so the mapping never depends on the first alert's values.
 *
 * <p>{@code vigil.details} and {@code vigil.evidence} are {@code flattened}: rules put arbitrary columns and
 * events there, and a dynamic object would add fields without bound and reject an alert whose value type
 * differs from an earlier rule's (a fatal 400). Flattened keeps them searchable as keywords with one mapping.
 */
public final class AlertIndexTemplate {
    static final String RESOURCE = "alert-index-template.json";
    /** Above the stack's built-in templates (100), so ours wins if a pattern ever overlaps. */
    static final long PRIORITY = 200;
    /** Bump when the resource changes, so operators can see which mapping an index got. */
    static final long VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertIndexTemplate() {}

    /** The template is named after the index it serves. */
    public static String name(String index) {
        return index;
    }

    /** The pattern the template applies to: the index and anything derived from it (e.g. {@code vigil-alerts-2026.05}). */
    public static String pattern(String index) {
        return index + "*";
    }

    /** The {@code template} part (settings and mappings), as installed. */
    public static ObjectNode settingsAndMappings() {
        try (InputStream in = AlertIndexTemplate.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE + " next to " + AlertIndexTemplate.class);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The request that installs the template; PUT replaces any previous version, so installing is idempotent. */
    public static PutIndexTemplateRequest request(String index) {
        String template = settingsAndMappings().toString();
        return PutIndexTemplateRequest.of(b -> b
                .name(name(index))
                .indexPatterns(List.of(pattern(index)))
                .priority(PRIORITY)
                .version(VERSION)
                .meta("managed_by", JsonData.of("vigil"))
                .template(t -> t.withJson(new StringReader(template))));
    }

    /** Installs (or replaces) the template. */
    public static void install(ElasticsearchClient client, String index) throws IOException {
        client.indices().putIndexTemplate(request(index));
    }
}
