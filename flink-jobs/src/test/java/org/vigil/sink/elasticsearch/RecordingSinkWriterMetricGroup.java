package org.vigil.sink.elasticsearch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/** A sink writer metric group that keeps its counters so tests can read them by name. */
final class RecordingSinkWriterMetricGroup extends UnregisteredMetricsGroup implements SinkWriterMetricGroup {
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter recordsSend = new SimpleCounter();
    private final Counter recordsSendErrors = new SimpleCounter();
    private final Counter recordsOutErrors = new SimpleCounter();

    long count(String name) {
        Counter c = counters.get(name);
        return c == null ? 0 : c.getCount();
    }

    long recordsSend() {
        return recordsSend.getCount();
    }

    @Override
    public Counter counter(String name) {
        return counters.computeIfAbsent(name, n -> new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        counters.put(name, counter);
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        return gauge;
    }

    @Override
    public Counter getNumRecordsOutErrorsCounter() { return recordsOutErrors; }

    @Override
    public Counter getNumRecordsSendErrorsCounter() { return recordsSendErrors; }

    @Override
    public Counter getNumRecordsSendCounter() { return recordsSend; }

    @Override
    public Counter getNumBytesSendCounter() { return new SimpleCounter(); }

    @Override
    public void setCurrentSendTimeGauge(Gauge<Long> gauge) {}

    @Override
    public OperatorIOMetricGroup getIOMetricGroup() {
        return UnregisteredMetricsGroup.createOperatorIOMetricGroup();
    }
}
