package io.kupgrade.plans;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kafka version as plans and brokers write it: a release ({@code 0.10.2}, {@code 2.8}, {@code 3.9}), a
 * build ({@code 3.9.2}, {@code 0.10.2.1}), or a protocol/metadata version with an internal version suffix
 * ({@code 3.8-IV1}). Ordering is by numeric segments (a missing segment sorts first), then by IV (none
 * first): {@code 0.10.2 < 2.0}, {@code 3.8 < 3.8-IV1 < 3.9}, {@code 3.9 < 3.9.2}. Immutable.
 *
 * @param segments the numbers, e.g. [3, 8, 1]
 * @param iv the internal version number of {@code -IVn}, or -1 when there is none
 */
public record KafkaVersion(List<Integer> segments, int iv) implements Comparable<KafkaVersion> {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,4}(?:\\.\\d{1,4}){1,3})(?:-IV(\\d{1,3}))?");

    public KafkaVersion {
        segments = List.copyOf(segments);
        if (segments.size() < 2 || segments.size() > 4 || iv < -1) {
            throw new IllegalArgumentException("not a Kafka version: " + segments + " IV" + iv);
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException when it is not of the form {@code X.Y[.Z[.W]][-IVn]}
     */
    public static KafkaVersion parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a Kafka version (e.g. 3.9, 3.9.2, 3.8-IV1)");
        }
        List<Integer> segments = new ArrayList<>();
        for (String s : m.group(1).split("\\.")) {
            segments.add(Integer.parseInt(s));
        }
        return new KafkaVersion(segments, m.group(2) == null ? -1 : Integer.parseInt(m.group(2)));
    }

    /** The feature release this version belongs to: {@code 0.10.2} for 0.x versions, {@code 3.9} after. */
    public KafkaVersion release() {
        int n = segments.get(0) == 0 ? Math.min(3, segments.size()) : 2;
        return new KafkaVersion(segments.subList(0, n), -1);
    }

    /** This version without an IV suffix. */
    public KafkaVersion withoutIv() {
        return new KafkaVersion(segments, -1);
    }

    public boolean hasIv() {
        return iv >= 0;
    }

    public int major() {
        return segments.get(0);
    }

    @Override
    public int compareTo(KafkaVersion o) {
        int n = Math.max(segments.size(), o.segments.size());
        for (int i = 0; i < n; i++) {
            int a = i < segments.size() ? segments.get(i) : -1;
            int b = i < o.segments.size() ? o.segments.get(i) : -1;
            if (a != b) {
                return Integer.compare(a, b);
            }
        }
        return Integer.compare(iv, o.iv);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int s : segments) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(s);
        }
        return hasIv() ? b.append("-IV").append(iv).toString() : b.toString();
    }

    /** Segments as an unmodifiable list (for tests and renderers). */
    public List<Integer> segmentList() {
        return Collections.unmodifiableList(segments);
    }
}
