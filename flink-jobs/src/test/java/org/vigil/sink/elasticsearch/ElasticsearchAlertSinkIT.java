package org.vigil.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import co.elastic.clients.elasticsearch.core.GetResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.vigil.alert.Alert;
import org.vigil.alert.Severity;
import org.vigil.event.SecurityEvent;
import org.vigil.local.EmbeddedElasticsearch;
import org.vigil.sink.stix.ShareAudit;

/** The alert sink against a real Elasticsearch node, driven directly and from a Flink job on a MiniCluster. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ElasticsearchAlertSinkIT {
    private static final String INDEX = ElasticsearchSinkOptions.DEFAULT_INDEX;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private static EmbeddedElasticsearch es;
    private static ElasticsearchConnection probe;

    @BeforeAll
    static void startElasticsearch() throws IOException {
        es = EmbeddedElasticsearch.builder().build().start();
        System.out.println("Elasticsearch " + EmbeddedElasticsearch.VERSION + " up at " + es.httpUri() + " in "
                + es.lastStartupTime().toMillis() + " ms");
        probe = ElasticsearchConnection.open(options().build());
    }

    @AfterAll
    static void stopElasticsearch() throws IOException {
        if (probe != null) {
            probe.close();
        }
        if (es != null) {
            es.close();
        }
    }

    @Test
    @Order(1)
    void writesAlertsAsEcsDocumentsFoundByTheirId() throws Exception {
        Alert alert = alert("ssh-brute-force", "source.ip", "203.0.113.7", 1);
        RecordingSinkWriterMetricGroup metrics = new RecordingSinkWriterMetricGroup();
        try (ElasticsearchAlertWriter writer = writer(metrics)) {
            writer.write(alert, null);
            writer.write(alert("ssh-brute-force", "source.ip", "203.0.113.8", 2), null);
            writer.flush(false);
            assertThat(writer.pendingCount()).isZero();
        }

        ObjectNode doc = get(alert.id());
        assertThat(doc.at("/event/id").asText()).isEqualTo(alert.id());
        assertThat(doc.at("/event/kind").asText()).isEqualTo("alert");
        assertThat(doc.at("/rule/id").asText()).isEqualTo("ssh-brute-force");
        assertThat(doc.at("/source/ip").asText()).isEqualTo("203.0.113.7");
        assertThat(doc.at("/threat/technique/id/0").asText()).isEqualTo("T1110.001");
        assertThat(doc.at("/vigil/details/failures").asInt()).isEqualTo(12);
        assertThat(doc.at("/vigil/evidence/0/user/name").asText()).isEqualTo("alice");
        assertThat(doc.at("/@timestamp").asText()).isEqualTo("2026-01-01T00:01:00Z");
        assertThat(metrics.count(ElasticsearchAlertWriter.METRIC_ALERTS_WRITTEN)).isEqualTo(2);
        assertThat(metrics.recordsSend()).isEqualTo(2);
        // Searchable too, by the ip-typed entity field.
        refresh();
        long hits = probe.client().count(c -> c.index(INDEX)
                .query(q -> q.term(t -> t.field("source.ip").value("203.0.113.0/24")))).count();
        assertThat(hits).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(2)
    void writingTheSameAlertTwiceKeepsOneDocument() throws Exception {
        Alert alert = alert("password-spray", "user.name", "bob", 3);
        try (ElasticsearchAlertWriter writer = writer(new RecordingSinkWriterMetricGroup())) {
            writer.write(alert, null);
            writer.flush(false);
            // A replay after a restore: same id, so an overwrite.
            writer.write(alert, null);
            writer.flush(false);
        }

        refresh();
        assertThat(countByAlertId(alert.id())).isEqualTo(1);
        // The external version is the occurrence count; the same version again is accepted, not a conflict.
        assertThat(probe.client().get(g -> g.index(INDEX).id(alert.id()), ObjectNode.class).version()).isEqualTo(1);
    }

    @Test
    @Order(8)
    void repeatsUpdateTheFirstAlertsDocumentAndNoRetriedOrReorderedUpdateLowersTheCount() throws Exception {
        Alert first = alert("repeats", "source.ip", "198.51.100.9", 8);
        List<Alert> versions = new java.util.ArrayList<>(List.of(first));
        for (int n = 2; n <= 6; n++) {
            versions.add(versions.get(n - 2).withRepeat(alert("repeats", "source.ip", "198.51.100.9", 8 + n)));
        }
        RecordingSinkWriterMetricGroup metrics = new RecordingSinkWriterMetricGroup();
        try (ElasticsearchAlertWriter writer = writer(metrics)) {
            writer.write(first, null);
            writer.flush(false);
            writer.write(versions.get(3), null); // 4 occurrences
            writer.flush(false);
            // An older update applied later (a retry of a request the client gave up on, a replay): refused, ignored.
            writer.write(versions.get(1), null);
            writer.flush(false);
            assertThat(occurrences(first.id())).isEqualTo(4);
            assertThat(metrics.count(ElasticsearchAlertWriter.METRIC_ALERTS_SUPERSEDED)).isEqualTo(1);
            // The same update again (a replay after a restore) is idempotent.
            writer.write(versions.get(3), null);
            writer.flush(false);
            assertThat(occurrences(first.id())).isEqualTo(4);
            // Within one buffer, an older version does not replace a newer one.
            writer.write(versions.get(5), null);
            writer.write(versions.get(4), null);
            assertThat(writer.pendingCount()).isEqualTo(1);
            writer.flush(false);
            assertThat(occurrences(first.id())).isEqualTo(6);
        }

        // One bulk request holding two updates of the document in the wrong order.
        Alert other = alert("repeats", "source.ip", "198.51.100.10", 20);
        Alert twice = other.withRepeat(alert("repeats", "source.ip", "198.51.100.10", 21));
        Alert thrice = twice.withRepeat(alert("repeats", "source.ip", "198.51.100.10", 22));
        var response = probe.client().bulk(b -> b.operations(List.of(
                ElasticsearchAlertWriter.indexOperation(INDEX, other.id(), ElasticsearchAlertWriter.VersionedDocument.of(thrice)),
                ElasticsearchAlertWriter.indexOperation(INDEX, other.id(), ElasticsearchAlertWriter.VersionedDocument.of(twice)))));
        assertThat(response.items().get(0).error()).isNull();
        assertThat(response.items().get(1).status()).isEqualTo(409);
        ObjectNode doc = get(other.id());
        assertThat(doc.at("/vigil/occurrences").asInt()).isEqualTo(3);
        assertThat(doc.at("/vigil/last_occurrence/alert_id").asText()).isEqualTo(thrice.latestRepeat().matchId());
        assertThat(doc.at("/event/end").asText()).isEqualTo(java.time.Instant.ofEpochMilli(thrice.lastSeenMillis()).toString());
        refresh();
        assertThat(countByAlertId(first.id())).isEqualTo(1);
        assertThat(countByAlertId(other.id())).isEqualTo(1);
    }

    private static int occurrences(String id) throws IOException {
        return get(id).at("/vigil/occurrences").asInt();
    }

    @Test
    @Order(3)
    void indexGetsTheTemplateMapping() throws Exception {
        try (ElasticsearchAlertWriter writer = writer(new RecordingSinkWriterMetricGroup())) {
            writer.write(alert("ssh-brute-force", "source.ip", "198.51.100.1", 4), null);
            writer.flush(false);
        }

        Map<String, Property> props = probe.client().indices().getMapping(m -> m.index(INDEX))
                .result().get(INDEX).mappings().properties();
        assertThat(props.get("source").object().properties().get("ip").isIp()).isTrue();
        assertThat(props.get("@timestamp").isDate()).isTrue();
        assertThat(props.get("vigil").object().properties().get("evidence").isFlattened()).isTrue();
        assertThat(props.get("vigil").object().properties().get("details").isFlattened()).isTrue();
    }

    @Test
    @Order(4)
    void rejectedAlertFailsNamingTheAlertAndTheReason() throws Exception {
        Alert bad = alert("ssh-brute-force", "source.ip", "not-an-ip", 5);
        RecordingSinkWriterMetricGroup metrics = new RecordingSinkWriterMetricGroup();
        try (ElasticsearchAlertWriter writer = writer(metrics)) {
            writer.write(bad, null);
            assertThatThrownBy(() -> writer.flush(false))
                    .isInstanceOf(AlertRejectedException.class)
                    .hasMessageContaining(bad.id())
                    .hasMessageContaining("HTTP 400")
                    .hasMessageContaining("source.ip");
        }
        assertThat(metrics.count(ElasticsearchAlertWriter.METRIC_ALERTS_REJECTED)).isEqualTo(1);
    }

    @Test
    @Order(5)
    void unreachableElasticsearchAtStartUpNamesTheHost() throws Exception {
        String host = "http://127.0.0.1:" + closedPort();
        ElasticsearchSinkOptions unreachable = options().hosts(host).startupAttempts(3)
                .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(100)).build();

        assertThatThrownBy(() -> ElasticsearchAlertSink.createWriter(unreachable, new RecordingSinkWriterMetricGroup(), null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot reach Elasticsearch at [" + host + "]")
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("Check that Elasticsearch is running");
    }

    @Test
    @Order(6)
    void flinkJobWritesEachAlertOnceThoughItArrivesTwice() throws Exception {
        Configuration conf = new Configuration();
        // With checkpointing on, Flink would restart a failing job forever; fail the test instead.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.fromSequence(1, 40)
                .map(new ReplayedAlerts())
                .returns(TypeInformation.of(Alert.class))
                .sinkTo(new ElasticsearchAlertSink(options().maxBatchSize(7).build()));

        env.execute("elasticsearch-alert-sink-it");

        refresh();
        long docs = probe.client().count(c -> c.index(INDEX)
                .query(q -> q.term(t -> t.field("rule.id").value("flink-job")))).count();
        assertThat(docs).isEqualTo(20);
    }

    @Test
    @Order(7)
    void outageBackPressuresAndLosesNothing() throws Exception {
        Alert alert = alert("outage", "host.name", "mail-01", 7);
        RecordingSinkWriterMetricGroup metrics = new RecordingSinkWriterMetricGroup();
        ElasticsearchAlertWriter writer = writer(metrics);
        try {
            es.stop();
            writer.write(alert, null);
            CompletableFuture<Void> flushed = CompletableFuture.runAsync(() -> {
                try {
                    writer.flush(false);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1500);
            assertThat(flushed).isNotDone();
            assertThat(writer.pendingCount()).isEqualTo(1);

            es.start(); // same port, same data
            flushed.get(60, TimeUnit.SECONDS);
        } finally {
            writer.close();
        }

        assertThat(metrics.count(ElasticsearchAlertWriter.METRIC_BULK_RETRIES)).isPositive();
        assertThat(get(alert.id()).at("/host/name").asText()).isEqualTo("mail-01");
        // Data written before the outage survived the restart.
        refresh();
        assertThat(probe.client().count(c -> c.index(INDEX)).count()).isGreaterThan(20);
    }

    @Test
    @Order(2)
    void shareAuditRecordsAreIndexedOncePerObjectVersion() throws Exception {
        String auditIndex = "vigil-share-audit-it";
        ShareAudit sighting = new ShareAudit("sighting--8f1c0a4e-5b1a-5d3e-9a77-0c1d2e3f4a5b", "sighting", "2.1",
                "2026-01-01T00:01:00.000Z", "a1", "ncsc.stix", T0 + 90_000);
        ShareAudit escalated = new ShareAudit(sighting.objectId(), "sighting", "2.1", "2026-01-01T00:05:00.000Z", "a1",
                "ncsc.stix", T0 + 330_000);
        ElasticsearchSinkOptions auditOptions = options().index(auditIndex).flushInterval(Duration.ZERO).build();
        try (ElasticsearchAlertWriter<ShareAudit> writer = ElasticsearchAlertSink.createWriter(auditOptions,
                new RecordingSinkWriterMetricGroup(), null, ElasticsearchShareAuditSink.AUDIT_RECORDS,
                ShareAuditIndexTemplate::install)) {
            writer.write(sighting, null);
            writer.flush(false);
            // A replay after a restore writes the same record again; an escalation is a new version of the object.
            writer.write(sighting, null);
            writer.write(escalated, null);
            writer.flush(false);
        }
        probe.client().indices().refresh(r -> r.index(auditIndex));
        assertThat(probe.client().count(c -> c.index(auditIndex)
                .query(q -> q.term(t -> t.field("stix.id").value(sighting.objectId())))).count()).isEqualTo(2);
        ObjectNode doc = probe.client().get(g -> g.index(auditIndex).id(sighting.documentId()), ObjectNode.class).source();
        assertThat(doc.get("stix.type").asText()).isEqualTo("sighting");
        assertThat(doc.get("stix.modified").asText()).isEqualTo("2026-01-01T00:01:00.000Z");
        assertThat(doc.get("vigil.alert.id").asText()).isEqualTo("a1");
        assertThat(doc.get("vigil.share.collection").asText()).isEqualTo("ncsc.stix");
        assertThat(doc.get("@timestamp").asText()).isEqualTo("2026-01-01T00:01:30Z");
    }

    @Test
    @Order(9)
    void aWatermarkSendsTheBufferedAlertsAndTheyAreSearchableAtOnce() throws Exception {
        // The index's own refresh is off, so only the bulk request's refresh can make the alerts searchable.
        String index = "latency-alerts-it";
        ElasticsearchSinkOptions.Builder latency = options().index(index).flushInterval(Duration.ZERO);
        try (ElasticsearchAlertWriter<Alert> writer = ElasticsearchAlertSink.createWriter(latency.build(),
                new RecordingSinkWriterMetricGroup(), null)) {
            probe.client().indices().create(c -> c.index(index).settings(s -> s.refreshInterval(t -> t.time("-1"))));
            writer.write(alert("latency", "source.ip", "192.0.2.10", 30), null);
            writer.write(alert("latency", "source.ip", "192.0.2.11", 31), null);
            assertThat(writer.pendingCount()).isEqualTo(2);
            writer.writeWatermark(new Watermark(T0 + 31));
            assertThat(writer.pendingCount()).isZero();
            assertThat(probe.client().count(c -> c.index(index)).count()).isEqualTo(2);
        }

        // Look-alikes: without a refresh per bulk the sent alert waits for the index's refresh; without a flush on
        // the watermark it waits in the writer.
        try (ElasticsearchAlertWriter<Alert> writer = ElasticsearchAlertSink.createWriter(
                latency.refresh(ElasticsearchSinkOptions.Refresh.FALSE).build(), new RecordingSinkWriterMetricGroup(), null)) {
            writer.write(alert("latency", "source.ip", "192.0.2.12", 32), null);
            writer.writeWatermark(new Watermark(T0 + 32));
            assertThat(writer.pendingCount()).isZero();
            assertThat(probe.client().count(c -> c.index(index)).count()).isEqualTo(2);
        }
        try (ElasticsearchAlertWriter<Alert> writer = ElasticsearchAlertSink.createWriter(
                latency.refresh(ElasticsearchSinkOptions.Refresh.TRUE).flushOnWatermark(false).build(),
                new RecordingSinkWriterMetricGroup(), null)) {
            writer.write(alert("latency", "source.ip", "192.0.2.13", 33), null);
            writer.writeWatermark(new Watermark(T0 + 33));
            assertThat(writer.pendingCount()).isEqualTo(1);
            writer.flush(false);
            assertThat(probe.client().count(c -> c.index(index)).count()).isEqualTo(4);
        }
    }

    private static ElasticsearchSinkOptions.Builder options() {
        return ElasticsearchSinkOptions.builder().hosts(es.httpUri().toString())
                .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1));
    }

    private static ElasticsearchAlertWriter writer(RecordingSinkWriterMetricGroup metrics) throws IOException {
        // No timer service: flushes happen on full batch and explicit flush only, as on a checkpoint.
        return ElasticsearchAlertSink.createWriter(options().flushInterval(Duration.ZERO).build(), metrics, null);
    }

    private static ObjectNode get(String id) throws IOException {
        GetResponse<ObjectNode> r = probe.client().get(g -> g.index(INDEX).id(id), ObjectNode.class);
        assertThat(r.found()).as("document %s found", id).isTrue();
        return r.source();
    }

    private static long countByAlertId(String id) throws IOException {
        return probe.client().count(c -> c.index(INDEX).query(q -> q.term(t -> t.field("vigil.alert_id").value(id)))).count();
    }

    private static void refresh() throws IOException {
        probe.client().indices().refresh(r -> r.index(INDEX));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Alert alert(String ruleId, String partitionField, String entity, int n) {
        SecurityEvent event = SecurityEvent.builder().id(ruleId + "-evt-" + n).timestampMillis(T0 + n)
                .put("source.ip", "203.0.113.7").put("user.name", "alice").put("host.name", "mail-01")
                .put("event.action", "logon-failed").build();
        return Alert.builder().ruleId(ruleId).ruleName(ruleId + " rule").ruleDescription("integration test")
                .severity(Severity.HIGH).tacticIds(List.of("TA0006")).techniqueIds(List.of("T1110.001"))
                .partition(partitionField, entity).timestampMillis(T0 + 60_000).detail("failures", 12)
                .triggeringEvents(List.of(event), 10).build();
    }

    /** Maps 1..2n to n distinct alerts, each twice, like a source replayed after a restore. */
    static final class ReplayedAlerts implements MapFunction<Long, Alert> {
        @Override
        public Alert map(Long i) {
            return alert("flink-job", "source.ip", "192.0.2." + (i % 20), (int) (i % 20));
        }
    }
}
