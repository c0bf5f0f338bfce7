package io.kupgrade.gates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the subjects that fail a condition and keeps the first few, so a gate over a million partitions
 * reports "41 partitions: t-0, t-3, ..." without building a million-element list. Not thread-safe; one per
 * evaluation.
 */
final class Offenders {
    private final int limit;
    private final List<String> first = new ArrayList<>();
    private int count;

    Offenders(int limit) {
        this.limit = limit;
    }

    void add(String subject) {
        if (count++ < limit) {
            first.add(subject);
        }
    }

    /** Adds a partition by name; the name is only built for the first few (this runs per partition). */
    void add(ClusterSnapshot.PartitionState partition) {
        if (count++ < limit) {
            first.add(partition.name());
        }
    }

    /** True while added subjects are still named; past that, callers may just {@link #count()} them. */
    boolean naming() {
        return count < limit;
    }

    /** Counts one more subject without naming it. */
    void countOne() {
        count++;
    }

    int count() {
        return count;
    }

    boolean none() {
        return count == 0;
    }

    List<String> first() {
        return List.copyOf(first);
    }

    /** "t-0, t-3, u-1" plus ", ... (38 more)" when some were left out. */
    String describe() {
        String listed = String.join(", ", first);
        return count > first.size() ? listed + ", ... (" + (count - first.size()) + " more)" : listed;
    }

    Map<String, Object> evidence(String countKey, String listKey) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put(countKey, count);
        evidence.put(listKey, first());
        return evidence;
    }
}
