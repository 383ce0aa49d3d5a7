package org.vigil.event;

/**
 * Maps one text line of a line-oriented source format onto ECS fields of a {@link SecurityEvent}, with the header
 * lines that describe the data lines after them on the same source.
 *
 * <p>{@link EventParser} hands a normaliser one line at a time: the record's UTF-8 text without a byte-order mark,
 * leading blanks (not tabs) and the trailing CR/LF. Header lines (IIS's {@code #Fields:}, Zeek's {@code #fields})
 * are not events: the parser passes each one to {@link #readHeader} and keeps the state it returns per source (Kafka
 * topic and partition), then gives that state to {@link #normalise} for every later data line of the source. A source
 * whose header lines the parser has not seen, as after a restart or a rebalance, gets {@link #defaultHeader()}: the
 * format's documented default layout. Implementations are stateless and thread-safe; the header state type
 * {@code H} is immutable (a new header line gives a new state), so sharing it is safe.
 *
 * <p>To add a format: give it an {@link EventFormat} constant and add its normaliser to the parser's list of line
 * formats, in the order auto-detection should try it. A format that is also sent as JSON (Zeek) may have a JSON
 * {@link Normaliser} for the same constant: its records are then JSON when they start with '{', lines otherwise.
 *
 * @param <H> what the format remembers from its header lines; {@link Void} for a format without header lines
 */
public interface LineNormaliser<H> {

    /** The format this normaliser reads. */
    EventFormat format();

    /** The shapes of line this format reads, for the message of a line it does not recognise. */
    String shapes();

    /** The header state of a source none of whose header lines has been seen: the format's documented defaults. */
    H defaultHeader();

    /** Whether the line is one of this format's header lines, which {@link #readHeader} reads instead of an event. */
    default boolean isHeaderLine(String line) {
        return false;
    }

    /**
     * The source's header state after this header line, given its state so far.
     *
     * @throws RejectedEventException ({@link DeadLetterReason#MALFORMED_LINE}) when the header line is malformed;
     *     the source keeps its previous state
     */
    default H readHeader(String line, H current) throws RejectedEventException {
        throw new UnsupportedOperationException(format().configName() + " has no header lines");
    }

    /**
     * Whether a data line has this format's signature, given its source's header state. Cheap, without a full
     * parse: auto-detection asks each line format in turn, and a recognised line may still turn out malformed.
     */
    boolean recognises(String line, H header);

    /**
     * Fills the event's timestamp and fields from one data line read with its source's header state.
     *
     * @throws RejectedEventException {@link DeadLetterReason#MALFORMED_LINE} when the line does not have the
     *     format's shape, {@link DeadLetterReason#MISSING_TIMESTAMP} or {@link DeadLetterReason#BAD_TIMESTAMP} when
     *     it has no usable time
     * @throws IllegalArgumentException when a value has the wrong type for {@link EventSchema} (a dead letter
     *     {@link DeadLetterReason#BAD_FIELD})
     */
    void normalise(String line, H header, SecurityEvent.Builder event) throws RejectedEventException;
}
