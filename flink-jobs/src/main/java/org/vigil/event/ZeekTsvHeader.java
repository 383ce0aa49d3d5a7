package org.vigil.event;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What the {@code #} lines at the top of a Zeek ASCII (TSV) log say about the lines after them: separators, the
 * markers for empty and unset values, the log's path and its field names and types.
 *
 * <p>Immutable: {@link #with(String)} returns the header after one more header line, so a reader can keep one per
 * source (file, or Kafka partition) in state. A header without {@code #fields} is Zeek's defaults, under which
 * {@link ZeekTsvReader} falls back to the default field lists of {@link ZeekDefaultFields}.
 */
public final class ZeekTsvHeader implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Before any header line: Zeek's default separators and markers, no path, no fields. */
    public static final ZeekTsvHeader DEFAULT = new ZeekTsvHeader("\t", ",", "(empty)", "-", null, List.of(), List.of());

    private static final String SEPARATOR_DIRECTIVE = "#separator";

    private final String separator;
    private final String setSeparator;
    private final String emptyField;
    private final String unsetField;
    private final String path;
    private final List<String> fields;
    private final List<String> types;

    private ZeekTsvHeader(String separator, String setSeparator, String emptyField, String unsetField, String path,
            List<String> fields, List<String> types) {
        this.separator = separator;
        this.setSeparator = setSeparator;
        this.emptyField = emptyField;
        this.unsetField = unsetField;
        this.path = path;
        this.fields = List.copyOf(fields);
        this.types = List.copyOf(types);
    }

    /** Whether a line of a Zeek log is a header line rather than a record. */
    public static boolean isHeaderLine(String line) {
        return line.startsWith("#");
    }

    /**
     * The header after reading one more header line; unknown directives ({@code #open}, {@code #close}, comments)
     * leave it as it is. A new {@code #separator} starts a new header, as it begins each log file Zeek writes.
     *
     * @throws IllegalArgumentException when the line is not a header line
     */
    public ZeekTsvHeader with(String line) {
        if (!isHeaderLine(line)) {
            throw new IllegalArgumentException("not a Zeek header line: " + line);
        }
        // "#separator \x09" is the one directive separated by a space: the separator is not known before it.
        if (line.startsWith(SEPARATOR_DIRECTIVE + " ")) {
            String value = ZeekTsvReader.unescape(line.substring(SEPARATOR_DIRECTIVE.length() + 1));
            if (value.isEmpty()) {
                return this;
            }
            return new ZeekTsvHeader(value, DEFAULT.setSeparator, DEFAULT.emptyField, DEFAULT.unsetField, null,
                    List.of(), List.of());
        }
        int split = line.indexOf(separator);
        if (split < 0) {
            return this;
        }
        String directive = line.substring(0, split);
        String value = line.substring(split + separator.length());
        switch (directive) {
            case "#set_separator":
                String setSeparatorValue = ZeekTsvReader.unescape(value);
                // Nothing splits on an empty separator; the default stays.
                return setSeparatorValue.isEmpty() ? this : new ZeekTsvHeader(separator, setSeparatorValue,
                        emptyField, unsetField, path, fields, types);
            case "#empty_field":
                return new ZeekTsvHeader(separator, setSeparator, value, unsetField, path, fields, types);
            case "#unset_field":
                return new ZeekTsvHeader(separator, setSeparator, emptyField, value, path, fields, types);
            case "#path":
                return new ZeekTsvHeader(separator, setSeparator, emptyField, unsetField, value, fields, types);
            case "#fields":
                return new ZeekTsvHeader(separator, setSeparator, emptyField, unsetField, path, split(value),
                        List.of());
            case "#types":
                return new ZeekTsvHeader(separator, setSeparator, emptyField, unsetField, path, fields, split(value));
            default:
                return this;
        }
    }

    private List<String> split(String value) {
        return Arrays.asList(ZeekTsvReader.split(value, separator));
    }

    public String separator() {
        return separator;
    }

    public String setSeparator() {
        return setSeparator;
    }

    public String emptyField() {
        return emptyField;
    }

    public String unsetField() {
        return unsetField;
    }

    /** The log's name from {@code #path} ({@code conn}), or null before one was read. */
    public String path() {
        return path;
    }

    /** The column names from {@code #fields}; empty before one was read. */
    public List<String> fields() {
        return fields;
    }

    /** The column types from {@code #types} ({@code time}, {@code addr}, {@code set[string]}...); may be empty. */
    public List<String> types() {
        return types;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZeekTsvHeader h && separator.equals(h.separator) && setSeparator.equals(h.setSeparator)
                && emptyField.equals(h.emptyField) && unsetField.equals(h.unsetField) && Objects.equals(path, h.path)
                && fields.equals(h.fields) && types.equals(h.types);
    }

    @Override
    public int hashCode() {
        return Objects.hash(separator, setSeparator, emptyField, unsetField, path, fields, types);
    }

    @Override
    public String toString() {
        return "ZeekTsvHeader{path=" + path + ", fields=" + fields.size() + ", types=" + types.size() + "}";
    }
}
