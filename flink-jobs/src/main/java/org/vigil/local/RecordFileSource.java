package org.vigil.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceEnumerator;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceReaderBase;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceSplit;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.vigil.event.DeadLetter;
import org.vigil.event.EventParser;
import org.vigil.event.ParseResult;

/**
 * A bounded source of recorded event files: each file is one split, read by {@link RecordFileReader} and parsed by
 * the job's {@link EventParser}, with the file as the record's source name and its line as the offset, so a dead
 * letter points at {@code file:line}.
 */
final class RecordFileSource implements Source<ParseResult, RecordFileSource.FileSplit, Collection<RecordFileSource.FileSplit>>,
        ResultTypeQueryable<ParseResult> {
    private static final long serialVersionUID = 1L;

    private final List<String> files;
    private final EventParser parser;
    private final String progressChannel;

    /** Reads {@code files} (as given, also their names in dead letters); counts go to a {@link Progress} channel. */
    RecordFileSource(List<String> files, EventParser parser, String progressChannel) {
        this.files = List.copyOf(files);
        this.parser = parser;
        this.progressChannel = progressChannel;
    }

    /** Records read, how many were dead letters and header lines, shared with the command that runs the job. */
    static final class Progress {
        final AtomicLong records = new AtomicLong();
        final AtomicLong deadLetters = new AtomicLong();
        final AtomicLong headerLines = new AtomicLong();
        final AtomicLong filesDone = new AtomicLong();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public TypeInformation<ParseResult> getProducedType() {
        return TypeInformation.of(ParseResult.class);
    }

    @Override
    public SplitEnumerator<FileSplit, Collection<FileSplit>> createEnumerator(SplitEnumeratorContext<FileSplit> context) {
        List<FileSplit> splits = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            splits.add(new FileSplit(i, files.get(i), 0));
        }
        return new IteratorSourceEnumerator<>(context, splits);
    }

    @Override
    public SplitEnumerator<FileSplit, Collection<FileSplit>> restoreEnumerator(SplitEnumeratorContext<FileSplit> context,
                                                                              Collection<FileSplit> remaining) {
        return new IteratorSourceEnumerator<>(context, remaining);
    }

    @Override
    public SimpleVersionedSerializer<FileSplit> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<FileSplit>> getEnumeratorCheckpointSerializer() {
        return new SplitsSerializer();
    }

    @Override
    public SourceReader<ParseResult, FileSplit> createReader(SourceReaderContext context) {
        return new FileReader(context, parser, InProcessChannels.get(progressChannel, Progress.class));
    }

    /** One file, and how many of its records were already read (after a restore). */
    static final class FileSplit implements IteratorSourceSplit<RecordFileReader.Record, RecordFileReader> {
        final int index;
        final String file;
        final long recordsToSkip;

        FileSplit(int index, String file, long recordsToSkip) {
            this.index = index;
            this.file = file;
            this.recordsToSkip = recordsToSkip;
        }

        @Override
        public String splitId() {
            return index + ":" + file;
        }

        @Override
        public RecordFileReader getIterator() {
            try {
                RecordFileReader reader = RecordFileReader.open(Path.of(file), EventParser.DEFAULT_MAX_RECORD_BYTES);
                for (long i = 0; i < recordsToSkip && reader.hasNext(); i++) {
                    reader.next();
                }
                return reader;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        @Override
        public FileSplit getUpdatedSplitForIterator(RecordFileReader reader) {
            return new FileSplit(index, file, reader.recordsRead());
        }
    }

    /** Reads its files one after the other, parsing each record; closes a file it stops reading. */
    private static final class FileReader extends IteratorSourceReaderBase<RecordFileReader.Record, ParseResult, RecordFileReader, FileSplit> {
        private final EventParser parser;
        private final Progress progress;

        FileReader(SourceReaderContext context, EventParser parser, Progress progress) {
            super(context);
            this.parser = parser;
            this.progress = progress;
        }

        @Override
        protected ParseResult convert(RecordFileReader.Record record) {
            String file = currentSplit.file;
            ParseResult result = record.refused() == null
                    ? parser.parse(record.value(), file, 0, record.line())
                    : ParseResult.of(new DeadLetter(record.refused(), record.message(), file, 0, record.line(),
                            record.value(), System.currentTimeMillis()));
            progress.records.incrementAndGet();
            if (result.isDeadLetter()) {
                progress.deadLetters.incrementAndGet();
            } else if (result.isHeaderLine()) {
                progress.headerLines.incrementAndGet();
            }
            return result;
        }

        @Override
        protected void finishSplit() {
            closeFile();
            progress.filesDone.incrementAndGet();
            super.finishSplit();
        }

        @Override
        public void close() throws Exception {
            closeFile();
            super.close();
        }

        private void closeFile() {
            if (iterator != null) {
                try {
                    iterator.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static final class SplitSerializer implements SimpleVersionedSerializer<FileSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(FileSplit split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64);
            write(split, out);
            return out.getCopyOfBuffer();
        }

        @Override
        public FileSplit deserialize(int version, byte[] serialized) throws IOException {
            return read(new DataInputDeserializer(serialized));
        }

        static void write(FileSplit split, DataOutputSerializer out) throws IOException {
            out.writeInt(split.index);
            out.writeUTF(split.file);
            out.writeLong(split.recordsToSkip);
        }

        static FileSplit read(DataInputDeserializer in) throws IOException {
            return new FileSplit(in.readInt(), in.readUTF(), in.readLong());
        }
    }

    private static final class SplitsSerializer implements SimpleVersionedSerializer<Collection<FileSplit>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Collection<FileSplit> splits) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeInt(splits.size());
            for (FileSplit split : splits) {
                SplitSerializer.write(split, out);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public Collection<FileSplit> deserialize(int version, byte[] serialized) throws IOException {
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            int n = in.readInt();
            List<FileSplit> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                splits.add(SplitSerializer.read(in));
            }
            return splits;
        }
    }
}
