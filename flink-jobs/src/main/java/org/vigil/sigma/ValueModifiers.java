package org.vigil.sigma;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A field's value modifiers ({@code Field|base64offset|contains|all}) and how they turn one rule value into the
 * Sigma strings to look for: transformations applied in the order written, then the match type.
 */
final class ValueModifiers {
    /** How a value is compared with the field. */
    enum MatchType { EQUALS, CONTAINS, STARTS_WITH, ENDS_WITH, REGEX, CIDR, COMPARE, EXISTS, FIELDREF }

    private static final Set<String> TRANSFORMS = Set.of("base64", "base64offset", "wide", "utf16le", "utf16be",
            "utf16", "windash", "expand");
    private static final Set<String> REGEX_FLAGS = Set.of("i", "ignorecase", "m", "multiline", "s", "dotall");
    private static final Pattern WINDASH = Pattern.compile("\\B[-/]\\b");
    private static final String[] DASHES = {"-", "/", "\u2013", "\u2014", "\u2015"};
    private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\\\)%([A-Za-z0-9_-]+)%");
    private static final int MAX_EXPANSION = 256;

    final List<String> transforms = new ArrayList<>();
    MatchType matchType = MatchType.EQUALS;
    String comparison;
    boolean all;
    boolean cased;
    final Set<Character> regexFlags = new LinkedHashSet<>();

    /** Reads the modifiers after the field name; an unknown modifier refuses the rule. */
    static ValueModifiers parse(List<String> names, String field) throws SigmaException {
        ValueModifiers m = new ValueModifiers();
        for (String raw : names) {
            String name = raw.toLowerCase(Locale.ROOT);
            if (TRANSFORMS.contains(name)) {
                m.transforms.add(name);
                continue;
            }
            switch (name) {
                case "contains" -> m.type(MatchType.CONTAINS, name, field);
                case "startswith" -> m.type(MatchType.STARTS_WITH, name, field);
                case "endswith" -> m.type(MatchType.ENDS_WITH, name, field);
                case "re" -> m.type(MatchType.REGEX, name, field);
                case "cidr" -> m.type(MatchType.CIDR, name, field);
                case "exists" -> m.type(MatchType.EXISTS, name, field);
                case "fieldref" -> m.type(MatchType.FIELDREF, name, field);
                case "gt", "gte", "lt", "lte" -> {
                    m.type(MatchType.COMPARE, name, field);
                    m.comparison = name;
                }
                case "all" -> m.all = true;
                case "cased" -> m.cased = true;
                default -> {
                    if (REGEX_FLAGS.contains(name)) {
                        if (m.matchType != MatchType.REGEX) {
                            throw new SigmaException(SigmaRefusal.UNSUPPORTED_MODIFIER, "field '" + field + "': |" + raw
                                    + " is a flag of |re and must follow it");
                        }
                        m.regexFlags.add(name.charAt(0) == 'i' ? 'i' : name.charAt(0) == 'm' ? 'm' : 's');
                    } else {
                        throw new SigmaException(SigmaRefusal.UNSUPPORTED_MODIFIER, "field '" + field + "': value modifier |"
                                + raw + " is not one Vigil implements");
                    }
                }
            }
        }
        if (!m.transforms.isEmpty() && (m.matchType == MatchType.REGEX || m.matchType == MatchType.CIDR
                || m.matchType == MatchType.COMPARE || m.matchType == MatchType.EXISTS || m.matchType == MatchType.FIELDREF)) {
            throw new SigmaException(SigmaRefusal.UNSUPPORTED_MODIFIER, "field '" + field + "': |" + m.transforms.get(0)
                    + " cannot be combined with |" + m.matchType.name().toLowerCase(Locale.ROOT));
        }
        return m;
    }

    private void type(MatchType type, String name, String field) throws SigmaException {
        if (matchType != MatchType.EQUALS) {
            throw new SigmaException(SigmaRefusal.UNSUPPORTED_MODIFIER, "field '" + field + "': |" + name
                    + " after another match type (|" + matchType.name().toLowerCase(Locale.ROOT) + ")");
        }
        matchType = type;
    }

    /**
     * The Sigma strings one rule value stands for, after the transformations and the match type's wildcards: several
     * for base64offset, windash and placeholders with several values (any of them matches).
     */
    List<SigmaString> expand(String value, String field, FieldMapping mapping) throws SigmaException {
        // Each candidate is a SigmaString or, after wide/utf16, the bytes base64 will encode.
        List<Object> candidates = new ArrayList<>();
        candidates.add(transforms.contains("expand") ? null : SigmaString.parse(value));
        if (transforms.contains("expand")) {
            candidates.clear();
            candidates.addAll(placeholders(value, field, mapping));
        }
        for (String t : transforms) {
            List<Object> next = new ArrayList<>();
            for (Object c : candidates) {
                switch (t) {
                    case "expand" -> next.add(c);
                    case "wide", "utf16le" -> next.add(encode(plain(c, t, field), StandardCharsets.UTF_16LE, false));
                    case "utf16be" -> next.add(encode(plain(c, t, field), StandardCharsets.UTF_16BE, false));
                    case "utf16" -> next.add(encode(plain(c, t, field), StandardCharsets.UTF_16LE, true));
                    case "base64" -> next.add(SigmaString.plain(Base64.getEncoder().encodeToString(bytes(c, t, field))));
                    case "base64offset" -> next.addAll(base64Offsets(bytes(c, t, field)));
                    case "windash" -> next.addAll(windash(c, t, field));
                    default -> throw new IllegalStateException(t);
                }
            }
            if (next.size() > MAX_EXPANSION) {
                throw new SigmaException(SigmaRefusal.UNSUPPORTED_MODIFIER, "field '" + field + "': |" + t
                        + " expands into more than " + MAX_EXPANSION + " values");
            }
            candidates = next;
        }
        List<SigmaString> out = new ArrayList<>();
        for (Object c : candidates) {
            if (!(c instanceof SigmaString s)) {
                throw new SigmaException(SigmaRefusal.UNSUPPORTED_MODIFIER, "field '" + field + "': |wide/|utf16 without a"
                        + " following |base64 or |base64offset: Vigil's events carry decoded text, not UTF-16 bytes");
            }
            out.add(switch (matchType) {
                case CONTAINS -> s.withLeadingStar().withTrailingStar();
                case STARTS_WITH -> s.withTrailingStar();
                case ENDS_WITH -> s.withLeadingStar();
                default -> s;
            });
        }
        return out;
    }

    private List<Object> placeholders(String value, String field, FieldMapping mapping) throws SigmaException {
        List<String> texts = new ArrayList<>();
        texts.add(value);
        Matcher m = PLACEHOLDER.matcher(value);
        while (m.find()) {
            List<String> values = mapping.placeholder(m.group(1));
            if (values == null || values.isEmpty()) {
                throw new SigmaException(SigmaRefusal.PLACEHOLDER_NOT_CONFIGURED, "field '" + field + "': placeholder %"
                        + m.group(1) + "% has no values in the field mapping's 'placeholders'");
            }
            List<String> next = new ArrayList<>();
            for (String t : texts) {
                for (String v : values) {
                    next.add(t.replace("%" + m.group(1) + "%", v));
                }
            }
            texts = next;
        }
        List<Object> out = new ArrayList<>();
        // The escaped percent sign of a plain value stays a percent sign.
        texts.forEach(t -> out.add(SigmaString.parse(t.replace("\\%", "%"))));
        return out;
    }

    private static SigmaString plain(Object c, String modifier, String field) throws SigmaException {
        if (c instanceof SigmaString s && !s.hasWildcards()) {
            return s;
        }
        throw new SigmaException(SigmaRefusal.UNSUPPORTED_MODIFIER, "field '" + field + "': |" + modifier
                + " of a value with wildcards cannot be matched exactly");
    }

    private static byte[] bytes(Object c, String modifier, String field) throws SigmaException {
        if (c instanceof byte[] b) {
            return b;
        }
        return plain(c, modifier, field).plainText().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encode(SigmaString s, java.nio.charset.Charset charset, boolean bom) {
        byte[] text = s.plainText().getBytes(charset);
        if (!bom) {
            return text;
        }
        byte[] out = new byte[text.length + 2];
        out[0] = (byte) 0xff;
        out[1] = (byte) 0xfe;
        System.arraycopy(text, 0, out, 2, text.length);
        return out;
    }

    /** The three encodings of a text at byte offsets 0, 1 and 2 of a base64 stream, cut to their stable middle. */
    static List<SigmaString> base64Offsets(byte[] value) {
        int[] start = {0, 2, 3};
        int[] endCut = {0, 3, 2};
        List<SigmaString> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] shifted = new byte[value.length + i];
            for (int j = 0; j < i; j++) {
                shifted[j] = ' ';
            }
            System.arraycopy(value, 0, shifted, i, value.length);
            String b64 = Base64.getEncoder().encodeToString(shifted);
            int cut = endCut[(value.length + i) % 3];
            out.add(SigmaString.plain(b64.substring(start[i], b64.length() - cut)));
        }
        return out;
    }

    /** Every spelling of a command-line switch's dash: -, /, en dash, em dash, horizontal bar. */
    private static List<Object> windash(Object c, String modifier, String field) throws SigmaException {
        if (!(c instanceof SigmaString s)) {
            throw new SigmaException(SigmaRefusal.UNSUPPORTED_MODIFIER, "field '" + field + "': |windash after |wide");
        }
        List<List<SigmaString.Part>> variants = new ArrayList<>();
        variants.add(new ArrayList<>());
        for (SigmaString.Part p : s.parts()) {
            List<String> texts = p.isWildcard() ? null : dashVariants(p.text());
            List<List<SigmaString.Part>> next = new ArrayList<>();
            for (List<SigmaString.Part> v : variants) {
                if (texts == null) {
                    List<SigmaString.Part> copy = new ArrayList<>(v);
                    copy.add(p);
                    next.add(copy);
                } else {
                    for (String t : texts) {
                        List<SigmaString.Part> copy = new ArrayList<>(v);
                        copy.add(SigmaString.Part.literal(t));
                        next.add(copy);
                    }
                }
            }
            if (next.size() > MAX_EXPANSION) {
                throw new SigmaException(SigmaRefusal.UNSUPPORTED_MODIFIER, "field '" + field + "': |" + modifier
                        + " expands into more than " + MAX_EXPANSION + " values");
            }
            variants = next;
        }
        List<Object> out = new ArrayList<>();
        variants.forEach(v -> out.add(new SigmaString(v)));
        return out;
    }

    private static List<String> dashVariants(String text) {
        List<String> out = new ArrayList<>();
        out.add("");
        Matcher m = WINDASH.matcher(text);
        int last = 0;
        while (m.find()) {
            String between = text.substring(last, m.start());
            List<String> next = new ArrayList<>();
            for (String prefix : out) {
                for (String dash : DASHES) {
                    next.add(prefix + between + dash);
                }
            }
            out = next;
            last = m.end();
        }
        String tail = text.substring(last);
        out.replaceAll(prefix -> prefix + tail);
        return out;
    }
}
