package io.kupgrade.plans;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as plans write them: one or more {@code <number><unit>} parts, largest unit first, each unit at
 * most once. Units: {@code d}, {@code h}, {@code m}, {@code s}, {@code ms}. Examples: {@code 500ms},
 * {@code 30s}, {@code 15m}, {@code 2h}, {@code 1h30m}, {@code 7d}, {@code 0s}. Stateless and thread-safe.
 */
public final class Durations {
    /** The longest duration a plan may give: 365 days. */
    public static final Duration MAX = Duration.ofDays(365);

    private static final Pattern FORMAT =
            Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException with a message fit for the user when the text is not a duration
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        Matcher m = FORMAT.matcher(t);
        if (t.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text
                    + "': write a number with a unit (d, h, m, s, ms), e.g. 500ms, 30s, 15m, 2h, 1h30m");
        }
        Duration d;
        try {
            d = Duration.ofDays(part(m, 1)).plusHours(part(m, 2)).plusMinutes(part(m, 3))
                    .plusSeconds(part(m, 4)).plusMillis(part(m, 5));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid duration '" + text + "': too large", e);
        }
        if (d.compareTo(MAX) > 0) {
            // no wait, soak or timeout of a roll is longer; a bigger number is a typo (and overflows deadlines)
            throw new IllegalArgumentException("invalid duration '" + text + "': longer than " + format(MAX));
        }
        return d;
    }

    /** The shortest text {@link #parse} reads back as {@code d}, e.g. {@code 1h30m}, {@code 500ms}, {@code 0s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        append(b, d.toDays(), "d");
        append(b, d.toHoursPart(), "h");
        append(b, d.toMinutesPart(), "m");
        append(b, d.toSecondsPart(), "s");
        append(b, d.toMillisPart(), "ms");
        return b.toString();
    }

    private static void append(StringBuilder b, long value, String unit) {
        if (value != 0) {
            b.append(value).append(unit);
        }
    }

    private static long part(Matcher m, int group) {
        String g = m.group(group);
        if (g == null) {
            return 0;
        }
        if (g.length() > 12) {
            throw new ArithmeticException("too large");
        }
        return Long.parseLong(g);
    }
}
