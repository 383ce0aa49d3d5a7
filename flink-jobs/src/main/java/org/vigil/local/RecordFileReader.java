package org.vigil.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import org.vigil.event.DeadLetterReason;

/**
 * Reads the records of one recorded event file with the line each starts on: one record per line (JSON lines or
 * raw log lines, handed on as the line's bytes), the elements of a JSON array (the exact bytes of each element,
 * so a record has the same content id as in JSON lines), or concatenated JSON documents spread over several lines
 * each, as evtx converters write them (the exact bytes of each document). Gzip-compressed files are read
 * transparently.
 *
 * <p>Lines are streamed; a JSON array file and a file of concatenated documents are read into memory whole
 * (decompressed), to cut out each element's bytes. Blank lines are not records. A line longer than the record limit, or a JSON array that breaks off, becomes
 * a refused record, so it is reported as a dead letter rather than lost.
 */
final class RecordFileReader implements Iterator<RecordFileReader.Record>, Closeable {
    /** One record: its bytes and 1-based line, or why the reader refused it (then {@code value} is what was kept). */
    record Record(long line, byte[] value, DeadLetterReason refused, String message) {}

    private static final JsonFactory JSON = new JsonFactory();
    private static final int PEEK_BYTES = 64 * 1024;

    private final InputStream in;
    private final int maxRecordBytes;
    private final ArrayElements array;
    private long line;
    private Record next;
    private long recordsRead;

    private RecordFileReader(InputStream in, int maxRecordBytes, boolean isArray, boolean isConcatenated) throws IOException {
        this.in = in;
        this.maxRecordBytes = maxRecordBytes;
        this.array = isArray || isConcatenated ? new ArrayElements(in.readAllBytes(), isArray) : null;
    }

    /** Opens {@code file}, detecting gzip and JSON arrays from its first bytes. */
    static RecordFileReader open(Path file, int maxRecordBytes) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), PEEK_BYTES);
        try {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(raw, PEEK_BYTES), PEEK_BYTES) : raw;
            boolean isArray = startsJsonArray(in);
            return new RecordFileReader(in, maxRecordBytes, isArray, !isArray && startsMultiLineDocument(in));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Whether the text starts with {@code [} and then an object or {@code ]}: a JSON array of records. A raw log
     * line may start with {@code [} too (an Apache error log's date), but not with one followed by {@code {}.
     */
    private static boolean startsJsonArray(InputStream in) throws IOException {
        in.mark(PEEK_BYTES);
        try {
            byte[] head = in.readNBytes(PEEK_BYTES);
            int i = head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf ? 3 : 0;
            i = skipBlanks(head, i);
            if (i >= head.length || head[i] != '[') {
                return false;
            }
            i = skipBlanks(head, i + 1);
            return i < head.length && (head[i] == '{' || head[i] == ']');
        } finally {
            in.reset();
        }
    }

    /**
     * Whether the text starts with a JSON object that runs over more than one line: pretty-printed documents, one
     * after the other. A JSON-lines file's first object ends on its first line, a broken one is left to the line
     * reader, which reports it as the dead letter of its line.
     */
    private static boolean startsMultiLineDocument(InputStream in) throws IOException {
        in.mark(PEEK_BYTES);
        try {
            byte[] head = in.readNBytes(PEEK_BYTES);
            int i = head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf ? 3 : 0;
            i = skipBlanks(head, i);
            if (i >= head.length || head[i] != '{') {
                return false;
            }
            int firstLineEnd = i;
            while (firstLineEnd < head.length && head[firstLineEnd] != '\n') {
                firstLineEnd++;
            }
            if (firstLineEnd >= head.length) {
                return false;
            }
            try (JsonParser parser = JSON.createParser(head)) {
                parser.nextToken();
                parser.skipChildren();
                // The first object closes after its first line: documents spread over lines.
                return parser.currentLocation().getByteOffset() > firstLineEnd;
            } catch (JsonProcessingException e) {
                // Cut off by the peek (a document longer than it) still means it spans lines; anything else is
                // broken JSON, which the line reader reports.
                return e.getMessage() != null && e.getMessage().contains("end-of-input");
            }
        } finally {
            in.reset();
        }
    }

    private static int skipBlanks(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }

    /** How many records this reader has returned. */
    long recordsRead() {
        return recordsRead;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = array != null ? array.next() : nextLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return next != null;
    }

    @Override
    public Record next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Record r = next;
        next = null;
        recordsRead++;
        return r;
    }

    /** The next non-blank line, without its line break; null at the end. */
    private Record nextLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        while (true) {
            bytes.reset();
            long length = 0;
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (length++ < maxRecordBytes) {
                    bytes.write(b);
                }
            }
            if (b < 0 && length == 0) {
                return null;
            }
            line++;
            byte[] value = bytes.toByteArray();
            int end = value.length;
            if (end > 0 && value[end - 1] == '\r' && length <= maxRecordBytes) {
                end--;
                length--;
            }
            if (length > maxRecordBytes) {
                return new Record(line, value, DeadLetterReason.TOO_LARGE, "line is " + length
                        + " bytes, more than the limit of " + maxRecordBytes + "; the dead letter keeps its first "
                        + maxRecordBytes + " bytes");
            }
            if (!isBlank(value, end)) {
                return new Record(line, end == value.length ? value : Arrays.copyOf(value, end), null, null);
            }
            if (b < 0) {
                return null;
            }
        }
    }

    private static boolean isBlank(byte[] value, int end) {
        for (int i = 0; i < end; i++) {
            if (value[i] != ' ' && value[i] != '\t' && value[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * The elements of a JSON array, or the documents of concatenated JSON, held in memory, each cut out as the exact
     * bytes the file has.
     */
    private static final class ArrayElements {
        private final byte[] text;
        private final JsonParser parser;
        private final boolean inArray;
        private boolean done;

        ArrayElements(byte[] text, boolean inArray) throws IOException {
            this.text = text;
            this.inArray = inArray;
            this.parser = JSON.createParser(text);
            if (inArray) {
                parser.nextToken(); // the opening '[' seen by startsJsonArray
            }
        }

        Record next() throws IOException {
            if (done) {
                return null;
            }
            long line = parser.currentLocation().getLineNr();
            try {
                JsonToken token = parser.nextToken();
                line = parser.currentTokenLocation().getLineNr();
                if (!inArray && token == null) {
                    done = true;
                    return null;
                }
                if (inArray && token == JsonToken.END_ARRAY) {
                    done = true;
                    if (parser.nextToken() != null) {
                        return new Record(parser.currentTokenLocation().getLineNr(), new byte[0],
                                DeadLetterReason.INVALID_JSON, "content after the end of the JSON array is not read");
                    }
                    return null;
                }
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int end = (int) parser.currentLocation().getByteOffset();
                return new Record(line, Arrays.copyOfRange(text, start, end), null, null);
            } catch (JsonProcessingException e) {
                done = true;
                long at = e.getLocation() == null ? line : e.getLocation().getLineNr();
                int from = (int) Math.max(0, Math.min(text.length, parser.currentTokenLocation().getByteOffset()));
                byte[] rest = Arrays.copyOfRange(text, from, Math.min(text.length, from + 64 * 1024));
                return new Record(at, rest, DeadLetterReason.INVALID_JSON, (inArray ? "the JSON array" : "the JSON document")
                        + " breaks off: "
                        + e.getOriginalMessage().replaceAll("\\s+", " ") + "; the rest of the file is not read");
            }
        }
    }
}
