package io.kupgrade.sandbox;

/** Prints measured durations of integration tests (to stderr, collected in the failsafe reports). */
final class Timings {

    private Timings() {
    }

    static void report(String what, long startNanos) {
        System.err.printf("[timing] %s: %.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
    }
}
