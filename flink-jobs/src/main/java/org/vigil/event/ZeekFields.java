package org.vigil.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One Zeek record being mapped: values are taken out of the record as they are mapped onto the event, so what is
 * left is exactly what goes under the log's {@code zeek.<dataset>.*} fields.
 */
final class ZeekFields {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?");
    private static final String MAPPED_IPV4 = "::ffff:";
    private static final int MAX_PORT = 65535;

    private final ObjectNode record;
    private final SecurityEvent.Builder event;

    ZeekFields(ObjectNode record, SecurityEvent.Builder event) {
        this.record = record;
        this.event = event;
    }

    ObjectNode record() {
        return record;
    }

    SecurityEvent.Builder event() {
        return event;
    }

    /** The plain value of a scalar, without taking it; null when absent, null or a container. */
    Object peek(String name) {
        return FieldFlattener.scalar(record.get(name));
    }

    String peekText(String name) {
        Object value = peek(name);
        return value == null ? null : String.valueOf(value);
    }

    /** Removes a scalar from the record and returns its plain value; containers stay to be carried. */
    Object take(String name) {
        JsonNode value = record.get(name);
        if (value == null || value.isContainerNode()) {
            return null;
        }
        record.remove(name);
        return FieldFlattener.scalar(value);
    }

    String takeText(String name) {
        Object value = take(name);
        return value == null ? null : String.valueOf(value);
    }

    /** Moves a scalar to an event field; a missing value never erases a field mapped earlier. */
    void move(String name, String field) {
        set(field, take(name));
    }

    void set(String field, Object value) {
        if (value != null) {
            event.put(field, value);
        }
    }

    /** Sets the field only when the event does not have it yet. */
    void setIfAbsent(String field, Object value) {
        if (event.get(field) == null) {
            set(field, value);
        }
    }

    /** The text values of an array field (a Zeek set or vector), without taking it; empty when absent. */
    List<String> peekList(String name) {
        JsonNode value = record.get(name);
        List<String> values = new ArrayList<>();
        if (value != null && value.isArray()) {
            value.forEach(element -> {
                String text = FieldFlattener.text(element);
                if (text != null && !text.isEmpty()) {
                    values.add(text);
                }
            });
        } else if (value != null && value.isValueNode() && !value.isNull()) {
            values.add(value.asText());
        }
        return values;
    }

    /** A number of seconds (a Zeek {@code interval}) as ECS nanoseconds. */
    Long takeNanos(String name) {
        Object value = take(name);
        if (value == null) {
            return null;
        }
        try {
            BigDecimal seconds = new BigDecimal(String.valueOf(value).trim());
            return seconds.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("field " + name + " must be a number of seconds, got '" + value + "'");
        }
    }

    /** Takes a Zeek {@code addr} and sets it as an IP field; refuses anything that is not an IP address. */
    void moveAddress(String name, String field) {
        JsonNode node = record.get(name);
        if (node == null || node.isNull()) {
            record.remove(name);
            return;
        }
        if (!node.isTextual() || !isIpAddress(node.textValue())) {
            throw new IllegalArgumentException("field " + name + " must be an IP address, got " + shown(node));
        }
        record.remove(name);
        event.put(field, unmapped(node.textValue()));
    }

    /** Takes a Zeek {@code port} and sets it as a port field; refuses anything but an integer from 0 to 65535. */
    void movePort(String name, String field) {
        JsonNode node = record.get(name);
        if (node == null || node.isNull()) {
            record.remove(name);
            return;
        }
        long port;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            port = node.longValue();
        } else if (node.isTextual() && node.textValue().matches("\\d{1,5}")) {
            port = Long.parseLong(node.textValue());
        } else {
            throw new IllegalArgumentException("field " + name + " must be a port number, got " + shown(node));
        }
        if (port > MAX_PORT) {
            throw new IllegalArgumentException("field " + name + " must be a port number, got " + port);
        }
        record.remove(name);
        event.put(field, port);
    }

    static String lower(Object value) {
        return value == null ? null : String.valueOf(value).toLowerCase(Locale.ROOT);
    }

    static boolean isIpAddress(String text) {
        if (IPV4.matcher(text).matches()) {
            return true;
        }
        if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
            return false;
        }
        // With a ':' and only address characters, InetAddress parses a literal and never asks DNS.
        try {
            int zone = text.indexOf('%');
            return InetAddress.getByName(zone < 0 ? text : text.substring(0, zone)) instanceof Inet6Address
                    || text.regionMatches(true, 0, MAPPED_IPV4, 0, MAPPED_IPV4.length());
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.5}), else the address. */
    static String unmapped(String ip) {
        if (ip.regionMatches(true, 0, MAPPED_IPV4, 0, MAPPED_IPV4.length())
                && IPV4.matcher(ip.substring(MAPPED_IPV4.length())).matches()) {
            return ip.substring(MAPPED_IPV4.length());
        }
        return ip;
    }

    private static String shown(JsonNode node) {
        String text = node.toString();
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
