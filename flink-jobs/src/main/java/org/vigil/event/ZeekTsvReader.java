package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns one data line of a Zeek ASCII (TSV) log into the record Zeek's JSON writer would have written for it, with
 * {@code _path} added, so {@link ZeekNormaliser} maps both forms alike.
 *
 * <p>Columns are named and typed by the {@link ZeekTsvHeader} read before the line. Unset values ({@code -}) are left
 * out, as the JSON writer leaves them out; {@code (empty)} is an empty set, vector or string; sets and vectors are
 * split on the set separator; {@code \xHH} escapes are decoded. A line read without a {@code #fields} header is
 * named by Zeek's default columns ({@link ZeekDefaultFields}) of the log the reader is configured with, else of the
 * log whose default column count, and then column types, fit the line.
 */
public final class ZeekTsvReader implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern EPOCH_SECONDS = Pattern.compile("-?\\d{1,12}(\\.\\d{1,9})?");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,19}");

    private final ZeekLog defaultLog;

    /**
     * A reader for lines of any Zeek log; {@code defaultLog}, when not null, names the log of lines that arrive
     * without a {@code #fields} or {@code #path} header (from the topic's configuration).
     */
    public ZeekTsvReader(ZeekLog defaultLog) {
        this.defaultLog = defaultLog;
    }

    /**
     * The record of one data line under {@code header}.
     *
     * @throws RejectedEventException {@link DeadLetterReason#MALFORMED_LINE} when the line's column count does not
     *     match its header (or any default field list), {@link DeadLetterReason#BAD_FIELD} when a value does not fit
     *     its column's type
     */
    public ObjectNode read(ZeekTsvHeader header, String line) throws RejectedEventException {
        String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (text.isEmpty()) {
            throw new RejectedEventException(DeadLetterReason.EMPTY, "Zeek TSV line is empty");
        }
        String[] columns = split(text, header.separator());
        if (!header.fields().isEmpty()) {
            if (columns.length != header.fields().size()) {
                throw new RejectedEventException(DeadLetterReason.MALFORMED_LINE, "Zeek TSV line has "
                        + columns.length + " columns; its #fields header names " + header.fields().size());
            }
            String path = header.path() != null ? header.path() : defaultLog == null ? null : defaultLog.path();
            return record(header, columns, header.fields(), typesOf(header), path);
        }
        ZeekLog log = defaultLog != null ? defaultLog : ZeekLog.ofPath(header.path());
        List<ZeekDefaultFields> candidates = ZeekDefaultFields.withColumns(columns.length, log);
        if (candidates.isEmpty()) {
            throw new RejectedEventException(DeadLetterReason.MALFORMED_LINE, "Zeek TSV line without a #fields "
                    + "header has " + columns.length + " columns, which is no default column count of "
                    + (log == null ? "conn, dns, http or ssl " + ZeekDefaultFields.columnCounts(null)
                            : log.path() + " " + ZeekDefaultFields.columnCounts(log))
                    + "; send the log with its # header lines");
        }
        RejectedEventException firstMisfit = null;
        for (ZeekDefaultFields candidate : candidates) {
            try {
                String path = header.path() != null ? header.path() : candidate.log().path();
                return record(header, columns, candidate.fields(), candidate.types(), path);
            } catch (RejectedEventException e) {
                if (firstMisfit == null) {
                    firstMisfit = new RejectedEventException(e.reason(), e.getMessage() + ", read as Zeek's default "
                            + candidate.log().path() + " columns of " + candidate.release());
                }
            }
        }
        throw firstMisfit;
    }

    private static List<String> typesOf(ZeekTsvHeader header) {
        if (header.types().size() == header.fields().size()) {
            return header.types();
        }
        // A header without #types: the types Zeek gives these names by default, else plain text.
        List<String> types = new ArrayList<>();
        for (String field : header.fields()) {
            String type = ZeekDefaultFields.typeOf(field);
            types.add(type == null ? "string" : type);
        }
        return types;
    }

    private static ObjectNode record(ZeekTsvHeader header, String[] columns, List<String> fields, List<String> types,
            String path) throws RejectedEventException {
        ObjectNode record = NODES.objectNode();
        if (path != null && !path.isEmpty()) {
            record.put(ZeekNormaliser.PATH_FIELD, path);
        }
        for (int i = 0; i < columns.length; i++) {
            String raw = columns[i];
            if (raw.equals(header.unsetField())) {
                continue;
            }
            String type = types.get(i).trim().toLowerCase(Locale.ROOT);
            String elementType = elementType(type);
            JsonNode value;
            if (elementType != null) {
                value = container(header, raw, elementType, fields.get(i));
            } else if (raw.equals(header.emptyField())) {
                value = isText(type) ? NODES.textNode("") : null;
                if (value == null) {
                    throw misfit(fields.get(i), type, raw);
                }
            } else {
                value = scalar(unescape(raw), type, fields.get(i));
            }
            record.set(fields.get(i), value);
        }
        return record;
    }

    private static ArrayNode container(ZeekTsvHeader header, String raw, String elementType, String field)
            throws RejectedEventException {
        ArrayNode values = NODES.arrayNode();
        if (raw.equals(header.emptyField())) {
            return values;
        }
        for (String element : split(raw, header.setSeparator())) {
            if (!element.equals(header.unsetField())) {
                values.add(scalar(unescape(element), elementType, field));
            }
        }
        return values;
    }

    /** The element type of {@code set[T]}, {@code vector[T]} or {@code table[T]}; null for other types. */
    private static String elementType(String type) {
        int open = type.indexOf('[');
        if (open < 0 || !type.endsWith("]")) {
            return null;
        }
        String container = type.substring(0, open);
        boolean collection = container.equals("set") || container.equals("vector") || container.equals("table");
        return collection ? type.substring(open + 1, type.length() - 1) : null;
    }

    private static boolean isText(String type) {
        return switch (type) {
            case "time", "interval", "double", "count", "counter", "int", "port", "bool" -> false;
            default -> true;
        };
    }

    private static JsonNode scalar(String value, String type, String field) throws RejectedEventException {
        switch (type) {
            case "time":
                if (!EPOCH_SECONDS.matcher(value).matches()) {
                    throw misfit(field, type, value);
                }
                // Exact decimal: the milliseconds come out as Zeek wrote them, as from its JSON.
                return NODES.numberNode(new BigDecimal(value));
            case "interval":
            case "double":
                try {
                    double number = Double.parseDouble(value);
                    if (Double.isNaN(number) || Double.isInfinite(number) || !value.matches("[-+0-9.eE]+")) {
                        throw misfit(field, type, value);
                    }
                    return NODES.numberNode(number);
                } catch (NumberFormatException e) {
                    throw misfit(field, type, value);
                }
            case "count":
            case "counter":
            case "int":
            case "port":
                if (!INTEGER.matcher(value).matches()) {
                    throw misfit(field, type, value);
                }
                try {
                    return NODES.numberNode(Long.parseLong(value));
                } catch (NumberFormatException e) {
                    // Nineteen digits can exceed a long; Zeek's count is unsigned 64-bit. Kept exact, as text.
                    return NODES.textNode(value);
                }
            case "bool":
                if (value.equals("T") || value.equals("F")) {
                    return NODES.booleanNode(value.equals("T"));
                }
                throw misfit(field, type, value);
            default:
                // addr, subnet, string, enum, pattern and types Zeek may add: text, as its JSON writer writes them.
                return NODES.textNode(value);
        }
    }

    private static RejectedEventException misfit(String field, String type, String value) {
        String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return new RejectedEventException(DeadLetterReason.BAD_FIELD,
                "Zeek TSV column " + field + " of type " + type + " holds '" + shown + "'");
    }

    /** Splits on a literal separator, keeping empty columns (a trailing one too). */
    static String[] split(String line, String separator) {
        if (separator.isEmpty()) {
            return new String[] {line};
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int at = line.indexOf(separator); at >= 0; at = line.indexOf(separator, from)) {
            parts.add(line.substring(from, at));
            from = at + separator.length();
        }
        parts.add(line.substring(from));
        return parts.toArray(new String[0]);
    }

    /**
     * Decodes Zeek's escapes: {@code \xHH} for a byte (separators inside values, control and non-ASCII bytes) and
     * {@code \\} for a backslash; bytes that are not UTF-8 become U+FFFD, as text must.
     */
    static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        StringBuilder plain = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '\\' && i + 3 < value.length() && value.charAt(i + 1) == 'x'
                    && hex(value.charAt(i + 2)) >= 0 && hex(value.charAt(i + 3)) >= 0) {
                flush(plain, bytes);
                bytes.write(hex(value.charAt(i + 2)) << 4 | hex(value.charAt(i + 3)));
                i += 4;
            } else if (c == '\\' && i + 1 < value.length() && value.charAt(i + 1) == '\\') {
                plain.append('\\');
                i += 2;
            } else {
                plain.append(c);
                i++;
            }
        }
        flush(plain, bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void flush(StringBuilder plain, ByteArrayOutputStream bytes) {
        if (plain.length() > 0) {
            bytes.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
            plain.setLength(0);
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128 ? Character.digit(c, 16) : -1;
    }
}
