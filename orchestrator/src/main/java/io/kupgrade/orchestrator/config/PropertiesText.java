package io.kupgrade.orchestrator.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code .properties} text split the way {@code java.util.Properties.load(Reader)} splits it, with the
 * position of every property in the text so that it can be replaced or removed without touching the rest.
 * The line and key/value rules are a port of the JDK's {@code Properties.LineReader} and {@code load0}
 * (JDK 17-25 behave the same), including its corner cases: comment lines never continue, a continuation
 * line is never a comment unless the logical line is still empty, leading white space of a continuation
 * line is dropped, and a blank line ends a continuation.
 */
final class PropertiesText {

    /**
     * One property as Properties reads it.
     *
     * @param start offset of the beginning of the natural line where the logical line starts
     * @param end offset just past the line terminator of its last natural line (or the end of the text)
     * @param valueOffset offset of the value's first character when the whole logical line is one natural
     *     line and the value is not empty; -1 otherwise
     * @param contentEnd offset of the end of the logical line's content, before its terminator
     * @param line 1-based number of the natural line where the property starts
     */
    record Entry(String key, String value, int start, int end, int valueOffset, int contentEnd, int line) {
    }

    private final String text;
    private final List<Entry> entries;
    private final boolean endsInContinuation;

    private PropertiesText(String text, List<Entry> entries, boolean endsInContinuation) {
        this.text = text;
        this.entries = List.copyOf(entries);
        this.endsInContinuation = endsInContinuation;
    }

    String text() {
        return text;
    }

    List<Entry> entries() {
        return entries;
    }

    /**
     * True when the text ends inside a continuation: a backslash at the very end, or a backslash, a line
     * break and only blanks. Text appended to it would join the last logical line.
     */
    boolean endsInContinuation() {
        return endsInContinuation;
    }

    /** Parses {@code text}. @throws IllegalArgumentException naming the line of a malformed \\uXXXX escape */
    static PropertiesText parse(String text) {
        List<Entry> entries = new ArrayList<>();
        int n = text.length();
        int off = 0;
        boolean endsInContinuation = false;
        char[] buf = new char[256];
        int[] raw = new int[256];
        while (true) {
            int len = 0;
            boolean skipWhiteSpace = true;
            boolean appendedLineBegin = false;
            boolean precedingBackslash = false;
            boolean continued = false;
            int first = -1;
            int end;
            int contentEnd;
            while (true) {
                if (off >= n) {
                    // at end of input after "\\" (or after "\\" + line break + blanks): text appended
                    // later would continue this logical line
                    boolean dangling = precedingBackslash || appendedLineBegin;
                    if (len == 0) {
                        return new PropertiesText(text, entries, endsInContinuation || dangling);
                    }
                    endsInContinuation = dangling;
                    len = precedingBackslash ? len - 1 : len;
                    end = n;
                    contentEnd = n;
                    break;
                }
                char c = text.charAt(off++);
                if (skipWhiteSpace) {
                    if (c == ' ' || c == '\t' || c == '\f') {
                        continue;
                    }
                    if (!appendedLineBegin && (c == '\r' || c == '\n')) {
                        continue;
                    }
                    skipWhiteSpace = false;
                    appendedLineBegin = false;
                }
                if (len == 0 && (c == '#' || c == '!')) {
                    // a comment: consume the rest of the natural line; a backslash at its end continues nothing
                    while (off < n) {
                        char d = text.charAt(off++);
                        if (d == '\r' || d == '\n') {
                            break;
                        }
                    }
                    if (off >= n) {
                        return new PropertiesText(text, entries, endsInContinuation);
                    }
                    skipWhiteSpace = true;
                    continue;
                }
                if (c != '\n' && c != '\r') {
                    if (first < 0) {
                        first = off - 1;
                    }
                    if (len == buf.length) {
                        buf = Arrays.copyOf(buf, len * 2);
                        raw = Arrays.copyOf(raw, len * 2);
                    }
                    buf[len] = c;
                    raw[len] = off - 1;
                    len++;
                    precedingBackslash = (c == '\\') ? !precedingBackslash : false;
                } else {
                    if (len == 0) {
                        skipWhiteSpace = true;
                        continue;
                    }
                    if (off >= n) {
                        endsInContinuation = precedingBackslash;
                        len = precedingBackslash ? len - 1 : len;
                        end = n;
                        contentEnd = n - 1;
                        break;
                    }
                    if (precedingBackslash) {
                        len -= 1;
                        skipWhiteSpace = true;
                        appendedLineBegin = true;
                        precedingBackslash = false;
                        continued = true;
                        if (c == '\r' && text.charAt(off) == '\n') {
                            off++;
                        }
                    } else {
                        contentEnd = off - 1;
                        if (c == '\r' && text.charAt(off) == '\n') {
                            off++; // the JDK skips this \n as leading white space of the next line
                        }
                        end = off;
                        break;
                    }
                }
            }
            if (first < 0) {
                continue; // cannot happen with len > 0, kept for clarity
            }
            entries.add(entry(text, buf, raw, len, first, end, contentEnd, continued));
        }
    }

    private static Entry entry(String text, char[] buf, int[] raw, int limit, int first, int end, int contentEnd,
                               boolean continued) {
        // key/value split exactly as Properties.load0
        int keyLen = 0;
        int valueStart = limit;
        boolean hasSep = false;
        boolean precedingBackslash = false;
        while (keyLen < limit) {
            char c = buf[keyLen];
            if ((c == '=' || c == ':') && !precedingBackslash) {
                valueStart = keyLen + 1;
                hasSep = true;
                break;
            } else if ((c == ' ' || c == '\t' || c == '\f') && !precedingBackslash) {
                valueStart = keyLen + 1;
                break;
            }
            precedingBackslash = c == '\\' ? !precedingBackslash : false;
            keyLen++;
        }
        while (valueStart < limit) {
            char c = buf[valueStart];
            if (c != ' ' && c != '\t' && c != '\f') {
                if (!hasSep && (c == '=' || c == ':')) {
                    hasSep = true;
                } else {
                    break;
                }
            }
            valueStart++;
        }
        int start = lineStart(text, first);
        int line = lineNumber(text, start);
        String key = unescape(buf, 0, keyLen, line);
        String value = unescape(buf, valueStart, limit - valueStart, line);
        int valueOffset = !continued && valueStart < limit ? raw[valueStart] : -1;
        return new Entry(key, value, start, end, valueOffset, contentEnd, line);
    }

    private static int lineStart(String text, int offset) {
        int i = offset;
        while (i > 0 && text.charAt(i - 1) != '\n' && text.charAt(i - 1) != '\r') {
            i--;
        }
        return i;
    }

    private static int lineNumber(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
            }
        }
        return line;
    }

    /** The JDK's loadConvert, with the line number in the error. */
    private static String unescape(char[] in, int off, int len, int line) {
        StringBuilder out = new StringBuilder(len);
        int end = off + len;
        while (off < end) {
            char c = in[off++];
            if (c != '\\') {
                out.append(c);
                continue;
            }
            c = in[off++];
            if (c == 'u') {
                if (off > end - 4) {
                    throw new IllegalArgumentException("line " + line + ": malformed \\uxxxx escape");
                }
                int value = 0;
                for (int i = 0; i < 4; i++) {
                    char h = in[off++];
                    int digit = h >= '0' && h <= '9' ? h - '0'
                            : h >= 'a' && h <= 'f' ? h - 'a' + 10
                            : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                    if (digit < 0) {
                        throw new IllegalArgumentException("line " + line + ": malformed \\uxxxx escape");
                    }
                    value = (value << 4) + digit;
                }
                out.append((char) value);
            } else {
                out.append(switch (c) {
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'n' -> '\n';
                    case 'f' -> '\f';
                    default -> c;
                });
            }
        }
        return out.toString();
    }
}
