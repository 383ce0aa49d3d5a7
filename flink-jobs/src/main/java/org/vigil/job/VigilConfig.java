package org.vigil.job;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.vigil.job.VigilOptions.Option;

/**
 * The job's configuration: {@link VigilOptions} defaults, overridden by a properties file, overridden by
 * {@code VIGIL_*} environment variables.
 */
public final class VigilConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, String> values;

    private VigilConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Defaults only. */
    public static VigilConfig defaults() {
        return of(Map.of(), Map.of());
    }

    /** Defaults overridden by {@code file} (may be null) and then by the process environment. */
    public static VigilConfig load(Path file) throws IOException {
        Map<String, String> fromFile = new HashMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> fromFile.put(k, p.getProperty(k).trim()));
        }
        return of(fromFile, System.getenv());
    }

    /** Defaults overridden by {@code settings} (key to value) and then by {@code environment} variables. */
    public static VigilConfig of(Map<String, String> settings, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String key : settings.keySet()) {
            if (VigilOptions.ALL.stream().noneMatch(o -> o.key().equals(key))) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration keys " + unknown + "; known keys are listed in the README");
        }
        for (Option o : VigilOptions.ALL) {
            String v = environment.getOrDefault(o.envName(), settings.getOrDefault(o.key(), o.defaultValue()));
            if (v != null && !v.isBlank()) {
                values.put(o.key(), v.trim());
            }
        }
        return new VigilConfig(values);
    }

    /** A copy with {@code option} set to {@code value}. */
    public VigilConfig with(Option option, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(option.key(), value);
        return new VigilConfig(copy);
    }

    /** Every set key and its value, secrets included: for writing a job's configuration file, never for logs. */
    public Map<String, String> asMap() {
        return values;
    }

    /** The value, or null when unset and without default. */
    public String get(Option option) {
        return values.get(option.key());
    }

    public String require(Option option) {
        String v = get(option);
        if (v == null) {
            throw new IllegalArgumentException(option.key() + " must be set (" + option.description() + "), e.g. with "
                    + option.envName());
        }
        return v;
    }

    public Duration duration(Option option) {
        return VigilOptions.duration(require(option), option);
    }

    public int integer(Option option) {
        try {
            return Integer.parseInt(require(option));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option.key() + " must be an integer, got '" + get(option) + "'");
        }
    }

    /** {@code true} or {@code false}, in any case. */
    public boolean bool(Option option) {
        String v = require(option);
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(option.key() + " must be true or false, got '" + v + "'");
    }

    /** A comma-separated list, trimmed, empty entries removed. */
    public List<String> list(Option option) {
        List<String> out = new ArrayList<>();
        String v = get(option);
        if (v != null) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /** A comma-separated list of {@code key=value} pairs. */
    public Map<String, String> pairs(Option option) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : list(option)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(option.key() + " expects key=value pairs, got '" + pair + "'");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /** The Kafka client security settings (SASL/TLS) that apply to every client. */
    public Properties kafkaClientProperties() {
        Properties p = new Properties();
        putIfSet(p, "security.protocol", VigilOptions.KAFKA_SECURITY_PROTOCOL);
        putIfSet(p, "sasl.mechanism", VigilOptions.KAFKA_SASL_MECHANISM);
        putIfSet(p, "sasl.jaas.config", VigilOptions.KAFKA_SASL_JAAS_CONFIG);
        return p;
    }

    private void putIfSet(Properties p, String key, Option option) {
        String v = get(option);
        if (v != null) {
            p.setProperty(key, v);
        }
    }

    @Override
    public String toString() {
        // Never print secrets.
        Map<String, String> shown = new java.util.TreeMap<>(values);
        for (Option o : List.of(VigilOptions.KAFKA_SASL_JAAS_CONFIG, VigilOptions.ELASTICSEARCH_API_KEY, VigilOptions.ELASTICSEARCH_PASSWORD)) {
            shown.computeIfPresent(o.key(), (k, v) -> "****");
        }
        return shown.toString();
    }
}
