package org.vigil.local;

import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that hands every record to a consumer in the JVM that started the job (a MiniCluster), as soon as it
 * arrives; the consumer must be thread-safe when the sink runs with parallelism above one. Delivery guarantee:
 * each record once per job run (the job is not restarted after a failure).
 */
final class InProcessSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final String channel;

    /** A sink to the consumer behind {@code channel}, opened with {@link InProcessChannels#open}. */
    InProcessSink(String channel) {
        this.channel = channel;
    }

    @Override
    @SuppressWarnings("unchecked")
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Consumer<T> consumer = InProcessChannels.get(channel, Consumer.class);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                consumer.accept(element);
            }

            @Override
            public void flush(boolean endOfInput) {
                // Nothing is buffered: every record went to the consumer in write().
            }

            @Override
            public void close() {}
        };
    }
}
