package org.vigil.job;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Wraps the job's real source for failure tests: slows reading to a fixed pace per record and, when asked, lets
 * each reader emit only so many records per completed checkpoint, so checkpoints complete mid-stream however
 * busy the machine is; and fails the job once at a planned point (a record count, right after a checkpoint
 * completes, or while a checkpoint is being taken).
 *
 * <p>The MiniCluster runs in the test's JVM, so the shared {@link Control} of a run is found by its name
 * after Flink has serialized and copied the source.
 */
final class ChaosSource<T, S extends SourceSplit, E> implements Source<T, S, E>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Control> CONTROLS = new ConcurrentHashMap<>();

    /** Where the one failure of a run happens. */
    enum FaultKind { NONE, AT_RECORD, AFTER_CHECKPOINT, DURING_CHECKPOINT }

    /** The planned failure: after {@code n} records in all, or at checkpoint {@code n}. */
    record Fault(FaultKind kind, long n) implements java.io.Serializable {
        static Fault none() {
            return new Fault(FaultKind.NONE, 0);
        }
    }

    /** What a run's readers did, shared with the test. */
    static final class Control {
        final AtomicLong emitted = new AtomicLong();
        final AtomicBoolean failed = new AtomicBoolean();
        final AtomicLong lastCompletedCheckpoint = new AtomicLong();
        /** The last checkpoint completed when the failure was injected, i.e. the one the job restores from. */
        final AtomicLong checkpointBeforeFailure = new AtomicLong(-1);
    }

    private final Source<T, S, E> delegate;
    private final String run;
    private final long pauseNanosPerRecord;
    private final long recordsPerCheckpoint;
    private final Fault fault;

    private ChaosSource(Source<T, S, E> delegate, String run, long pauseNanosPerRecord, long recordsPerCheckpoint,
                        Fault fault) {
        this.delegate = delegate;
        this.run = run;
        this.pauseNanosPerRecord = pauseNanosPerRecord;
        this.recordsPerCheckpoint = recordsPerCheckpoint;
        this.fault = fault;
    }

    /**
     * Wraps {@code delegate}; {@code run} names the shared control, which starts fresh. A positive
     * {@code recordsPerCheckpoint} holds each reader back until another checkpoint completes whenever it has
     * emitted that many records per checkpoint completed since it started.
     */
    static <T, S extends SourceSplit, E> ChaosSource<T, S, E> wrap(Source<T, S, E> delegate, String run,
                                                                  long pauseMicrosPerRecord, long recordsPerCheckpoint,
                                                                  Fault fault) {
        CONTROLS.put(run, new Control());
        return new ChaosSource<>(delegate, run, TimeUnit.MICROSECONDS.toNanos(pauseMicrosPerRecord),
                recordsPerCheckpoint, fault);
    }

    static Control control(String run) {
        return CONTROLS.get(run);
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context) throws Exception {
        return delegate.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint) throws Exception {
        return delegate.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<S> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<T> getProducedType() {
        return ((ResultTypeQueryable<T>) delegate).getProducedType();
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        return new ChaosReader(delegate.createReader(context), CONTROLS.get(run));
    }

    /** The delegate's reader, paced and with the planned failure. */
    private final class ChaosReader implements SourceReader<T, S> {
        private final SourceReader<T, S> reader;
        private final Control control;
        private PacedReaderOutput paced;
        private long emittedHere;
        private long checkpointsHere;
        /** Completed by the next completed checkpoint while this reader has used up its budget; else null. */
        private CompletableFuture<Void> waitingForCheckpoint;

        ChaosReader(SourceReader<T, S> reader, Control control) {
            this.reader = reader;
            this.control = control;
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            if (recordsPerCheckpoint > 0 && emittedHere >= (checkpointsHere + 1) * recordsPerCheckpoint) {
                if (waitingForCheckpoint == null) {
                    waitingForCheckpoint = new CompletableFuture<>();
                }
                return InputStatus.NOTHING_AVAILABLE;
            }
            if (paced == null || paced.output != output) {
                paced = new PacedReaderOutput(output);
            }
            return reader.pollNext(paced);
        }

        @Override
        public List<S> snapshotState(long checkpointId) {
            if (fault.kind() == FaultKind.DURING_CHECKPOINT && checkpointId >= fault.n()) {
                failOnce("while taking checkpoint " + checkpointId);
            }
            return reader.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            control.lastCompletedCheckpoint.accumulateAndGet(checkpointId, Math::max);
            checkpointsHere++;
            if (waitingForCheckpoint != null) {
                CompletableFuture<Void> waiting = waitingForCheckpoint;
                waitingForCheckpoint = null;
                waiting.complete(null);
            }
            reader.notifyCheckpointComplete(checkpointId);
            if (fault.kind() == FaultKind.AFTER_CHECKPOINT && checkpointId >= fault.n()) {
                failOnce("right after checkpoint " + checkpointId + " completed");
            }
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return waitingForCheckpoint != null ? waitingForCheckpoint : reader.isAvailable();
        }

        @Override
        public void addSplits(List<S> splits) {
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(org.apache.flink.api.connector.source.SourceEvent event) {
            reader.handleSourceEvents(event);
        }

        @Override
        public void pauseOrResumeSplits(java.util.Collection<String> pause, java.util.Collection<String> resume) {
            reader.pauseOrResumeSplits(pause, resume);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }

        private void emitted() {
            long n = control.emitted.incrementAndGet();
            emittedHere++;
            if (pauseNanosPerRecord > 0) {
                LockSupport.parkNanos(pauseNanosPerRecord);
            }
            if (fault.kind() == FaultKind.AT_RECORD && n >= fault.n()) {
                failOnce("at record " + n);
            }
        }

        private void failOnce(String where) {
            if (control.failed.compareAndSet(false, true)) {
                control.checkpointBeforeFailure.set(control.lastCompletedCheckpoint.get());
                throw new InjectedFailure("injected failure " + where);
            }
        }

        /** Counts and paces every record it passes on. */
        private class PacedOutput<O extends SourceOutput<T>> implements SourceOutput<T> {
            final O output;

            PacedOutput(O output) {
                this.output = output;
            }

            @Override
            public void collect(T record) {
                output.collect(record);
                emitted();
            }

            @Override
            public void collect(T record, long timestamp) {
                output.collect(record, timestamp);
                emitted();
            }

            @Override
            public void emitWatermark(Watermark watermark) {
                output.emitWatermark(watermark);
            }

            @Override
            public void markIdle() {
                output.markIdle();
            }

            @Override
            public void markActive() {
                output.markActive();
            }
        }

        /** The reader's output, whose per-split outputs (the Kafka reader uses those) are paced too. */
        private final class PacedReaderOutput extends PacedOutput<ReaderOutput<T>> implements ReaderOutput<T> {
            PacedReaderOutput(ReaderOutput<T> output) {
                super(output);
            }

            @Override
            public SourceOutput<T> createOutputForSplit(String splitId) {
                return new PacedOutput<>(output.createOutputForSplit(splitId));
            }

            @Override
            public void releaseOutputForSplit(String splitId) {
                output.releaseOutputForSplit(splitId);
            }
        }
    }

    /** The planned failure; its type makes it recognisable in logs. */
    static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }
}
