package org.vigil.taxii;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collection's append-only JSON-lines file: one line per accepted POST or feed record, written and fsync'd before
 * the request is answered or the record counted as consumed, so a restart loses nothing that was acknowledged.
 *
 * <p>A last line cut short by a crash (no newline) was never acknowledged; opening the log cuts it off.
 */
final class CollectionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionLog.class);

    private final Path file;
    private final FileChannel channel;

    private CollectionLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (creating if needed) the log at {@code file} and returns it with the complete lines it holds. */
    static Opened open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            boolean created = !Files.exists(file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (created) {
                channel.force(true);
                syncDirectory(file.toAbsolutePath().getParent());
            }
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            if (end < bytes.length) {
                LOG.warn("{}: cutting off an incomplete last line of {} bytes left by an interrupted write "
                        + "(never acknowledged)", file, bytes.length - end);
                channel.truncate(end);
                channel.force(true);
            }
            List<String> lines = new ArrayList<>();
            for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            channel.position(end);
            return new Opened(new CollectionLog(file, channel), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the collection log " + file, e);
        }
    }

    /** Appends one line and forces it to disk before returning. */
    synchronized void append(String line) {
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a log entry must be a single line");
        }
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the collection log " + file, e);
        }
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing {}", file, e);
        }
    }

    private static void syncDirectory(Path dir) {
        // Makes the new file's directory entry durable too; not every platform can open a directory, so best effort.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot fsync directory {}", dir, e);
        }
    }

    /** An opened log and the lines it already held. */
    record Opened(CollectionLog log, List<String> lines) {}
}
