package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the three JSON shapes Windows events arrive in — Winlogbeat's {@code winlog} object, the
 * {@code Event.System}/{@code Event.EventData} tree of evtx converters, and NXLog's flat record — into a
 * {@link WindowsEvent}.
 */
final class WindowsEventReader {

    /** The JSON shape of a Windows event record. */
    enum Shape { WINLOGBEAT, EVTX, NXLOG }

    static final String WINLOG_PREFIX = "winlog.";
    static final String EVENT_DATA_PREFIX = "winlog.event_data.";
    private static final String USER_DATA_PREFIX = "winlog.user_data.";

    // "2026-03-02 08:00:00" as NXLog and some converters write it; the date-time separator is made a 'T'.
    private static final Pattern SPACED_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d.*");

    /** The NXLog fields read as the event's core, in any capitalisation (lower-cased here). */
    private static final Set<String> NXLOG_CORE = Set.of("eventtime", "eventid", "channel", "hostname", "sourcename",
            "providername", "message");

    /**
     * NXLog's other own fields, with the ECS field each one goes to, or "" for the shipper's bookkeeping; every
     * other top-level field is event data. Matched in NXLog's exact spelling, as event data has look-alikes
     * (Sysmon's ProcessId is not NXLog's ProcessID).
     */
    private static final Map<String, String> NXLOG_FIELDS = nxlogFields();

    private WindowsEventReader() {}

    private static Map<String, String> nxlogFields() {
        Map<String, String> f = new HashMap<>();
        for (String own : List.of("EventReceivedTime", "SourceModuleType", "SourceModuleName", "SeverityValue",
                "Severity", "EventType", "OpcodeValue", "AccountType", "Category", "Version", "RelatedActivityID")) {
            f.put(own, "");
        }
        f.put("RecordNumber", "winlog.record_id");
        f.put("ProcessID", "winlog.process.pid");
        f.put("ThreadID", "winlog.process.thread.id");
        f.put("UserID", "winlog.user.identifier");
        f.put("AccountName", "winlog.user.name");
        f.put("Domain", "winlog.user.domain");
        f.put("Keywords", "winlog.keywords");
        f.put("Task", "winlog.task");
        f.put("Opcode", "winlog.opcode");
        f.put("ProviderGuid", "winlog.provider_guid");
        f.put("ActivityID", "winlog.activity_id");
        return f;
    }

    /** The shape of {@code root}, or null when it is not a Windows event record. */
    static Shape shapeOf(JsonNode root) {
        if (root.path("winlog").isObject()) {
            return Shape.WINLOGBEAT;
        }
        if (evtxEvent(root) != null) {
            return Shape.EVTX;
        }
        if (ignoringCase(root, "EventID") != null && (ignoringCase(root, "Channel") != null
                || ignoringCase(root, "SourceName") != null || ignoringCase(root, "ProviderName") != null)) {
            return Shape.NXLOG;
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            if (names.next().startsWith(WINLOG_PREFIX)) {
                return Shape.WINLOGBEAT;
            }
        }
        return null;
    }

    /** The {@code Event} node of an evtx record; some converters leave out the wrapper, so a bare one counts. */
    static JsonNode evtxEvent(JsonNode root) {
        if (root.path("Event").path("System").isObject()) {
            return root.get("Event");
        }
        return root.path("System").isObject() && root.path("System").has("EventID") ? root : null;
    }

    /** The event time of an evtx record, {@code System.TimeCreated}'s {@code SystemTime}, or null. */
    static JsonNode evtxTime(JsonNode event) {
        return isoTime(attribute(event.get("System"), "TimeCreated", "SystemTime"));
    }

    /** The event time of an NXLog record. */
    static JsonNode nxlogTime(JsonNode root) {
        JsonNode time = ignoringCase(root, "EventTime");
        return isoTime(time != null ? time : ignoringCase(root, "TimeCreated"));
    }

    static WindowsEvent fromEvtx(JsonNode event) {
        JsonNode system = event.get("System");
        Map<String, Object> data = new LinkedHashMap<>();
        readData(event.get("EventData"), data);
        JsonNode userData = event.get("UserData");
        if (userData != null && userData.isObject()) {
            // UserData wraps its fields in one element named after the event (LogFileCleared, ...).
            userData.forEach(child -> readData(child, data));
        }
        Map<String, Object> record = new LinkedHashMap<>();
        putText(record, "winlog.record_id", value(system.get("EventRecordID")));
        putText(record, "winlog.process.pid", attribute(system, "Execution", "ProcessID"));
        putText(record, "winlog.process.thread.id", attribute(system, "Execution", "ThreadID"));
        putText(record, "winlog.user.identifier", attribute(system, "Security", "UserID"));
        JsonNode message = event.path("RenderingInfo").get("Message");
        return new WindowsEvent(text(value(system.get("Channel"))), WindowsEvent.parseEventId(text(value(
                system.get("EventID")))), text(attribute(system, "Provider", "Name")),
                text(value(system.get("Computer"))), text(value(message)), data, record);
    }

    static WindowsEvent fromNxlog(JsonNode root) {
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, Object> record = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (NXLOG_CORE.contains(field.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            String target = NXLOG_FIELDS.get(field.getKey());
            if (target == null) {
                putValue(data, field.getKey(), field.getValue());
            } else if (!target.isEmpty()) {
                putText(record, target, field.getValue());
            }
        }
        JsonNode provider = ignoringCase(root, "SourceName");
        return new WindowsEvent(text(ignoringCase(root, "Channel")),
                WindowsEvent.parseEventId(text(ignoringCase(root, "EventID"))),
                text(provider != null ? provider : ignoringCase(root, "ProviderName")),
                text(ignoringCase(root, "Hostname")), text(ignoringCase(root, "Message")), data, record);
    }

    /**
     * Reads a Winlogbeat record from its already flattened fields ({@code winlog.*}, {@code message},
     * {@code event.provider}); null when it has no event id, as then it is plain ECS to leave alone.
     */
    static WindowsEvent fromWinlogbeat(Map<String, Object> flat) {
        Long eventId = WindowsEvent.parseEventId(flat.get("winlog.event_id"));
        if (eventId == null) {
            return null;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        flat.forEach((field, value) -> {
            if (field.startsWith(EVENT_DATA_PREFIX)) {
                data.put(field.substring(EVENT_DATA_PREFIX.length()), value);
            } else if (field.startsWith(USER_DATA_PREFIX)) {
                data.putIfAbsent(field.substring(USER_DATA_PREFIX.length()), value);
            }
        });
        Object provider = flat.getOrDefault("winlog.provider_name", flat.get("event.provider"));
        return new WindowsEvent(string(flat.get("winlog.channel")), eventId, string(provider),
                string(flat.get("winlog.computer_name")), string(flat.get("message")), data, Map.of());
    }

    /**
     * Reads {@code EventData} in the converters' variants: named children (evtx_dump), {@code Data} elements with
     * a {@code Name} attribute (xmltodict's {@code @Name}, evtx_dump's {@code #attributes}), or unnamed
     * {@code Data} values, which become {@code param1}, {@code param2}, ... as in Winlogbeat.
     */
    private static void readData(JsonNode node, Map<String, Object> data) {
        if (node == null || !node.isObject()) {
            putValue(data, "param1", node);
            return;
        }
        for (Map.Entry<String, JsonNode> child : node.properties()) {
            String name = child.getKey();
            if (name.startsWith("#") || name.startsWith("@") || name.endsWith("_attributes")) {
                continue;
            }
            if ("Data".equals(name)) {
                readDataElements(child.getValue(), data);
            } else {
                JsonNode value = value(child.getValue());
                putValue(data, name, value != null ? value : child.getValue());
            }
        }
    }

    private static void readDataElements(JsonNode elements, Map<String, Object> data) {
        List<JsonNode> list = new ArrayList<>();
        if (elements.isArray()) {
            elements.forEach(list::add);
        } else {
            list.add(elements);
        }
        int param = 0;
        for (JsonNode element : list) {
            JsonNode name = element.isObject() ? attribute(element, null, "Name") : null;
            JsonNode value = value(element);
            if (name != null && name.isValueNode()) {
                putValue(data, name.asText(), value);
            } else if (value != null && value.isArray()) {
                for (JsonNode v : value) {
                    putValue(data, "param" + ++param, v);
                }
            } else if (value != null && !value.isNull() && !value.isObject()) {
                putValue(data, "param" + ++param, value);
            }
        }
    }

    /**
     * An XML attribute as the converters write it: under {@code #attributes}, as an {@code @}-prefixed or a plain
     * key of the element, or in a sibling {@code <element>_attributes} object. With a null element name, looks
     * in {@code parent} itself.
     */
    static JsonNode attribute(JsonNode parent, String element, String name) {
        if (parent == null || !parent.isObject()) {
            return null;
        }
        JsonNode e = element == null ? parent : parent.get(element);
        if (e != null && e.isObject()) {
            for (JsonNode candidate : List.of(e.path("#attributes").path(name), e.path("@" + name), e.path(name))) {
                if (candidate.isValueNode()) {
                    return candidate;
                }
            }
        }
        JsonNode separate = element == null ? null : parent.path(element + "_attributes").get(name);
        return separate != null && separate.isValueNode() ? separate : null;
    }

    /** An element's value: itself when a scalar or list, else its {@code #text} (or golang-evtx's {@code Value}). */
    static JsonNode value(JsonNode element) {
        if (element == null || !element.isObject()) {
            return element;
        }
        for (String key : List.of("#text", "Value", "value", "$")) {
            if (element.has(key)) {
                return element.get(key);
            }
        }
        return null;
    }

    private static void putValue(Map<String, Object> data, String name, JsonNode value) {
        if (value == null || value.isNull() || name.isEmpty()) {
            return;
        }
        if (value.isArray()) {
            List<String> values = new ArrayList<>();
            value.forEach(v -> {
                String t = text(value(v));
                if (t != null) {
                    values.add(t);
                }
            });
            if (!values.isEmpty()) {
                data.put(name, List.copyOf(values));
            }
        } else if (value.isObject()) {
            // A nested element without text: kept as JSON so nothing the event logged is lost.
            data.put(name, value.toString());
        } else {
            data.put(name, value.asText());
        }
    }

    private static void putText(Map<String, Object> record, String field, JsonNode value) {
        String text = text(value(value));
        if (text != null) {
            record.put(field, text);
        }
    }

    /** A field looked up by exact name first, then ignoring case, since shippers differ in capitalisation. */
    static JsonNode ignoringCase(JsonNode root, String name) {
        JsonNode exact = root.get(name);
        if (exact != null) {
            return exact.isNull() ? null : exact;
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue().isNull() ? null : field.getValue();
            }
        }
        return null;
    }

    private static JsonNode isoTime(JsonNode time) {
        if (time != null && time.isTextual() && SPACED_TIME.matcher(time.textValue().trim()).matches()) {
            String t = time.textValue().trim();
            return TextNode.valueOf(t.substring(0, 10) + "T" + t.substring(11));
        }
        return time;
    }

    private static String text(JsonNode node) {
        return FieldFlattener.text(node);
    }

    private static String string(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
