package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps Zeek log records (conn, dns, http, ssl, notice, weird, files, x509) onto ECS the way Elastic's Zeek
 * integration does, keeping every unmapped field under {@code zeek.<dataset>.*}.
 *
 * <p>Reads the JSON Zeek writes with {@code LogAscii::use_json} (epoch-seconds or ISO 8601 {@code ts}), with or
 * without the {@code _path} shippers add, and the Kafka plugin's tagged form {@code {"conn": {...}}}; Zeek TSV lines
 * reach it in the same shape through {@link ZeekTsvReader}. Zeek's {@code uid} names a connection, not a record,
 * so it is kept as {@code zeek.session_id} and the event id comes from the record's bytes.
 */
public final class ZeekNormaliser implements Normaliser {

    /** The log name shippers and the TSV reader add to a record. */
    static final String PATH_FIELD = "_path";
    static final String TIME_FIELD = "ts";

    private static final Pattern EPOCH_SECONDS = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");
    /** Epoch seconds with more integer digits than this are far outside the accepted years; checked before scaling. */
    private static final int MAX_SECONDS_DIGITS = 12;

    @Override
    public EventFormat format() {
        return EventFormat.ZEEK;
    }

    @Override
    public void normalise(JsonNode root, SecurityEvent.Builder event) throws RejectedEventException {
        String wrapper = wrapperKey(root);
        ObjectNode record = ((ObjectNode) (wrapper == null ? root : root.get(wrapper))).deepCopy();
        ZeekLog log = logOf(record, wrapper);
        if (log == null) {
            throw new RejectedEventException(DeadLetterReason.UNKNOWN_FORMAT, "Zeek record of a log Vigil does not "
                    + "map: " + describePath(record, wrapper) + "; mapped logs are conn, dns, http, ssl, notice, "
                    + "weird, files and x509, named by _path, the Kafka plugin's tag or their fields");
        }
        record.remove(PATH_FIELD);
        event.timestampMillis(epochMillis(record.remove(TIME_FIELD)));

        event.put("event.kind", log == ZeekLog.NOTICE ? "alert" : "event");
        event.put("event.module", "zeek");
        event.put("event.dataset", log.dataset());
        event.put("event.category", log.category());
        event.put("event.type", log.type());
        event.put("observer.product", "zeek");
        event.put("observer.type", "ids");

        ZeekFields fields = new ZeekFields(record, event);
        fields.move("uid", "zeek.session_id");
        mapEndpoints(fields, log);
        switch (log) {
            case CONN -> ZeekNetworkMapping.conn(fields);
            case DNS -> ZeekNetworkMapping.dns(fields);
            case HTTP -> ZeekNetworkMapping.http(fields);
            case SSL -> ZeekNetworkMapping.ssl(fields);
            case NOTICE -> ZeekFindingMapping.notice(fields);
            case WEIRD -> ZeekFindingMapping.weird(fields);
            case FILES -> ZeekFindingMapping.files(fields);
            case X509 -> ZeekFindingMapping.x509(fields);
            default -> throw new AssertionError(log);
        }
        FieldFlattener.flatten(log.dataset(), record, event::put);
    }

    /** Whether a record on a mixed topic is a Zeek record: tagged by the Kafka plugin, named by _path, or shaped so. */
    static boolean looksLikeZeek(JsonNode root) {
        if (wrapperKey(root) != null) {
            return true;
        }
        boolean timeOrSession = root.has(TIME_FIELD) || root.has("uid");
        if (root.path(PATH_FIELD).isTextual() && timeOrSession) {
            return true;
        }
        // Zeek's JSON writer flattens the conn_id record to dotted names; no other source writes "id.orig_h".
        if (root.has("id.orig_h") && timeOrSession) {
            return true;
        }
        return root.has(TIME_FIELD) && root.has("uid") && ZeekLog.ofFields(root) != null;
    }

    /**
     * The key of the Kafka plugin's tagged form {@code {"conn": {...}}}: the record's only field, holding an object
     * that is a Zeek record; null when the record is not wrapped.
     */
    static String wrapperKey(JsonNode root) {
        if (root.size() != 1) {
            return null;
        }
        Iterator<Map.Entry<String, JsonNode>> only = root.properties().iterator();
        Map.Entry<String, JsonNode> entry = only.next();
        JsonNode inner = entry.getValue();
        if (!inner.isObject()) {
            return null;
        }
        boolean known = ZeekLog.ofPath(entry.getKey()) != null;
        return known && (inner.has(TIME_FIELD) || inner.has("uid") || inner.has("id.orig_h")) ? entry.getKey() : null;
    }

    private static ZeekLog logOf(ObjectNode record, String wrapper) {
        if (wrapper != null) {
            return ZeekLog.ofPath(wrapper);
        }
        JsonNode path = record.get(PATH_FIELD);
        if (path != null && path.isTextual()) {
            return ZeekLog.ofPath(path.textValue());
        }
        return ZeekLog.ofFields(record);
    }

    private static String describePath(ObjectNode record, String wrapper) {
        JsonNode path = record.get(PATH_FIELD);
        if (path != null && path.isTextual()) {
            return "_path '" + shorten(path.textValue()) + "'";
        }
        return wrapper != null ? "tag '" + wrapper + "'" : "no _path and no fields of a mapped log";
    }

    private static void mapEndpoints(ZeekFields fields, ZeekLog log) {
        ObjectNode record = fields.record();
        // Some shippers expand Zeek's dotted names into an "id" object; both shapes mean the same.
        if (record.get("id") instanceof ObjectNode id && !record.has("id.orig_h")) {
            record.remove("id");
            id.properties().forEach(e -> record.set("id." + e.getKey(), e.getValue()));
        }
        fields.moveAddress("id.orig_h", "source.ip");
        fields.moveAddress("id.resp_h", "destination.ip");
        // For ICMP Zeek logs the message type and code in the port columns; they are not ports.
        if ("icmp".equalsIgnoreCase(fields.peekText("proto"))) {
            fields.move("id.orig_p", log.dataset() + ".icmp.type");
            fields.move("id.resp_p", log.dataset() + ".icmp.code");
        } else {
            fields.movePort("id.orig_p", "source.port");
            fields.movePort("id.resp_p", "destination.port");
        }
    }

    /**
     * Zeek's {@code ts}: epoch seconds with a fraction (a JSON number, or text from some shippers), or ISO 8601 text
     * when Zeek writes {@code json_timestamps} in ISO form.
     */
    static long epochMillis(JsonNode ts) throws RejectedEventException {
        if (ts == null || ts.isNull() || (ts.isTextual() && ts.textValue().isBlank())) {
            throw new RejectedEventException(DeadLetterReason.MISSING_TIMESTAMP, "record has no " + TIME_FIELD);
        }
        if (ts.isTextual() && !EPOCH_SECONDS.matcher(ts.textValue().trim()).matches()) {
            return EventTime.parse(ts, TIME_FIELD);
        }
        if (!ts.isNumber() && !ts.isTextual()) {
            throw badTime(ts.toString());
        }
        BigDecimal seconds;
        try {
            // A double's shortest text is the decimal Zeek wrote, so no binary rounding creeps into the milliseconds.
            seconds = ts.isBigDecimal() ? ts.decimalValue() : new BigDecimal(ts.asText().trim());
        } catch (NumberFormatException e) {
            throw badTime(ts.asText());
        }
        if (seconds.signum() < 0 || seconds.precision() - seconds.scale() > MAX_SECONDS_DIGITS) {
            throw badTime(ts.asText());
        }
        long millis = seconds.movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact();
        if (millis < EventTime.MIN_MILLIS || millis >= EventTime.END_MILLIS) {
            throw new RejectedEventException(DeadLetterReason.BAD_TIMESTAMP, TIME_FIELD + " "
                    + Instant.ofEpochMilli(millis) + " is outside the accepted years 1990 to 2100");
        }
        return millis;
    }

    private static RejectedEventException badTime(String value) {
        return new RejectedEventException(DeadLetterReason.BAD_TIMESTAMP,
                TIME_FIELD + " is not epoch seconds or an ISO-8601 date-time: '" + shorten(value) + "'");
    }

    private static String shorten(String value) {
        return value.length() > 100 ? value.substring(0, 100) + "..." : value;
    }
}
