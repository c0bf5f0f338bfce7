package io.kupgrade.plans;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for near-miss names, by Levenshtein distance. */
final class Suggestions {
    private Suggestions() {
    }

    /**
     * The known name closest to {@code given}, if it is close enough to be a typo: within a third of the
     * name's length (at least 1, at most 3 edits), compared case-insensitively.
     */
    static Optional<String> closest(String given, Collection<String> known) {
        String g = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(g, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        int allowed = Math.min(3, Math.max(1, given.length() / 3));
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** " — did you mean 'x'?" or the empty string. */
    static String didYouMean(String given, Collection<String> known) {
        return closest(given, known).map(s -> " — did you mean '" + s + "'?").orElse("");
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
