package io.kupgrade.orchestrator.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Edits the text of a broker's {@code server.properties} the way an operator would by hand: comments, blank
 * lines, order and formatting stay; only the lines of the keys being set or unset change.
 *
 * <ul>
 *   <li>The text is read exactly as {@code java.util.Properties} (and so Kafka) reads it: {@code key=value},
 *       {@code key: value}, {@code key value}, escapes, {@code \\uXXXX}, continuation lines.</li>
 *   <li>A key being set is replaced in place at its last occurrence (the one Properties keeps, "last wins");
 *       its other occurrences are removed. Its spelling and separator ({@code key = }) are kept when the
 *       property is on one line. A key whose value is already the one asked for is left untouched.</li>
 *   <li>New keys are appended at the end under a comment {@code # set by kupgrade <phase>}.</li>
 *   <li>Values are written literally: escaped as Properties needs so that Kafka reads back exactly the given
 *       string ({@code $(rm -rf /)}, quotes, backslashes, {@code =}, {@code :}, leading spaces, non-ASCII as
 *       {@code \\uXXXX}). Values containing a line break or NUL are refused.</li>
 * </ul>
 *
 * Text is the file's bytes as ISO-8859-1 characters (how Kafka's {@code Utils.loadProps} reads the file);
 * everything this class writes is ASCII. Every edit is verified by reading the result back: if it would not
 * read as intended, {@link #apply} throws instead of returning it. Stateless and thread-safe.
 */
public final class PropertiesEditor {

    /**
     * One key whose value differs between two texts.
     *
     * @param oldValue the value before; null when the key was absent
     * @param newValue the value after; null when the key is removed
     */
    public record Change(String key, String oldValue, String newValue) {
    }

    private PropertiesEditor() {
    }

    /**
     * The properties in {@code text}, as {@code Properties.load} would give them (a duplicate key keeps its
     * last value), in order of first appearance.
     *
     * @throws IllegalArgumentException on a malformed {@code \\uXXXX} escape, naming the line
     */
    public static Map<String, String> read(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        for (PropertiesText.Entry e : PropertiesText.parse(text).entries()) {
            result.put(e.key(), e.value());
        }
        return result;
    }

    /**
     * Returns {@code text} with the keys of {@code set} set to their values and the keys of {@code unset}
     * removed. Applying the same edit again returns the text unchanged.
     *
     * @param phase the plan phase, named in the comment above appended keys; may be null
     * @throws IllegalArgumentException for an empty key, a key in both set and unset, a key or value with a
     *     line break or NUL, or a malformed input text
     */
    public static String apply(String text, Map<String, String> set, List<String> unset, String phase) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(unset, "unset");
        validate(set, unset);
        PropertiesText parsed = PropertiesText.parse(text);
        List<PropertiesText.Entry> entries = parsed.entries();

        Map<String, Integer> lastIndex = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            lastIndex.put(entries.get(i).key(), i);
        }
        Set<String> toUnset = new HashSet<>(unset);
        StringBuilder out = new StringBuilder(text.length() + 64);
        int copied = 0;
        for (int i = 0; i < entries.size(); i++) {
            PropertiesText.Entry e = entries.get(i);
            boolean setting = set.containsKey(e.key());
            if (!setting && !toUnset.contains(e.key())) {
                continue;
            }
            out.append(text, copied, e.start());
            copied = e.end();
            if (setting && lastIndex.get(e.key()) == i) {
                String value = set.get(e.key());
                if (value.equals(e.value())) {
                    out.append(text, e.start(), e.end());
                } else {
                    out.append(replacementLine(text, e, value));
                }
            }
            // else: unset, or an earlier duplicate of a key being set: dropped
        }
        out.append(text, copied, text.length());

        List<String> appended = new ArrayList<>();
        for (String key : set.keySet()) {
            if (!lastIndex.containsKey(key)) {
                appended.add(key);
            }
        }
        if (!appended.isEmpty()) {
            String nl = lineSeparator(text);
            // "b=2\\" at the end of the file: Properties drops that backslash (and blanks after it) at end of
            // input, but our lines would become its continuation. Dropping it ourselves keeps the meaning;
            // repeat for a chain of such lines ("b=\\" line break "\\").
            Map<String, String> meaning = null;
            while (PropertiesText.parse(out.toString()).endsInContinuation()) {
                if (meaning == null) {
                    meaning = read(out.toString());
                }
                int end = out.length();
                while (end > 0 && " \t\f\r\n".indexOf(out.charAt(end - 1)) >= 0) {
                    end--;
                }
                if (end == 0 || out.charAt(end - 1) != '\\') {
                    throw new IllegalStateException("cannot end the continuation at the end of the file");
                }
                out.setLength(end - 1);
            }
            if (meaning != null && !read(out.toString()).equals(meaning)) {
                out.append('='); // a lone "\\" there read as an empty key with an empty value: so does "="
            }
            if (out.length() > 0 && !endsWithLineBreak(out)) {
                out.append(nl);
            }
            out.append("# set by kupgrade").append(phase == null ? "" : " " + printable(phase)).append(nl);
            for (String key : appended) {
                out.append(escapeKey(key)).append('=').append(escapeValue(set.get(key))).append(nl);
            }
        }

        String result = out.toString();
        verify(text, result, set, unset);
        return result;
    }

    /** The keys whose values differ between {@code oldText} and {@code newText}, sorted by key. */
    public static List<Change> diff(String oldText, String newText) {
        Map<String, String> before = read(oldText);
        Map<String, String> after = read(newText);
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<Change> changes = new ArrayList<>();
        for (String key : keys) {
            String o = before.get(key);
            String n = after.get(key);
            if (!Objects.equals(o, n)) {
                changes.add(new Change(key, o, n));
            }
        }
        return changes;
    }

    /** Escapes a key as {@code Properties.store} does (so {@code a b=c} keeps its space and its {@code =}). */
    public static String escapeKey(String key) {
        StringBuilder out = new StringBuilder(key.length() + 8);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            switch (c) {
                case ' ', '=', ':', '#', '!', '\\' -> out.append('\\').append(c);
                default -> appendEscapedChar(out, c);
            }
        }
        return out.toString();
    }

    /**
     * Escapes a value so that Properties reads back exactly {@code value} after a {@code key=} prefix:
     * backslashes doubled, a leading blank or separator character escaped (Properties would skip it),
     * control and non-ASCII characters as escapes. {@code =}, {@code :} and {@code #} inside the value stay
     * readable ({@code listeners=PLAINTEXT://:9092}).
     */
    public static String escapeValue(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (i == 0 && (c == ' ' || c == '=' || c == ':' || c == '#' || c == '!')) {
                out.append('\\').append(c);
            } else {
                appendEscapedChar(out, c);
            }
        }
        return out.toString();
    }

    private static void appendEscapedChar(StringBuilder out, char c) {
        switch (c) {
            case '\t' -> out.append("\\t");
            case '\f' -> out.append("\\f");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            default -> {
                if (c < 0x20 || c > 0x7e) {
                    out.append(String.format("\\u%04X", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
    }

    private static String replacementLine(String text, PropertiesText.Entry e, String value) {
        String terminator = text.substring(e.contentEnd(), e.end());
        if (e.valueOffset() >= 0) {
            // keep "  key = " exactly as the operator wrote it; only the value changes
            return text.substring(e.start(), e.valueOffset()) + escapeValue(value) + terminator;
        }
        return escapeKey(e.key()) + "=" + escapeValue(value) + terminator;
    }

    private static void validate(Map<String, String> set, List<String> unset) {
        for (Map.Entry<String, String> kv : set.entrySet()) {
            checkKey(kv.getKey());
            if (kv.getValue() == null) {
                throw new IllegalArgumentException("no value given for key '" + kv.getKey() + "'");
            }
            if (hasBreakOrNul(kv.getValue())) {
                throw new IllegalArgumentException("value for key '" + kv.getKey()
                        + "' contains a line break or NUL character; refused (server.properties values are one line)");
            }
            if (unset.contains(kv.getKey())) {
                throw new IllegalArgumentException("key '" + kv.getKey() + "' is both set and unset");
            }
        }
        for (String key : unset) {
            checkKey(key);
        }
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("empty property key");
        }
        if (hasBreakOrNul(key)) {
            throw new IllegalArgumentException("property key contains a line break or NUL character: refused");
        }
    }

    private static boolean hasBreakOrNul(String s) {
        return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\0') >= 0;
    }

    private static void verify(String before, String after, Map<String, String> set, List<String> unset) {
        Map<String, String> expected = new HashMap<>(read(before));
        expected.putAll(set);
        unset.forEach(expected::remove);
        Map<String, String> actual = new HashMap<>(read(after));
        if (!expected.equals(actual)) {
            // a bug here must never reach a broker's config
            throw new IllegalStateException("edited properties would not read back as intended; keys differing: "
                    + diffKeys(expected, actual));
        }
    }

    private static List<String> diffKeys(Map<String, String> a, Map<String, String> b) {
        Set<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        keys.removeIf(k -> Objects.equals(a.get(k), b.get(k)));
        return keys.stream().map(k -> "'" + k + "'").toList();
    }

    private static String lineSeparator(String text) {
        int lf = text.indexOf('\n');
        if (lf > 0 && text.charAt(lf - 1) == '\r') {
            return "\r\n";
        }
        if (lf < 0 && text.indexOf('\r') >= 0) {
            return "\r";
        }
        return "\n";
    }

    private static boolean endsWithLineBreak(CharSequence s) {
        char last = s.charAt(s.length() - 1);
        return last == '\n' || last == '\r';
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        return out.toString();
    }
}
