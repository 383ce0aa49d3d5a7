package org.vigil.sigma;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.vigil.enrich.IpPrefix;

/**
 * The value tests converted Sigma rules call from EPL: Sigma's case-insensitive string comparisons, regular
 * expressions, CIDR, numeric and existence tests, each false (never null) for an absent field so that {@code not}
 * keeps Sigma's two-valued meaning.
 *
 * <p>A field may hold one value or, for list fields ({@code event.category}), an array: a test holds when it holds
 * for any element. Expected strings arrive already lower-cased by the converter unless the test is case-sensitive;
 * patterns and prefixes are compiled once per distinct text, not per event.
 */
public final class SigmaMatch {
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final Map<String, IpPrefix> PREFIXES = new ConcurrentHashMap<>();

    private SigmaMatch() {}

    /** The field equals {@code expected} (lower case), ignoring case; {@code cased} compares exactly. */
    public static boolean eq(Object value, String expected, boolean cased) {
        return test(value, s -> cased ? s.equals(expected) : lower(s).equals(expected));
    }

    public static boolean contains(Object value, String expected, boolean cased) {
        return test(value, s -> (cased ? s : lower(s)).contains(expected));
    }

    public static boolean startsWith(Object value, String expected, boolean cased) {
        return test(value, s -> (cased ? s : lower(s)).startsWith(expected));
    }

    public static boolean endsWith(Object value, String expected, boolean cased) {
        return test(value, s -> (cased ? s : lower(s)).endsWith(expected));
    }

    /**
     * The field matches a Java regular expression: {@code find} semantics (Sigma's {@code re} is unanchored);
     * Sigma wildcards are translated by the converter to an anchored expression.
     */
    public static boolean regex(Object value, String regex) {
        Pattern p = PATTERNS.computeIfAbsent(regex, Pattern::compile);
        return test(value, s -> p.matcher(s).find());
    }

    /** The field is an IP address inside {@code prefix} (a CIDR prefix or an address). */
    public static boolean cidr(Object value, String prefix) {
        IpPrefix p = PREFIXES.computeIfAbsent(prefix, IpPrefix::parse);
        return test(value, s -> {
            byte[] address = IpPrefix.addressOrNull(s);
            return address != null && p.contains(address);
        });
    }

    /** Numeric comparison ({@code gt}, {@code gte}, {@code lt}, {@code lte}); a value that is no number fails. */
    public static boolean compare(Object value, String operator, double bound) {
        return test(value, s -> {
            double v;
            try {
                v = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return false;
            }
            return switch (operator) {
                case "gt" -> v > bound;
                case "gte" -> v >= bound;
                case "lt" -> v < bound;
                case "lte" -> v <= bound;
                default -> throw new IllegalArgumentException("unknown comparison " + operator);
            };
        });
    }

    /** The field has a value (Sigma's {@code exists: true}); an empty list counts as absent. */
    public static boolean present(Object value) {
        if (value instanceof Object[] array) {
            return array.length > 0;
        }
        return value != null;
    }

    /** The field is absent or null (Sigma's {@code null}); an empty string is a value. */
    public static boolean isNull(Object value) {
        return !present(value);
    }

    /** Two fields of the event hold the same value ({@code fieldref}). */
    public static boolean sameAs(Object value, Object other, boolean cased) {
        if (!present(other)) {
            return false;
        }
        return test(other, o -> eq(value, cased ? o : lower(o), cased));
    }

    /** The field as a number for sums and averages; null when it holds none, so aggregates skip it. */
    public static Double number(Object value) {
        Object v = value instanceof Object[] array ? (array.length == 0 ? null : array[0]) : value;
        if (v == null) {
            return null;
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A group-by value as text, lower case, so events whose values differ only by case form one group. */
    public static String key(Object value) {
        if (value instanceof Object[] array) {
            return array.length == 0 ? null : lower(String.valueOf(array[0]));
        }
        return value == null ? null : lower(String.valueOf(value));
    }

    private interface StringTest {
        boolean test(String s);
    }

    private static boolean test(Object value, StringTest t) {
        if (value == null) {
            return false;
        }
        if (value instanceof Object[] array) {
            for (Object element : array) {
                if (element != null && t.test(String.valueOf(element))) {
                    return true;
                }
            }
            return false;
        }
        return t.test(String.valueOf(value));
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
