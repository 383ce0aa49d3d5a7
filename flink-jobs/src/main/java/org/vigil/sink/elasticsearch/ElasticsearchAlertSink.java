package org.vigil.sink.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.cluster.HealthResponse;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.alert.Alert;

/**
 * The Flink sink that indexes every alert into Elasticsearch, idempotently by alert id (see
 * {@link ElasticsearchAlertWriter} for the delivery guarantee).
 */
public final class ElasticsearchAlertSink implements Sink<Alert> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchAlertSink.class);

    private final ElasticsearchSinkOptions options;

    public ElasticsearchAlertSink(ElasticsearchSinkOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public ElasticsearchSinkOptions options() {
        return options;
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) throws IOException {
        return createWriter(options, context.metricGroup(), context.getProcessingTimeService());
    }

    static ElasticsearchAlertWriter<Alert> createWriter(ElasticsearchSinkOptions options, SinkWriterMetricGroup metrics,
                                                        org.apache.flink.api.common.operators.ProcessingTimeService timers)
            throws IOException {
        return createWriter(options, metrics, timers, ElasticsearchAlertWriter.ALERTS, AlertIndexTemplate::install);
    }

    /**
     * Connects (bounded retry), installs the index template and returns a writer; also used by tests without
     * Flink and by the share audit sink.
     */
    static <T> ElasticsearchAlertWriter<T> createWriter(ElasticsearchSinkOptions options, SinkWriterMetricGroup metrics,
                                                        org.apache.flink.api.common.operators.ProcessingTimeService timers,
                                                        ElasticsearchAlertWriter.Documents<T> documents,
                                                        TemplateInstaller template)
            throws IOException {
        ElasticsearchConnection connection = ElasticsearchConnection.open(options);
        try {
            connectAndInstallTemplate(options, connection, template);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        } catch (InterruptedException e) {
            connection.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to Elasticsearch at " + options.hosts(), e);
        }
        return new ElasticsearchAlertWriter<>(options, connection, metrics, timers, documents);
    }

    private static void connectAndInstallTemplate(ElasticsearchSinkOptions options, ElasticsearchConnection connection,
                                                  TemplateInstaller template)
            throws IOException, InterruptedException {
        RetryBackoff backoff = new RetryBackoff(options.initialBackoff(), options.maxBackoff());
        Exception last = null;
        for (int attempt = 1; attempt <= options.startupAttempts(); attempt++) {
            try {
                // Cluster health rather than GET /: the root endpoint lives in a module minimal distributions lack.
                HealthResponse health = connection.client().cluster().health();
                template.install(connection.client(), options.index());
                LOG.info("Elasticsearch cluster {} at {} is {}; index template {} installed", health.clusterName(),
                        options.hosts(), health.status().jsonValue(), options.index());
                return;
            } catch (IOException | ElasticsearchException e) {
                if (!RetryBackoff.isRetryable(e)) {
                    throw new IOException(refusedMessage(options, e), e);
                }
                last = e;
            }
            if (attempt < options.startupAttempts()) {
                backoff.sleep(attempt - 1);
            }
        }
        throw new IOException("Cannot reach Elasticsearch at " + options.hosts() + " after " + options.startupAttempts()
                + " attempts (last error: " + last + "). Check that Elasticsearch is running and reachable from this "
                + "task manager: host name, port, http vs https, firewall or proxy.", last);
    }

    /** Installs the index template of a writer's index. */
    interface TemplateInstaller {
        void install(co.elastic.clients.elasticsearch.ElasticsearchClient client, String index) throws IOException;
    }

    private static String refusedMessage(ElasticsearchSinkOptions options, Exception e) {
        int status = e instanceof ElasticsearchException ee ? ee.status() : -1;
        String hint = status == 401 || status == 403
                ? "Check the API key or username/password, and that its role may write to index " + options.index()
                        + ", manage index templates (manage_index_templates) and read cluster health (monitor)."
                : "Check the hosts point at Elasticsearch 8.x and the index name is valid.";
        return "Elasticsearch at " + options.hosts() + " refused the alert sink at start-up: " + e.getMessage() + ". " + hint;
    }
}
