package org.vigil.sink.elasticsearch;

import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.alert.Alert;
import org.vigil.alert.AlertDocument;

/**
 * Writes alerts to Elasticsearch in bulk index requests, one document per alert with {@code _id = alert.id()}.
 *
 * <p>Delivery guarantee: at-least-once, and because the id is deterministic every re-delivery overwrites the same
 * document, so the index holds each alert exactly once. A repeated alert re-indexes the whole merged document
 * under the same id with {@code version_type=external_gte} and the occurrence count as version: Elasticsearch
 * refuses (HTTP 409) a version below the stored one, so a retried, replayed or reordered older update can never
 * lower the count, and accepts an equal one, so re-applying the same update (identical content, since the count
 * comes from Flink state) is idempotent. A 409 therefore means "already superseded" and counts as written. {@link #flush} (called on every checkpoint) returns only
 * when Elasticsearch has acknowledged every buffered alert; retryable failures (unreachable node, HTTP 408/429/5xx,
 * per item or per request) are retried with exponential backoff, which back-pressures the job instead of dropping
 * alerts; an alert Elasticsearch rejects for good (e.g. a 400 mapping error) fails the job with
 * {@link AlertRejectedException} naming the alert.
 */
final class ElasticsearchAlertWriter<T> implements SinkWriter<T> {
    static final String METRIC_ALERTS_WRITTEN = "alertsWritten";
    static final String METRIC_BULK_RETRIES = "bulkRetries";
    static final String METRIC_ALERTS_REJECTED = "alertsRejected";
    static final String METRIC_PENDING = "pendingAlerts";
    static final String METRIC_ALERTS_SUPERSEDED = "alertsSuperseded";
    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchAlertWriter.class);

    private final ElasticsearchSinkOptions options;
    private final ElasticsearchConnection connection;
    private final ProcessingTimeService timers;
    private final RetryBackoff backoff;
    private final Refresh refresh;
    // Keyed by alert id: a newer version of an alert (a higher count) replaces the buffered one.
    private final LinkedHashMap<String, VersionedDocument> pending = new LinkedHashMap<>();
    private final SinkWriterMetricGroup metrics;
    private final Counter alertsWritten;
    private final Counter bulkRetries;
    private final Counter alertsRejected;
    private final Counter alertsSuperseded;
    private boolean closed;

    /** An alert document and its external version, the alert's occurrence count. */
    record VersionedDocument(long version, ObjectNode document) {
        static VersionedDocument of(Alert alert) {
            return new VersionedDocument(alert.occurrences(), AlertDocument.toJson(alert));
        }
    }

    /** How the items a writer is given become documents: their id and their versioned document. */
    interface Documents<T> extends java.io.Serializable {
        String id(T item);

        VersionedDocument document(T item);
    }

    /** Alerts: id the alert id, version the occurrence count. */
    static final Documents<Alert> ALERTS = new Documents<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public String id(Alert alert) {
            return alert.id();
        }

        @Override
        public VersionedDocument document(Alert alert) {
            return VersionedDocument.of(alert);
        }
    };

    private final Documents<T> documents;

    /** @param timers drives the periodic flush; null disables it (flushes then happen on full batch and checkpoint) */
    ElasticsearchAlertWriter(ElasticsearchSinkOptions options, ElasticsearchConnection connection,
                             SinkWriterMetricGroup metrics, ProcessingTimeService timers, Documents<T> documents) {
        this.documents = documents;
        this.options = options;
        this.connection = connection;
        this.timers = timers;
        this.backoff = new RetryBackoff(options.initialBackoff(), options.maxBackoff());
        this.refresh = switch (options.refresh()) {
            case FALSE -> Refresh.False;
            case TRUE -> Refresh.True;
            case WAIT_FOR -> Refresh.WaitFor;
        };
        this.metrics = metrics;
        this.alertsWritten = metrics.counter(METRIC_ALERTS_WRITTEN);
        this.bulkRetries = metrics.counter(METRIC_BULK_RETRIES);
        this.alertsRejected = metrics.counter(METRIC_ALERTS_REJECTED);
        this.alertsSuperseded = metrics.counter(METRIC_ALERTS_SUPERSEDED);
        metrics.gauge(METRIC_PENDING, pending::size);
        scheduleFlush();
    }

    @Override
    public void write(T item, Context context) throws IOException, InterruptedException {
        // An older version arriving after a newer one (never expected: one task emits all of an alert's versions,
        // in order) must not replace it; an equal version is the same update again.
        pending.merge(documents.id(item), documents.document(item), (buffered, next) -> next.version() >= buffered.version() ? next : buffered);
        if (pending.size() >= options.maxBatchSize()) {
            sendPending();
        }
    }

    /**
     * Sends the buffered alerts when {@link ElasticsearchSinkOptions#flushOnWatermark()}: upstream, the verify
     * stage emits alerts when a watermark passes them and forwards that watermark right after, so waiting for the
     * periodic flush would only add its interval to every alert's latency. The number of bulk requests stays
     * bounded by the watermark rate, and at high alert rates each carries more alerts.
     */
    @Override
    public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
        if (options.flushOnWatermark() && !pending.isEmpty()) {
            sendPending();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        // Blocks until everything is acknowledged, so the checkpoint covers every alert written before it.
        sendPending();
    }

    @Override
    public void close() throws IOException {
        // No flush here: Flink calls flush(true) before close at end of input; on cancel or failure the
        // unacknowledged alerts are replayed from the last checkpoint.
        closed = true;
        connection.close();
    }

    int pendingCount() {
        return pending.size();
    }

    private void scheduleFlush() {
        long interval = options.flushInterval().toMillis();
        if (timers == null || interval <= 0) {
            return;
        }
        timers.registerTimer(timers.getCurrentProcessingTime() + interval, now -> {
            if (!closed) {
                sendPending();
                scheduleFlush();
            }
        });
    }

    /** Sends every pending alert, batch by batch, retrying transient failures until all are acknowledged. */
    private void sendPending() throws IOException, InterruptedException {
        int retry = 0;
        while (!pending.isEmpty()) {
            List<Map.Entry<String, VersionedDocument>> batch = nextBatch();
            BulkResponse response = null;
            String failure = null;
            try {
                response = connection.client().bulk(b -> b.refresh(refresh).operations(operations(batch)));
            } catch (IOException | RuntimeException e) {
                if (!RetryBackoff.isRetryable(e)) {
                    throw new IOException("Elasticsearch refused the bulk request for " + batch.size() + " alerts to index "
                            + options.index() + " at " + options.hosts() + ": " + e.getMessage(), e);
                }
                failure = e.toString();
            }
            // Outside the try: an AlertRejectedException is an IOException but must not be retried.
            if (response != null) {
                int before = pending.size();
                failure = applyResponse(batch, response);
                if (pending.size() < before) {
                    retry = 0; // progress: restart the backoff
                }
                if (failure == null) {
                    continue;
                }
            }
            if (options.maxRetries() != ElasticsearchSinkOptions.RETRY_FOREVER && retry >= options.maxRetries()) {
                throw new IOException("Elasticsearch at " + options.hosts() + " still failing after " + retry
                        + " retries (" + pending.size() + " alerts pending): " + failure);
            }
            bulkRetries.inc();
            long delay = backoff.delayMillis(retry);
            LOG.warn("Elasticsearch bulk write to {} incomplete, {} alerts pending, retry {} in {} ms: {}",
                    options.index(), pending.size(), retry + 1, delay, failure);
            Thread.sleep(delay);
            retry++;
        }
    }

    private List<Map.Entry<String, VersionedDocument>> nextBatch() {
        List<Map.Entry<String, VersionedDocument>> batch = new ArrayList<>(Math.min(pending.size(), options.maxBatchSize()));
        Iterator<Map.Entry<String, VersionedDocument>> it = pending.entrySet().iterator();
        while (it.hasNext() && batch.size() < options.maxBatchSize()) {
            Map.Entry<String, VersionedDocument> e = it.next();
            // A copy: the map's own entry would change if a newer version of the alert arrived.
            batch.add(Map.entry(e.getKey(), e.getValue()));
        }
        return batch;
    }

    private List<BulkOperation> operations(List<Map.Entry<String, VersionedDocument>> batch) {
        List<BulkOperation> ops = new ArrayList<>(batch.size());
        for (Map.Entry<String, VersionedDocument> e : batch) {
            ops.add(indexOperation(options.index(), e.getKey(), e.getValue()));
        }
        return ops;
    }

    /** Indexes the document under its alert id unless the index holds a higher version (more occurrences). */
    static BulkOperation indexOperation(String index, String id, VersionedDocument doc) {
        return BulkOperation.of(o -> o.index(i -> i.index(index).id(id).document(doc.document())
                .version(doc.version()).versionType(VersionType.ExternalGte)));
    }

    /**
     * Removes acknowledged alerts from the pending set; returns a description of the retryable failures, or null.
     *
     * @throws AlertRejectedException if any item failed for good
     */
    private String applyResponse(List<Map.Entry<String, VersionedDocument>> batch, BulkResponse response)
            throws AlertRejectedException {
        List<BulkResponseItem> items = response.items();
        int written = 0;
        int superseded = 0;
        int retryable = 0;
        String firstRetryable = null;
        String rejectedId = null;
        int rejectedStatus = 0;
        String rejectedReason = null;
        int moreRejected = 0;
        for (int i = 0; i < items.size(); i++) {
            BulkResponseItem item = items.get(i);
            String id = batch.get(i).getKey();
            if (item.error() == null) {
                // Only if unchanged: a newer version of the alert arriving meanwhile must still be sent.
                pending.remove(id, batch.get(i).getValue());
                written++;
            } else if (item.status() == 409) {
                // The index holds a higher version of this alert: this update is already superseded.
                pending.remove(id, batch.get(i).getValue());
                written++;
                superseded++;
            } else if (RetryBackoff.isRetryableStatus(item.status())) {
                retryable++;
                if (firstRetryable == null) {
                    firstRetryable = "HTTP " + item.status() + " " + describe(item.error());
                }
            } else if (rejectedId == null) {
                rejectedId = id;
                rejectedStatus = item.status();
                rejectedReason = describe(item.error());
            } else {
                moreRejected++;
            }
        }
        alertsWritten.inc(written);
        alertsSuperseded.inc(superseded);
        metrics.getNumRecordsSendCounter().inc(written);
        metrics.getNumRecordsSendErrorsCounter().inc(items.size() - written);
        if (rejectedId != null) {
            alertsRejected.inc(1 + moreRejected);
            metrics.getNumRecordsOutErrorsCounter().inc(1 + moreRejected);
            throw new AlertRejectedException(rejectedId, options.index(), rejectedStatus, rejectedReason, moreRejected);
        }
        return retryable == 0 ? null : retryable + " of " + items.size() + " alerts failed, first: " + firstRetryable;
    }

    private static String describe(ErrorCause error) {
        StringBuilder sb = new StringBuilder().append(error.type()).append(": ").append(error.reason());
        for (ErrorCause cause = error.causedBy(); cause != null; cause = cause.causedBy()) {
            sb.append("; caused by ").append(cause.type()).append(": ").append(cause.reason());
        }
        return sb.toString();
    }
}
