package io.kupgrade.plans;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for near-miss names, by edit distance (Levenshtein with transpositions). */
final class Suggestions {
    private Suggestions() {
    }

    /**
     * The known name closest to {@code given}, if it is close enough to be a typo: within a third of the
     * name's length (at least 1, at most 3 edits), compared case-insensitively.
     */
    static Optional<String> closest(String given, Collection<String> known) {
        String g = given.toLowerCase(Locale.ROOT);
        int allowed = Math.min(3, Math.max(1, given.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            if (Math.abs(k.length() - given.length()) > allowed) {
                continue; // the distance is at least the difference in length
            }
            int d = distance(g, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** " — did you mean 'x'?" or the empty string. */
    static String didYouMean(String given, Collection<String> known) {
        return closest(given, known).map(s -> " — did you mean '" + s + "'?").orElse("");
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("nmae" is 1 from "name"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
