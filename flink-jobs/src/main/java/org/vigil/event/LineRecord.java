package org.vigil.event;

import java.nio.charset.StandardCharsets;

/** A record value read as one text line of a line format: UTF-8 text, one line per record. */
final class LineRecord {

    private static final int SHOWN_CHARS = 60;

    private LineRecord() {}

    /**
     * The record's line: its UTF-8 text without a byte-order mark, leading blanks and the line breaks a shipper may
     * leave at its end. The bytes are already known to be UTF-8.
     *
     * @throws RejectedEventException when only blanks remain, or the record holds several lines (a shipper that
     *     sends a file per record): one line per record keeps each line's offset and dead letter its own
     */
    static String text(byte[] value) throws RejectedEventException {
        String text = new String(value, StandardCharsets.UTF_8);
        int start = text.startsWith("\uFEFF") ? 1 : 0;
        int end = text.length();
        while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        // Blanks only: a tab may separate an empty first value in a tab-separated format.
        while (start < end && text.charAt(start) == ' ') {
            start++;
        }
        String line = text.substring(start, end);
        if (line.isBlank()) {
            throw new RejectedEventException(DeadLetterReason.EMPTY, "record value is only whitespace");
        }
        int lineBreak = firstLineBreak(line);
        if (lineBreak >= 0) {
            throw new RejectedEventException(DeadLetterReason.MALFORMED_LINE, "record holds more than one line "
                    + "(a line break at character " + (start + lineBreak) + "); send one log line per record");
        }
        return line;
    }

    /** The index of the first byte that is not a blank, line break or byte-order mark, or -1 when there is none. */
    static int firstNonBlank(byte[] value) {
        int i = value.length >= 3 && (value[0] & 0xFF) == 0xEF && (value[1] & 0xFF) == 0xBB && (value[2] & 0xFF) == 0xBF
                ? 3 : 0;
        while (i < value.length && (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' || value[i] == '\n')) {
            i++;
        }
        return i < value.length ? i : -1;
    }

    /** The start of a line for a message: enough to recognise it, never the whole (the dead letter keeps that). */
    static String start(String line) {
        return line.length() > SHOWN_CHARS ? line.substring(0, SHOWN_CHARS) + "..." : line;
    }

    private static int firstLineBreak(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\n' || line.charAt(i) == '\r') {
                return i;
            }
        }
        return -1;
    }
}
