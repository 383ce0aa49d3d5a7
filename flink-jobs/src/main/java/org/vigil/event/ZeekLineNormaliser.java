package org.vigil.event;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads Zeek ASCII (TSV) log lines one at a time: header lines become the source's {@link ZeekTsvHeader}, data lines
 * become Zeek records through {@link ZeekTsvReader} and events through {@link ZeekNormaliser}, exactly as the same
 * record written as JSON.
 *
 * <p>The parser keeps the header each source last sent and hands it back with every data line; records of the same
 * {@code zeek} format that start with '{' are Zeek's JSON and go to {@link ZeekNormaliser} directly.
 */
public final class ZeekLineNormaliser implements LineNormaliser<ZeekTsvHeader> {

    /** Zeek's header directives; IIS's "#Fields:" and other '#' lines are not Zeek's. */
    private static final List<String> DIRECTIVES = List.of("#separator", "#set_separator", "#empty_field",
            "#unset_field", "#path", "#open", "#fields", "#types", "#close");
    /** A data line starts with Zeek's ts: epoch seconds with six decimals (fewer from some writers). */
    private static final Pattern LEADING_TIME = Pattern.compile("\\d{9,11}\\.\\d{1,9}");
    /** Fewer columns than the smallest Zeek log (ts, uid or fuid, and something) is not a Zeek line. */
    private static final int MIN_COLUMNS = 3;

    private static final ZeekNormaliser RECORDS = new ZeekNormaliser();
    private static final ZeekTsvReader READER = new ZeekTsvReader(null);

    @Override
    public EventFormat format() {
        return EventFormat.ZEEK;
    }

    @Override
    public String shapes() {
        return "a Zeek TSV log line (epoch-seconds ts, then tab-separated columns named by #fields or Zeek's defaults "
                + "for conn, dns, http and ssl)";
    }

    /**
     * Before any header line: Zeek's separators and markers and no columns, so data lines are named by Zeek's
     * default columns of the log that fits them.
     */
    @Override
    public ZeekTsvHeader defaultHeader() {
        return ZeekTsvHeader.DEFAULT;
    }

    @Override
    public boolean isHeaderLine(String line) {
        if (!line.startsWith("#")) {
            return false;
        }
        for (String directive : DIRECTIVES) {
            if (line.startsWith(directive) && line.length() > directive.length()
                    && !Character.isLetterOrDigit(line.charAt(directive.length()))
                    && line.charAt(directive.length()) != '_') {
                return true;
            }
        }
        return false;
    }

    /**
     * The source's header after this header line.
     *
     * @throws RejectedEventException ({@link DeadLetterReason#MALFORMED_LINE}) for a {@code #separator} line without
     *     a separator, a directive without the separator after it, or {@code #fields} or {@code #types} with an empty
     *     name; the source keeps its header
     */
    @Override
    public ZeekTsvHeader readHeader(String line, ZeekTsvHeader current) throws RejectedEventException {
        ZeekTsvHeader next = current.with(line);
        if (line.startsWith("#separator ")) {
            if (next == current) {
                throw malformedHeader("#separator line without a separator", line);
            }
            return next;
        }
        if (!line.contains(current.separator())) {
            throw malformedHeader("Zeek header line without its separator", line);
        }
        if (line.startsWith("#set_separator") && next == current) {
            throw malformedHeader("#set_separator line without a separator", line);
        }
        boolean columns = line.startsWith("#fields") || line.startsWith("#types");
        List<String> names = line.startsWith("#fields") ? next.fields() : next.types();
        if (columns && names.stream().anyMatch(String::isBlank)) {
            throw malformedHeader("Zeek header line with an empty column name or type", line);
        }
        return next;
    }

    private static RejectedEventException malformedHeader(String problem, String line) {
        String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
        return new RejectedEventException(DeadLetterReason.MALFORMED_LINE, problem + ": " + shown);
    }

    /**
     * Whether a line looks like Zeek data: an epoch-seconds ts column, then more columns. The column count is not
     * compared with the header here, so a line that does not fit it is refused as malformed, not as unknown.
     */
    @Override
    public boolean recognises(String line, ZeekTsvHeader header) {
        int end = line.indexOf(header.separator());
        return end > 0 && LEADING_TIME.matcher(line.substring(0, end)).matches()
                && ZeekTsvReader.split(line, header.separator()).length >= MIN_COLUMNS;
    }

    /** Fills the event from one data line read under its source's header. */
    @Override
    public void normalise(String line, ZeekTsvHeader header, SecurityEvent.Builder event)
            throws RejectedEventException {
        RECORDS.normalise(READER.read(header, line), event);
    }
}
