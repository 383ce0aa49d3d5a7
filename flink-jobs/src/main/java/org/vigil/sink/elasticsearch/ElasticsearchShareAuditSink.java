package org.vigil.sink.elasticsearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.vigil.sink.stix.ShareAudit;

/**
 * The Flink sink that writes the audit record of every shared STIX object to an Elasticsearch index, with the
 * alert sink's writer: at-least-once, and idempotent because the document id is the object version and alert.
 */
public final class ElasticsearchShareAuditSink implements Sink<ShareAudit> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Version 1 for every record: a replay re-indexes the same document, an equal version is accepted. */
    static final ElasticsearchAlertWriter.Documents<ShareAudit> AUDIT_RECORDS = new ElasticsearchAlertWriter.Documents<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public String id(ShareAudit audit) {
            return audit.documentId();
        }

        @Override
        public ElasticsearchAlertWriter.VersionedDocument document(ShareAudit audit) {
            return new ElasticsearchAlertWriter.VersionedDocument(1, JSON.valueToTree(audit.toDocument()));
        }
    };

    private final ElasticsearchSinkOptions options;

    /** @param options the connection, with {@code index} the audit index */
    public ElasticsearchShareAuditSink(ElasticsearchSinkOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public ElasticsearchSinkOptions options() {
        return options;
    }

    @Override
    public SinkWriter<ShareAudit> createWriter(WriterInitContext context) throws IOException {
        return ElasticsearchAlertSink.createWriter(options, context.metricGroup(), context.getProcessingTimeService(),
                AUDIT_RECORDS, ShareAuditIndexTemplate::install);
    }

    /** The document of an audit record, as indexed. */
    static ObjectNode document(ShareAudit audit) {
        return AUDIT_RECORDS.document(audit).document();
    }
}
